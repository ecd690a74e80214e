import type { Event } from '@notiflux/core';
import { NotifierError } from '@notiflux/core';
import {
  type AzureDevOpsCommitStatusPayload,
  azureDevOpsRepository,
  azureDevOpsStatusGenre,
  azuredevopsProvider,
  encodeAzureDevOpsCommitStatus,
  isDuplicateAzureDevOpsStatus,
} from '@notiflux/providers/azuredevops';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import type { RecordedRequest, ScriptedResponse } from '../support/recording-server.js';
import { sampleEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();

const uid = '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a';
const sha = '731f7eaddfb6af01cb2173e18f0f75b0ba780ef1';
const token = 'my-pat';
// base64(':my-pat'): a PAT is Basic auth with an empty user name.
const basic = 'Basic Om15LXBhdA==';
const statusesPath = `/my-org/my-project/_apis/git/repositories/my-repo/commits/${sha}/statuses`;
const sampleBody =
  '{"context":{"genre":"fluxcd:Cluster: prod-eu","name":"kustomization/webapp/0c9c2e41"},"description":"validation failed","state":"error"}';

const listOf = (value: unknown[]) => ({ status: 200, body: JSON.stringify({ count: value.length, value }) });

interface AzureScript {
  list?: ScriptedResponse;
  create?: ScriptedResponse;
}

/** An Azure DevOps emulator for `…/commits/{sha}/statuses`: GET lists, POST creates; anything else is a 404. */
async function azureServer(script: AzureScript = {}) {
  const server = await receiver();
  server.respondWith((request: RecordedRequest) => {
    if (/^\/[^/]+\/[^/]+\/_apis\/git\/repositories\/[^/]+\/commits\/[^/]+\/statuses$/.test(request.path)) {
      if (request.method === 'GET') return script.list ?? listOf([]);
      if (request.method === 'POST') return script.create ?? { status: 201, body: request.body };
    }
    return { status: 404, headers: { 'content-type': 'application/json' }, body: '{"message":"not found"}' };
  });
  return server;
}

function azureNotifier(url: string, extra: Record<string, unknown> = {}) {
  return notifier(
    {
      type: 'azuredevops',
      address: `${url}/my-org/my-project/_git/my-repo`,
      token,
      provider: { uid, name: 'flux-status', namespace: 'flux-system' },
      retry: { minDelayMs: 1 },
      ...extra,
    },
    { providers: [azuredevopsProvider] },
  );
}

const calls = (requests: RecordedRequest[]) => requests.map((request) => `${request.method} ${request.path}`);

/** The upstream post test's event: Kustomization gitops-system, ApplySucceeded, info. */
const upstreamEvent: Event = {
  involvedObject: { kind: 'Kustomization', namespace: 'gitops-system', name: 'gitops-system' },
  severity: 'info',
  timestamp: '2024-01-01T00:00:00Z',
  message: 'Applied',
  reason: 'ApplySucceeded',
  metadata: { revision: 'main@sha1:69b59063470310ebbd88a9156325322a124e55a3' },
  reportingController: 'kustomize-controller',
};

describe('azuredevops', () => {
  it('lists the statuses, then creates the status for the sample event', async () => {
    const server = await azureServer();
    await azureNotifier(server.url).post(sampleEvent);
    expect(calls(server.requests)).toEqual([`GET ${statusesPath}`, `POST ${statusesPath}`]);
    for (const request of server.requests) {
      expect(request.headers.authorization).toBe(basic);
      expect(request.headers['x-tfs-fedauthredirect']).toBe('Suppress');
      expect(request.headers.accept).toBe('application/json;api-version=6.0');
    }
    const [list, create] = server.requests;
    expect(list?.headers['content-type']).toBeUndefined();
    expect(list?.body).toBe('');
    expect(create?.headers['content-type']).toBe('application/json;charset=utf-8');
    expect(create?.body).toBe(sampleBody);
  });

  it('reports info events as succeeded', async () => {
    const server = await azureServer();
    await azureNotifier(server.url).post({
      ...sampleEvent,
      severity: 'info',
      reason: 'ReconciliationSucceeded',
    });
    expect(server.requests.at(-1)?.body).toBe(
      '{"context":{"genre":"fluxcd:Cluster: prod-eu","name":"kustomization/webapp/0c9c2e41"},"description":"reconciliation succeeded","state":"succeeded"}',
    );
  });

  it('uses the genre fluxcd without a summary, and fluxcd: with an empty one', async () => {
    const server = await azureServer();
    const azure = azureNotifier(server.url);
    await azure.post({ ...sampleEvent, metadata: { revision: `main@sha1:${sha}` } });
    expect(JSON.parse(server.requests.at(-1)?.body ?? '').context.genre).toBe('fluxcd');
    await azure.post({ ...sampleEvent, metadata: { revision: `main@sha1:${sha}`, summary: '' } });
    expect(JSON.parse(server.requests.at(-1)?.body ?? '').context.genre).toBe('fluxcd:');
  });

  it('lower-cases the organization and path-escapes project and repository', async () => {
    const server = await azureServer();
    await azureNotifier(server.url, { address: `${server.url}/My-Org/My Project/_git/My Repo` }).post(
      sampleEvent,
    );
    expect(calls(server.requests)).toEqual([
      `GET /my-org/My%20Project/_apis/git/repositories/My%20Repo/commits/${sha}/statuses`,
      `POST /my-org/My%20Project/_apis/git/repositories/My%20Repo/commits/${sha}/statuses`,
    ]);
  });

  describe('matches the upstream post test', () => {
    const id = 'kustomization/gitops-system/0c9c2e41';
    const path = (commit: string) => `/foo/bar/_apis/git/repositories/baz/commits/${commit}/statuses`;
    const post = async (metadata: Record<string, string>) => {
      const server = await azureServer();
      await azureNotifier(server.url, { address: `${server.url}/foo/bar/_git/baz`, commitStatus: id }).post({
        ...upstreamEvent,
        metadata: { ...upstreamEvent.metadata, ...metadata },
      });
      return server.requests;
    };

    it('revision', async () => {
      const requests = await post({});
      expect(calls(requests)).toEqual([
        `GET ${path('69b59063470310ebbd88a9156325322a124e55a3')}`,
        `POST ${path('69b59063470310ebbd88a9156325322a124e55a3')}`,
      ]);
      expect(JSON.parse(requests[1]?.body ?? '')).toEqual({
        context: { genre: 'fluxcd', name: id },
        description: 'apply succeeded',
        state: 'succeeded',
      });
    });

    it('originRevision wins over revision', async () => {
      const requests = await post({ originRevision: 'main@sha1:bd88a9156325322a124e55a369b59063470310eb' });
      expect(requests.at(-1)?.path).toBe(path('bd88a9156325322a124e55a369b59063470310eb'));
    });

    it('summary goes into the genre', async () => {
      const requests = await post({ summary: 'test summary' });
      expect(JSON.parse(requests.at(-1)?.body ?? '').context.genre).toBe('fluxcd:test summary');
    });
  });

  describe('duplicate suppression', () => {
    const ours = (state: string, name: string, description: string): AzureDevOpsCommitStatusPayload => ({
      context: { genre: 'fluxcd', name },
      description,
      state,
    });
    const listed = (state: string, name: string, description: string) => ({
      state,
      description,
      context: { genre: 'fluxcd', name },
    });

    it.each([
      [[listed('succeeded', 'foo', 'bar')], ours('succeeded', 'foo', 'bar'), true],
      [[listed('succeeded', 'foo', 'bar')], ours('failed', 'foo', 'bar'), false],
      [[listed('succeeded', 'foo', 'bar')], ours('succeeded', 'baz', 'bar'), false],
      [[listed('succeeded', 'foo', 'bar')], ours('succeeded', 'foo', 'baz'), false],
      [
        [listed('succeeded', 'baz', 'bar'), listed('succeeded', 'foo', 'bar')],
        ours('succeeded', 'foo', 'bar'),
        true,
      ],
      // The first entry with our name and genre decides, even when a later one would match.
      [
        [listed('error', 'foo', 'bar'), listed('succeeded', 'foo', 'bar')],
        ours('succeeded', 'foo', 'bar'),
        false,
      ],
      // Entries lacking a field are ignored.
      [
        [{ state: 'error', context: { genre: 'fluxcd', name: 'foo' } }, listed('succeeded', 'foo', 'bar')],
        ours('succeeded', 'foo', 'bar'),
        true,
      ],
      [
        [{ ...listed('succeeded', 'foo', 'bar'), context: { genre: 'other', name: 'foo' } }],
        ours('succeeded', 'foo', 'bar'),
        false,
      ],
      [[null, 'x', { context: null }], ours('succeeded', 'foo', 'bar'), false],
      [[], ours('succeeded', 'foo', 'bar'), false],
    ])('%j vs %j → %s', (statuses, status, duplicate) => {
      expect(isDuplicateAzureDevOpsStatus(statuses, status)).toBe(duplicate);
    });

    it('does not create when the same status is already there', async () => {
      const server = await azureServer({
        list: listOf([
          {
            state: 'succeeded',
            description: 'other',
            context: { genre: 'fluxcd:Cluster: prod-eu', name: 'kustomization/other/0c9c2e41' },
          },
          {
            state: 'error',
            description: 'validation failed',
            context: { genre: 'fluxcd:Cluster: prod-eu', name: 'kustomization/webapp/0c9c2e41' },
            targetUrl: 'https://example.com',
          },
        ]),
        create: { status: 401 },
      });
      await azureNotifier(server.url).post(sampleEvent);
      expect(calls(server.requests)).toEqual([`GET ${statusesPath}`]);
    });

    it('creates when only the genre (summary) differs', async () => {
      const server = await azureServer({
        list: listOf([
          {
            state: 'error',
            description: 'validation failed',
            context: { genre: 'fluxcd:Cluster: prod-us', name: 'kustomization/webapp/0c9c2e41' },
          },
        ]),
      });
      await azureNotifier(server.url).post(sampleEvent);
      expect(calls(server.requests)).toEqual([`GET ${statusesPath}`, `POST ${statusesPath}`]);
    });

    it('accepts a list with a UTF-8 byte order mark', async () => {
      const server = await azureServer({
        list: {
          body: `\uFEFF${JSON.stringify({
            count: 1,
            value: [
              {
                state: 'error',
                description: 'validation failed',
                context: { genre: 'fluxcd:Cluster: prod-eu', name: 'kustomization/webapp/0c9c2e41' },
              },
            ],
          })}`,
        },
      });
      await azureNotifier(server.url).post(sampleEvent);
      expect(server.requests).toHaveLength(1);
    });
  });

  it('skips Progressing events without a request', async () => {
    const server = await azureServer();
    const azure = azureNotifier(server.url);
    await azure.post({ ...sampleEvent, reason: 'Progressing' });
    expect(server.requests).toHaveLength(0);
    expect(await azure.encode({ ...sampleEvent, reason: 'Progressing' })).toEqual([]);
  });

  it('sends neither the message nor other metadata (multi-line, unicode, markup, many keys)', async () => {
    const server = await azureServer();
    await azureNotifier(server.url).post({
      ...sampleEvent,
      message: 'multi\nline <b>ünï</b> & `md` 🚀 '.repeat(500),
      metadata: {
        ...sampleEvent.metadata,
        ...Object.fromEntries([...Array(40)].map((_, i) => [`k${i}`, 'v'])),
      },
    });
    expect(server.requests.at(-1)?.body).toBe(sampleBody);
  });

  it('keeps unicode and markup of the summary and reason as JSON', async () => {
    const server = await azureServer();
    await azureNotifier(server.url).post({
      ...sampleEvent,
      reason: 'Ünïcode<Fail>',
      metadata: { ...sampleEvent.metadata, summary: 'Clüster "a" & <b>\nline' },
    });
    expect(JSON.parse(server.requests.at(-1)?.body ?? '')).toEqual({
      context: { genre: 'fluxcd:Clüster "a" & <b>\nline', name: 'kustomization/webapp/0c9c2e41' },
      description: 'ünïcode < fail >',
      state: 'error',
    });
  });

  describe('events it rejects', () => {
    it.each([
      [{ metadata: { summary: 'x' } }, 'azuredevops: missing revision metadata'],
      [
        { metadata: { revision: 'revision/dsa123a' } },
        "azuredevops: failed to extract commit hash from 'revision/dsa123a' revision",
      ],
      [{ severity: 'trace' }, "azuredevops: can't convert to azure devops state"],
    ])('%j', async (change, message) => {
      const server = await azureServer();
      const event = { ...sampleEvent, ...change } as Event;
      const azure = azureNotifier(server.url);
      await expect(azure.post(event)).rejects.toMatchObject({ code: 'INVALID_EVENT', message });
      await expect(azure.encode(event)).rejects.toMatchObject({ code: 'INVALID_EVENT', message });
      expect(server.requests).toHaveLength(0);
    });

    it('rejects a commitStatus function that throws', async () => {
      const server = await azureServer();
      await expect(
        azureNotifier(server.url, {
          commitStatus: () => {
            throw new Error('no environment');
          },
        }).post(sampleEvent),
      ).rejects.toMatchObject({
        code: 'INVALID_SPEC',
        message: 'azuredevops: failed to evaluate commitStatus for the event: no environment',
      });
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('spec validation', () => {
    const base = { type: 'azuredevops', address: 'https://dev.azure.com/foo/bar/_git/baz', token: 'pat' };
    it.each([
      [{ address: 'https://dev.azure.com/foo/bar/baz' }, 'address: invalid repository id "foo/bar/baz"'],
      [
        { address: 'https://my-org.visualstudio.com/proj/_git/repo' },
        'address: invalid repository id "proj/_git/repo"',
      ],
      [
        { address: 'https://tfs.example.com/tfs/DefaultCollection/proj/_git/repo' },
        'address: invalid repository id "tfs/DefaultCollection/proj/_git/repo"',
      ],
      [{ address: undefined }, 'address: required'],
      [{ address: 'my-org/my-project/_git/my-repo' }, 'address: must be an absolute http(s) URL'],
      [
        { address: 'git://dev.azure.com/my-org/my-project/_git/my-repo' },
        'address: must be an absolute http(s) URL',
      ],
      [{ token: undefined }, 'token: failed to acquire azure devops token: no token configured'],
      [{ token: '' }, 'token: failed to acquire azure devops token: no token configured'],
      [
        { token: undefined, address: 'https://dev.azure.com/foo/bar/baz' },
        'failed to acquire azure devops token',
      ],
      [{ commitStatus: '' }, 'commitStatus'],
    ])('%j', (change, message) => {
      expect(() => notifier({ ...base, ...change } as never, { providers: [azuredevopsProvider] })).toThrow(
        expect.objectContaining({ code: 'INVALID_SPEC', message: expect.stringContaining(message) }),
      );
    });

    it('accepts https://dev.azure.com/foo/bar/_git/baz: project bar, repository baz', () => {
      expect(() => notifier(base as never, { providers: [azuredevopsProvider] })).not.toThrow();
      expect(azureDevOpsRepository(base.address)).toEqual({
        organizationUrl: 'https://dev.azure.com/foo',
        project: 'bar',
        repository: 'baz',
      });
    });

    it('reads the SSH form as upstream does: four parts, organization "v3"', () => {
      expect(azureDevOpsRepository('git@ssh.dev.azure.com:v3/my-org/my-project/my-repo')).toEqual({
        organizationUrl: 'https://ssh.dev.azure.com/v3',
        project: 'my-org',
        repository: 'my-repo',
      });
    });
  });

  describe('errors', () => {
    it('does not create when the list fails, and never shows the token', async () => {
      const server = await azureServer({
        list: {
          status: 401,
          headers: { 'content-type': 'application/json' },
          body: `{"message":"TF400813: not authorized with ${token} / ${basic.slice(6)}"}`,
        },
      });
      const error = (await azureNotifier(server.url)
        .post(sampleEvent)
        .catch((caught: unknown) => caught)) as NotifierError;
      expect(error).toBeInstanceOf(NotifierError);
      expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 401 });
      expect(error.message).toMatch(
        /^azuredevops: could not list commit statuses: GET http:\/\/127\.0\.0\.1:\d+\/my-org\/.*HTTP 401: .*TF400813/,
      );
      expect(error.message).not.toContain(token);
      // The server echoed the base64 credentials too: hidden, in the message and the causes.
      expect(error.message).toContain('<redacted>');
      expect(error.message).not.toContain(basic.slice(6));
      expect(String((error.cause as Error).message)).not.toContain(basic.slice(6));
      expect(server.requests).toHaveLength(1);
    });

    it.each([
      ['an empty body', '', 'unexpected end of JSON input'],
      ['HTML', '<html>sign in</html>', 'the body is not JSON'],
      ['a bare array', '[]', 'expected a collection'],
      ['a collection without value', '{"count":0}', 'expected a collection'],
    ])('refuses a 200 list with %s, without creating', async (_label, body, detail) => {
      const server = await azureServer({ list: { status: 200, body } });
      await expect(azureNotifier(server.url).post(sampleEvent)).rejects.toMatchObject({
        code: 'REJECTED',
        message: expect.stringMatching(
          new RegExp(
            `^azuredevops: could not list commit statuses: GET http://127.*HTTP 200 but .*${detail}`,
          ),
        ),
      });
      expect(server.requests).toHaveLength(1);
    });

    it('retries a 5xx create, then rejects with the create prefix', async () => {
      const server = await azureServer({ create: { status: 503, body: `down ${token}` } });
      const attempts: string[] = [];
      const azure = notifier(
        {
          type: 'azuredevops',
          address: `${server.url}/my-org/my-project/_git/my-repo`,
          token,
          provider: { uid },
          retry: { retries: 2, minDelayMs: 1 },
        },
        { providers: [azuredevopsProvider], onAttempt: (info) => attempts.push(JSON.stringify(info)) },
      );
      const error = (await azure.post(sampleEvent).catch((caught: unknown) => caught)) as NotifierError;
      expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 503 });
      expect(error.message).toMatch(
        /^azuredevops: could not create commit status: POST .*HTTP 503.*\(after 3 attempts\)$/,
      );
      expect(error.message).not.toContain(token);
      expect(attempts.join()).not.toContain(token);
      expect(calls(server.requests).filter((call) => call.startsWith('POST'))).toHaveLength(3);
    });

    it('refuses a 2xx create whose body is not a status', async () => {
      const server = await azureServer({ create: { status: 200, body: '<html>' } });
      await expect(azureNotifier(server.url).post(sampleEvent)).rejects.toMatchObject({
        code: 'REJECTED',
        message: expect.stringContaining('azuredevops: could not create commit status: POST '),
      });
    });

    it('survives the upstream fuzz inputs', async () => {
      for (const body of [
        '{"count":1,"value":[{"state":"error","description":"","context":{"genre":"fluxcd","name":"/"}}]}',
        '{"count":0,"value":[]}',
        '',
        '{"count":1,"value":[{"state":1,"description":{},"context":"x"}]}',
      ]) {
        for (const change of [
          {},
          { metadata: { revision: 'revision/dsa123a' } },
          { reason: 'Progressing' },
        ]) {
          const server = await azureServer({ list: { status: 200, body }, create: { status: 200, body } });
          const outcome = await azureNotifier(server.url)
            .post({ ...sampleEvent, ...change })
            .then(
              () => 'ok',
              (error: unknown) => error,
            );
          if (outcome !== 'ok') expect(outcome).toBeInstanceOf(NotifierError);
        }
      }
    });
  });

  it('encode shows the create request with the token redacted', async () => {
    const azure = notifier(
      {
        type: 'azuredevops',
        address: 'https://dev.azure.com/my-org/my-project/_git/my-repo',
        token,
        provider: { uid },
      },
      { providers: [azuredevopsProvider] },
    );
    const messages = await azure.encode(sampleEvent);
    expect(messages).toEqual([
      {
        transport: 'http',
        method: 'POST',
        url: `https://dev.azure.com${statusesPath}`,
        headers: {
          Authorization: '<redacted>',
          'X-TFS-FedAuthRedirect': 'Suppress',
          Accept: 'application/json;api-version=6.0',
          'Content-Type': 'application/json;charset=utf-8',
        },
        body: sampleBody,
      },
    ]);
    expect(JSON.stringify(messages)).not.toContain(basic.slice(6));
  });

  it('exports pure encoders', () => {
    expect(encodeAzureDevOpsCommitStatus(sampleEvent, { provider: { uid } })).toEqual({
      sha,
      payload: JSON.parse(sampleBody),
    });
    // Without provider.uid the id is kind/name (docs/design/git-providers.md#commit-status-id).
    expect(encodeAzureDevOpsCommitStatus(sampleEvent, { provider: {} })?.payload.context.name).toBe(
      'kustomization/webapp',
    );
    expect(
      encodeAzureDevOpsCommitStatus({ ...sampleEvent, reason: 'Progressing' }, { provider: {} }),
    ).toBeUndefined();
    expect(azureDevOpsStatusGenre({})).toBe('fluxcd');
    expect(azureDevOpsStatusGenre({ metadata: { summary: 's' } })).toBe('fluxcd:s');
  });
});
