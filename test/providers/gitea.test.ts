import type { Event } from '@notiflux/core';
import { NotifierError } from '@notiflux/core';
import { giteaProvider } from '@notiflux/providers/gitea';
import { describe, expect, it } from 'vitest';
import { giteaVersionProblem } from '../../packages/providers/src/git/gitea-client.js';
import { useProviderHarness } from '../support/provider-harness.js';
import type { RecordedRequest, ScriptedResponse } from '../support/recording-server.js';
import { sampleEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();

const uid = '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a';
const sha = '731f7eaddfb6af01cb2173e18f0f75b0ba780ef1';
const token = 'gtoken-s3cret';
const statusesPath = `/api/v1/repos/my-org/my-repo/commits/${sha}/statuses?limit=50&page=1`;
const createPath = `/api/v1/repos/my-org/my-repo/statuses/${sha}`;
const sampleBody =
  '{"state":"failure","target_url":"","description":"validation failed","context":"kustomization/webapp/0c9c2e41"}';

interface GiteaScript {
  version?: ScriptedResponse;
  statuses?: ScriptedResponse;
  create?: ScriptedResponse;
}

/** A Gitea API emulator: version, list statuses, create status; anything else is a 404. */
async function giteaServer(script: GiteaScript = {}) {
  const server = await receiver();
  server.respondWith((request: RecordedRequest) => {
    if (request.method === 'GET' && request.path === '/api/v1/version') {
      return script.version ?? { status: 200, body: '{"version":"1.21.5"}' };
    }
    if (request.method === 'GET' && request.path.startsWith('/api/v1/repos/my-org/my-repo/commits/')) {
      return script.statuses ?? { status: 200, body: '[]' };
    }
    if (request.method === 'POST' && request.path.startsWith('/api/v1/repos/my-org/my-repo/statuses/')) {
      return script.create ?? { status: 201, body: '{"id":1}' };
    }
    return { status: 404, body: '{"message":"not found"}' };
  });
  return server;
}

function giteaNotifier(url: string, extra: Record<string, unknown> = {}) {
  return notifier(
    {
      type: 'gitea',
      address: `${url}/my-org/my-repo`,
      token,
      provider: { uid, name: 'flux-status', namespace: 'flux-system' },
      retry: { minDelayMs: 1 },
      ...extra,
    },
    { providers: [giteaProvider] },
  );
}

const calls = (requests: RecordedRequest[]) => requests.map((request) => `${request.method} ${request.path}`);

describe('gitea', () => {
  it('checks the version, lists statuses, then creates the status for the sample event', async () => {
    const server = await giteaServer();
    await giteaNotifier(server.url).post(sampleEvent);
    expect(calls(server.requests)).toEqual([
      'GET /api/v1/version',
      `GET ${statusesPath}`,
      `POST ${createPath}`,
    ]);
    for (const request of server.requests) {
      expect(request.headers.authorization).toBe(`token ${token}`);
      expect(request.headers['content-type']).toBe('application/json');
    }
    expect(server.requests[2]?.body).toBe(sampleBody);
  });

  it('checks the version only once per notifier', async () => {
    const server = await giteaServer();
    const gitea = giteaNotifier(server.url);
    await gitea.post(sampleEvent);
    await gitea.post({ ...sampleEvent, severity: 'info', reason: 'ReconciliationSucceeded' });
    expect(calls(server.requests).filter((call) => call === 'GET /api/v1/version')).toHaveLength(1);
    expect(server.requests.at(-1)?.body).toBe(
      '{"state":"success","target_url":"","description":"reconciliation succeeded","context":"kustomization/webapp/0c9c2e41"}',
    );
  });

  it('reports Progressing as pending (any severity)', async () => {
    const server = await giteaServer();
    await giteaNotifier(server.url).post({ ...sampleEvent, severity: 'info', reason: 'Progressing' });
    expect(server.requests.at(-1)?.body).toBe(
      '{"state":"pending","target_url":"","description":"progressing","context":"kustomization/webapp/0c9c2e41"}',
    );
  });

  it('skips the write when the first status with our context has the same state and description', async () => {
    const server = await giteaServer({
      statuses: {
        body: JSON.stringify([
          { context: '', status: 'failure', description: 'validation failed' },
          { context: 'kustomization/webapp/0c9c2e41', status: 'failure', description: 'validation failed' },
          { context: 'kustomization/webapp/0c9c2e41', status: 'success', description: 'old' },
        ]),
      },
    });
    await giteaNotifier(server.url).post(sampleEvent);
    expect(calls(server.requests)).toEqual(['GET /api/v1/version', `GET ${statusesPath}`]);
  });

  it('writes when the first status with our context differs, or only other contexts match', async () => {
    const server = await giteaServer({
      statuses: {
        body: JSON.stringify([
          { context: 'kustomization/webapp/0c9c2e41', status: 'success', description: 'validation failed' },
          { context: 'kustomization/webapp/0c9c2e41', status: 'failure', description: 'validation failed' },
        ]),
      },
    });
    await giteaNotifier(server.url).post(sampleEvent);
    expect(calls(server.requests).at(-1)).toBe(`POST ${createPath}`);

    const other = await giteaServer({
      statuses: {
        body: JSON.stringify([{ context: 'other', status: 'failure', description: 'validation failed' }]),
      },
    });
    await giteaNotifier(other.url).post(sampleEvent);
    expect(calls(other.requests).at(-1)).toBe(`POST ${createPath}`);
  });

  it('prefers originRevision over revision, and commit over both', async () => {
    const server = await giteaServer();
    const origin = '8a9156325322a124e55a369b59063470310ebbd8';
    await giteaNotifier(server.url).post({
      ...sampleEvent,
      severity: 'info',
      reason: '',
      metadata: {
        revision: 'main@sha1:69b59063470310ebbd88a9156325322a124e55a3',
        originRevision: `main@sha1:${origin}`,
      },
    });
    expect(server.requests.at(-1)?.path).toBe(`/api/v1/repos/my-org/my-repo/statuses/${origin}`);
    expect(server.requests.at(-1)?.body).toBe(
      '{"state":"success","target_url":"","description":"","context":"kustomization/webapp/0c9c2e41"}',
    );
  });

  it('uses a commitStatus string or function, and password as the token', async () => {
    const server = await giteaServer();
    await giteaNotifier(server.url, {
      token: undefined,
      password: 'pw-token',
      commitStatus: (event: Event) => `flux/${event.metadata?.summary}`,
    }).post(sampleEvent);
    expect(server.requests.at(-1)?.headers.authorization).toBe('token pw-token');
    expect(JSON.parse(server.requests.at(-1)?.body ?? '').context).toBe('flux/Cluster: prod-eu');
  });

  it('uses kind/name without a provider UID', async () => {
    const server = await giteaServer();
    await giteaNotifier(server.url, { provider: {} }).post(sampleEvent);
    expect(JSON.parse(server.requests.at(-1)?.body ?? '').context).toBe('kustomization/webapp');
  });

  it('accepts a .git address', async () => {
    const server = await giteaServer();
    await giteaNotifier(server.url, { address: `${server.url}/my-org/my-repo.git` }).post(sampleEvent);
    expect(server.requests.at(-1)?.path).toBe(createPath);
  });

  it('keeps multi-line, unicode and markup text out of the status (only the reason is sent)', async () => {
    const server = await giteaServer();
    await giteaNotifier(server.url).post({
      ...sampleEvent,
      message: 'line 1\n<b>ünïcode</b> & *md*',
      reason: 'HealthCheckFailed',
      metadata: {
        ...sampleEvent.metadata,
        ...Object.fromEntries([...Array(30)].map((_, i) => [`k${i}`, 'v'])),
      },
    });
    expect(JSON.parse(server.requests.at(-1)?.body ?? '').description).toBe('health check failed');
  });

  describe('events it rejects', () => {
    it.each([
      [{ metadata: {} }, 'gitea: missing revision metadata'],
      [{ metadata: undefined }, 'gitea: missing revision metadata'],
      [{ metadata: { revision: 'main' } }, "gitea: failed to extract commit hash from 'main' revision"],
      [{ severity: 'trace' }, "gitea: can't convert to gitea state"],
    ])('%j', async (change, message) => {
      const server = await giteaServer();
      const event = { ...sampleEvent, ...change } as Event;
      await expect(giteaNotifier(server.url).post(event)).rejects.toMatchObject({
        code: 'INVALID_EVENT',
        message,
      });
      await expect(giteaNotifier(server.url).encode(event)).rejects.toMatchObject({
        code: 'INVALID_EVENT',
        message,
      });
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('spec validation', () => {
    it.each([
      [{ token: undefined }, 'invalid gitea provider spec: token: gitea token cannot be empty'],
      [{ token: '  ' }, 'invalid gitea provider spec: token: gitea token cannot be empty'],
      [{ address: 'https://gitea.example.com/foo/bar/baz' }, 'address: invalid repository id "foo/bar/baz"'],
      [{ address: undefined }, 'address: required'],
      [{ commitStatus: '' }, 'commitStatus'],
      [{ proxy: 'wrong\nURL' }, 'proxy'],
    ])('%j', (change, message) => {
      expect(() => giteaNotifier('https://gitea.example.com', change)).toThrow(
        expect.objectContaining({ code: 'INVALID_SPEC', message: expect.stringContaining(message) }),
      );
    });
  });

  describe('server version', () => {
    it.each([
      ['1.21.5', undefined],
      ['v1.11.0', undefined],
      ['1.22.0+dev-12-gabc', undefined],
      ['7.0.0+gitea-1.21.0', undefined],
      ['1.10.9', 'gitea server at http://h is older than 1.11.0'],
      ['1.11.0-rc1', 'gitea server at http://h is older than 1.11.0'],
      ['banana', 'unknown version: banana'],
      ['', 'Malformed version: '],
    ])('%j', (version, problem) => {
      expect(giteaVersionProblem(version, 'http://h')).toBe(problem);
    });

    it('rejects an old server and retries the check on the next post', async () => {
      const server = await giteaServer({ version: { body: '{"version":"1.10.0"}' } });
      const gitea = giteaNotifier(server.url);
      await expect(gitea.post(sampleEvent)).rejects.toMatchObject({
        code: 'REJECTED',
        message: `gitea: failed creating Gitea client: gitea server at ${server.url} is older than 1.11.0`,
      });
      expect(calls(server.requests)).toEqual(['GET /api/v1/version']);
      await expect(gitea.post(sampleEvent)).rejects.toThrow(/older than 1.11.0/);
      expect(server.requests).toHaveLength(2);
    });

    it('surfaces a failing version call with its status, without the token', async () => {
      const server = await giteaServer({
        version: { status: 401, body: `{"message":"bad token ${token}"}` },
      });
      const error = await giteaNotifier(server.url)
        .post(sampleEvent)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NotifierError);
      expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 401 });
      expect((error as Error).message).toMatch(
        /^gitea: failed creating Gitea client: GET .*\/api\/v1\/version: HTTP 401/,
      );
      expect((error as Error).message).not.toContain(token);
      expect(JSON.stringify(error)).not.toContain(token);
    });
  });

  describe('errors', () => {
    it('does not write when listing fails', async () => {
      const server = await giteaServer({ statuses: { status: 403, body: '{"message":"forbidden"}' } });
      await expect(giteaNotifier(server.url).post(sampleEvent)).rejects.toMatchObject({
        code: 'HTTP_STATUS',
        status: 403,
        message: expect.stringMatching(/^gitea: could not list commit statuses: GET .*HTTP 403/),
      });
      expect(server.requests.map((request) => request.method)).toEqual(['GET', 'GET']);
    });

    it('retries a 5xx on create and reports the final failure unwrapped, token redacted', async () => {
      const server = await giteaServer({ create: { status: 500, body: `oops ${token}` } });
      const error = (await giteaNotifier(server.url, { retry: { retries: 2, minDelayMs: 1 } })
        .post(sampleEvent)
        .catch((caught: unknown) => caught)) as NotifierError;
      expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 500 });
      expect(error.message).toMatch(/^POST .*\/statuses\/731f.*HTTP 500/);
      expect(error.message).not.toContain(token);
      expect(calls(server.requests).filter((call) => call.startsWith('POST'))).toHaveLength(3);
    });

    it('rejects a 2xx answer that is not JSON', async () => {
      const server = await giteaServer({ create: { status: 201, body: '' } });
      await expect(giteaNotifier(server.url).post(sampleEvent)).rejects.toMatchObject({ code: 'REJECTED' });
    });
  });

  describe('encode', () => {
    it('shows the create-status request with the token redacted', async () => {
      const messages = await giteaNotifier('https://gitea.example.com').encode(sampleEvent);
      expect(messages).toEqual([
        {
          transport: 'http',
          method: 'POST',
          url: `https://gitea.example.com/api/v1/repos/my-org/my-repo/statuses/${sha}`,
          headers: { Authorization: '<redacted>', 'Content-Type': 'application/json' },
          body: sampleBody,
        },
      ]);
      expect(JSON.stringify(messages)).not.toContain(token);
    });

    it('uses the /api/v1 base of a host with a port', async () => {
      const messages = await giteaNotifier('x', {
        address: 'http://gitea.local:3000/my-org/my-repo.git',
      }).encode(sampleEvent);
      expect(messages[0]).toMatchObject({
        url: `http://gitea.local:3000/api/v1/repos/my-org/my-repo/statuses/${sha}`,
      });
    });
  });
});
