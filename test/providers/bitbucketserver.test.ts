import { createHash } from 'node:crypto';
import type { Event } from '@notiflux/core';
import { NotifierError } from '@notiflux/core';
import {
  bitbucketServerCommitsUrl,
  bitbucketserverProvider,
  encodeBitbucketServerBuildStatus,
  parseBitbucketServerAddress,
} from '@notiflux/providers/bitbucketserver';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import type { RecordedRequest, ScriptedResponse } from '../support/recording-server.js';
import { sampleEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();

const uid = '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a';
const sha = '731f7eaddfb6af01cb2173e18f0f75b0ba780ef1';
// sha1('kustomization/webapp/0c9c2e41'), the spec's sample key.
const key = '4abc3ba6f171924ecece234c03192982da12888b';
const token = 'BBDC-ODIxODYxMzIyNzUyOttorMjO059P2rYTb6EH7mP';
const buildsPath = `/rest/api/latest/projects/PROJ/repos/my-repo/commits/${sha}/builds`;
const sampleBody = (address: string) =>
  `{"description":"validation failed","key":"${key}","name":"kustomization/webapp [validation failed]","state":"FAILED","url":"${address}"}`;

interface BitbucketServerScript {
  read?: ScriptedResponse;
  create?: ScriptedResponse;
}

/** A Bitbucket Server emulator for `…/commits/{sha}/builds`: GET (by key) and POST; anything else is a 405. */
async function bitbucketServer(script: BitbucketServerScript = {}) {
  const server = await receiver();
  server.respondWith((request: RecordedRequest) => {
    const path = request.path.split('?')[0] ?? '';
    if (path.startsWith('/') && path.endsWith('/builds')) {
      if (request.method === 'GET') {
        return script.read ?? { status: 404, body: '{"errors":[{"message":"No build status"}]}' };
      }
      if (request.method === 'POST') return script.create ?? { status: 204 };
    }
    return { status: 405, body: 'unexpected call' };
  });
  return server;
}

function bitbucketServerNotifier(url: string, extra: Record<string, unknown> = {}) {
  return notifier(
    {
      type: 'bitbucketserver',
      address: `${url}/scm/PROJ/my-repo.git`,
      token,
      provider: { uid, name: 'flux-status', namespace: 'flux-system' },
      retry: { minDelayMs: 1 },
      ...extra,
    },
    { providers: [bitbucketserverProvider] },
  );
}

const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

const calls = (requests: RecordedRequest[]) => requests.map((request) => `${request.method} ${request.path}`);

/** The upstream test's event: Kustomization flux-system/hello-world, reason `reason`. */
const upstreamEvent: Event = {
  involvedObject: { kind: 'Kustomization', namespace: 'flux-system', name: 'hello-world' },
  severity: 'info',
  timestamp: '2024-01-01T00:00:00Z',
  message: 'message',
  reason: 'reason',
  metadata: { revision: 'main@sha1:5394cb7f48332b2de7c17dd8b8384bbc84b7e738' },
  reportingController: 'kustomize-controller',
};

describe('bitbucketserver', () => {
  it('reads the build status under our key, then posts it for the sample event', async () => {
    const server = await bitbucketServer();
    const address = `${server.url}/scm/PROJ/my-repo.git`;
    await bitbucketServerNotifier(server.url).post(sampleEvent);
    expect(calls(server.requests)).toEqual([`GET ${buildsPath}?key=${key}`, `POST ${buildsPath}`]);
    for (const request of server.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${token}`);
      expect(request.headers['x-atlassian-token']).toBe('no-check');
      expect(request.headers['x-requested-with']).toBe('XMLHttpRequest');
    }
    const [read, create] = server.requests;
    expect(read?.headers['content-type']).toBeUndefined();
    expect(read?.body).toBe('');
    expect(create?.headers['content-type']).toBe('application/json');
    expect(create?.body).toBe(sampleBody(address));
  });

  it('reports info events as SUCCESSFUL', async () => {
    const server = await bitbucketServer();
    await bitbucketServerNotifier(server.url).post({
      ...sampleEvent,
      severity: 'info',
      reason: 'ReconciliationSucceeded',
    });
    expect(server.requests.at(-1)?.body).toBe(
      `{"description":"reconciliation succeeded","key":"${key}","name":"kustomization/webapp [reconciliation succeeded]","state":"SUCCESSFUL","url":"${server.url}/scm/PROJ/my-repo.git"}`,
    );
  });

  it('omits an empty description and keeps the brackets in the name', async () => {
    const server = await bitbucketServer();
    await bitbucketServerNotifier(server.url).post({ ...sampleEvent, reason: '' });
    expect(JSON.parse(server.requests.at(-1)?.body ?? '')).toEqual({
      key,
      name: 'kustomization/webapp []',
      state: 'FAILED',
      url: `${server.url}/scm/PROJ/my-repo.git`,
    });
    expect(server.requests.at(-1)?.body.startsWith('{"key":')).toBe(true);
  });

  it('uses basic auth with username and password when there is no token', async () => {
    const server = await bitbucketServer();
    await bitbucketServerNotifier(server.url, {
      token: undefined,
      username: 'hello',
      password: 'password',
    }).post(sampleEvent);
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([
      'Basic aGVsbG86cGFzc3dvcmQ=',
      'Basic aGVsbG86cGFzc3dvcmQ=',
    ]);
  });

  it('prefers the token over username and password', async () => {
    const server = await bitbucketServer();
    await bitbucketServerNotifier(server.url, { username: 'hello', password: 'password' }).post(sampleEvent);
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([
      `Bearer ${token}`,
      `Bearer ${token}`,
    ]);
  });

  it('matches the upstream request test: custom id, originRevision before revision', async () => {
    const id = 'kustomization/gitops-system/0c9c2e41';
    const server = await bitbucketServer();
    const event = {
      ...upstreamEvent,
      metadata: {
        ...upstreamEvent.metadata,
        originRevision: 'main@sha1:e7c17dd8b8384bbc84b7e7385394cb7f48332b2d',
      },
    };
    await notifier(
      {
        type: 'bitbucketserver',
        address: `${server.url}/scm/projectfoo/repobar.git`,
        token: 'goodtoken',
        commitStatus: id,
      },
      { providers: [bitbucketserverProvider] },
    ).post(event);
    const path =
      '/rest/api/latest/projects/projectfoo/repos/repobar/commits/e7c17dd8b8384bbc84b7e7385394cb7f48332b2d/builds';
    const expectedKey = sha1(id);
    expect(calls(server.requests)).toEqual([`GET ${path}?key=${expectedKey}`, `POST ${path}`]);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer goodtoken');
    expect(JSON.parse(server.requests[1]?.body ?? '')).toEqual({
      description: 'reason',
      key: expectedKey,
      name: 'kustomization/hello-world [reason]',
      state: 'SUCCESSFUL',
      url: `${server.url}/scm/projectfoo/repobar.git`,
    });
  });

  it('posts under the context path, and keeps a clone-URL query on the POST only', async () => {
    const server = await bitbucketServer();
    await bitbucketServerNotifier(server.url, {
      address: `${server.url}/bitbucket/scm/PROJ/my-repo.git?at=x`,
    }).post(sampleEvent);
    expect(calls(server.requests)).toEqual([
      `GET /bitbucket${buildsPath}?key=${key}`,
      `POST /bitbucket${buildsPath}?at=x`,
    ]);
    expect(JSON.parse(server.requests[1]?.body ?? '').url).toBe(
      `${server.url}/bitbucket/scm/PROJ/my-repo.git?at=x`,
    );
  });

  describe('duplicate suppression', () => {
    const existing = (changes: Record<string, unknown> = {}) => ({
      body: JSON.stringify({
        key,
        state: 'FAILED',
        description: 'validation failed',
        name: 'kustomization/webapp [validation failed]',
        url: 'https://elsewhere',
        createdDate: 1,
        ...changes,
      }),
    });

    it('does not post when key, state, description and name are already there', async () => {
      const server = await bitbucketServer({ read: existing(), create: { status: 401 } });
      await bitbucketServerNotifier(server.url).post(sampleEvent);
      expect(calls(server.requests)).toEqual([`GET ${buildsPath}?key=${key}`]);
    });

    it('matches the upstream duplicate test (info event, identical status, POST would fail)', async () => {
      const id = 'kustomization/gitops-system/0c9c2e41';
      const idKey = sha1(id);
      const server = await bitbucketServer({
        read: {
          body: JSON.stringify({
            name: 'kustomization/hello-world [reason]',
            description: 'reason',
            key: idKey,
            state: 'SUCCESSFUL',
          }),
        },
        create: { status: 401 },
      });
      await bitbucketServerNotifier(server.url, { commitStatus: id }).post(upstreamEvent);
      expect(server.requests).toHaveLength(1);
    });

    it.each([
      ['state', { state: 'SUCCESSFUL' }],
      ['description', { description: 'other' }],
      ['name', { name: 'kustomization/webapp' }],
      ['key', { key: 'x' }],
    ])('posts when the %s differs', async (_field, change) => {
      const server = await bitbucketServer({ read: existing(change) });
      await bitbucketServerNotifier(server.url).post(sampleEvent);
      expect(calls(server.requests)).toEqual([`GET ${buildsPath}?key=${key}`, `POST ${buildsPath}`]);
    });

    it.each([
      ['a 204', { status: 204 }],
      ['a 200 null body', { status: 200, body: 'null' }],
      ['a 200 empty object', { status: 200, body: '{}' }],
      ['a 404', { status: 404, body: '' }],
    ])('posts after %s', async (_label, read) => {
      const server = await bitbucketServer({ read });
      await bitbucketServerNotifier(server.url).post(sampleEvent);
      expect(calls(server.requests).at(-1)).toBe(`POST ${buildsPath}`);
    });
  });

  it('skips Progressing events without a request', async () => {
    const server = await bitbucketServer();
    const bitbucket = bitbucketServerNotifier(server.url);
    await bitbucket.post({ ...sampleEvent, reason: 'Progressing' });
    expect(server.requests).toHaveLength(0);
    expect(await bitbucket.encode({ ...sampleEvent, reason: 'Progressing' })).toEqual([]);
  });

  it('sends neither message nor metadata (multi-line, unicode, markup, many keys)', async () => {
    const server = await bitbucketServer();
    await bitbucketServerNotifier(server.url).post({
      ...sampleEvent,
      message: 'multi\nline <b>ünï</b> & `md` 🚀 '.repeat(500),
      metadata: {
        ...sampleEvent.metadata,
        ...Object.fromEntries([...Array(40)].map((_, i) => [`k${i}`, 'v'])),
      },
    });
    expect(server.requests.at(-1)?.body).toBe(sampleBody(`${server.url}/scm/PROJ/my-repo.git`));
  });

  it('keeps unicode and markup of the reason and object name as JSON', async () => {
    const server = await bitbucketServer();
    await bitbucketServerNotifier(server.url).post({
      ...sampleEvent,
      involvedObject: { ...sampleEvent.involvedObject, name: 'wëb<app>' },
      reason: 'Ünïcode&Fail',
    });
    const body = JSON.parse(server.requests.at(-1)?.body ?? '');
    expect(body.name).toBe('kustomization/wëb<app> [ünïcode & fail]');
    expect(body.description).toBe('ünïcode & fail');
  });

  describe('events it rejects', () => {
    it.each([
      [{ metadata: { dummybadrevision: 'bad' } }, 'bitbucketserver: missing revision metadata'],
      [{ metadata: {} }, 'bitbucketserver: missing revision metadata'],
      [
        { metadata: { revision: 'badhash' } },
        "bitbucketserver: could not parse revision: failed to extract commit hash from 'badhash' revision",
      ],
      [
        { severity: 'trace' },
        "bitbucketserver: couldn't convert to bitbucket server state: bitbucket server state generated on info or error events only",
      ],
    ])('%j', async (change, message) => {
      const server = await bitbucketServer();
      const event = { ...sampleEvent, ...change } as Event;
      const bitbucket = bitbucketServerNotifier(server.url);
      await expect(bitbucket.post(event)).rejects.toMatchObject({ code: 'INVALID_EVENT', message });
      await expect(bitbucket.encode(event)).rejects.toMatchObject({ code: 'INVALID_EVENT', message });
      expect(server.requests).toHaveLength(0);
    });

    it('rejects a commitStatus function returning an empty id', async () => {
      const server = await bitbucketServer();
      await expect(
        bitbucketServerNotifier(server.url, { commitStatus: () => '' }).post(sampleEvent),
      ).rejects.toMatchObject({
        code: 'INVALID_SPEC',
        message: 'bitbucketserver: commit status cannot be empty',
      });
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('address parsing', () => {
    it.each([
      [
        'https://example.com:7990/scm/projectfoo/repobar.git',
        'https://example.com:7990/rest/api/latest/projects/projectfoo/repos/repobar/commits',
      ],
      [
        'https://example.com:7990/context1/scm/projectfoo/repobar.git',
        'https://example.com:7990/context1/rest/api/latest/projects/projectfoo/repos/repobar/commits',
      ],
      [
        'https://example.com:7990/context1/context2/context3/scm/projectfoo/repobar.git',
        'https://example.com:7990/context1/context2/context3/rest/api/latest/projects/projectfoo/repos/repobar/commits',
      ],
      [
        'https://example.com:7990/scm/scm/projectfoo/repobar.git',
        'https://example.com:7990/scm/rest/api/latest/projects/projectfoo/repos/repobar/commits',
      ],
      [
        'https://example.com:7990/scm/context2/scm/scm/projectfoo/repobar.git',
        'https://example.com:7990/scm/context2/scm/rest/api/latest/projects/projectfoo/repos/repobar/commits',
      ],
      [
        'http://bitbucket.local/scm/PROJ/my-repo',
        'http://bitbucket.local/rest/api/latest/projects/PROJ/repos/my-repo/commits',
      ],
      [
        'https://user:pw@example.com/scm/My%20Proj/repo.git',
        'https://example.com/rest/api/latest/projects/My%20Proj/repos/repo/commits',
      ],
    ])('%s', (address, commitsUrl) => {
      expect(bitbucketServerCommitsUrl(address)).toBe(commitsUrl);
    });

    it.each([
      [
        'https://example.com:7990/context1/context2/context3/projectfoo/repobar.git',
        'supplied provider address is not http(s) git clone url',
      ],
      [
        'https://example.com:7990/scm/projectfoo/repobar/invalid.git',
        'invalid repository id "projectfoo/repobar/invalid"',
      ],
      [
        'ssh://git@mybitbucket:2222/ap/fluxcd-sandbox.git',
        'unsupported scheme type in address: ssh. Must be http or https',
      ],
    ])('refuses %s', (address, problem) => {
      expect(parseBitbucketServerAddress(address)).toEqual({ problem });
    });
  });

  describe('spec validation', () => {
    const base = { type: 'bitbucketserver', token };
    it.each([
      [
        { address: 'https://example.com:7990/context1/context2/context3/projectfoo/repobar.git' },
        'address: could not parse git address: supplied provider address is not http(s) git clone url',
      ],
      [
        { address: 'ssh://git@mybitbucket:2222/ap/fluxcd-sandbox.git' },
        'address: could not parse git address: unsupported scheme type in address: ssh. Must be http or https',
      ],
      [
        { address: 'https://example.com:7990/scm/projectfoo/repobar/invalid.git' },
        'address: could not parse git address: invalid repository id "projectfoo/repobar/invalid"',
      ],
      [{ address: 'git@mybitbucket:PROJ/repo.git' }, 'address: could not parse git address: Invalid URL'],
      [{ address: undefined }, 'address: required'],
      [
        { address: 'https://example.com:7990/scm/projectfoo/repobar.git', token: undefined },
        'token: invalid credentials, expected to be one of username/password or API Token',
      ],
      [
        { address: 'https://example.com:7990/scm/projectfoo/repobar.git', token: undefined, username: 'u' },
        'token: invalid credentials, expected to be one of username/password or API Token',
      ],
      [
        { address: 'https://example.com:7990/scm/projectfoo/repobar.git', token: undefined, password: 'p' },
        'token: invalid credentials, expected to be one of username/password or API Token',
      ],
      [{ address: 'https://example.com:7990/scm/projectfoo/repobar.git', commitStatus: '' }, 'commitStatus'],
    ])('%j', (change, message) => {
      expect(() =>
        notifier({ ...base, ...change } as never, { providers: [bitbucketserverProvider] }),
      ).toThrow(
        expect.objectContaining({
          code: 'INVALID_SPEC',
          message: expect.stringContaining(message),
        }),
      );
    });

    it.each([
      [
        { token: undefined, username: 'dummyuser', password: 'testpassword' },
        'https://example.com:7990/scm/projectfoo/repobar.git',
      ],
      [
        { token: undefined, username: 'dummyuser', password: 'testpassword' },
        'https://example.com:7990/context/scm/projectfoo/repobar.git',
      ],
      [{}, 'https://example.com:7990/scm/projectfoo/repobar.git'],
    ])('accepts %j with %s', (change, address) => {
      expect(() =>
        notifier({ ...base, address, ...change } as never, { providers: [bitbucketserverProvider] }),
      ).not.toThrow();
    });
  });

  describe('errors', () => {
    it('reports a 200 with an empty body, without posting', async () => {
      const server = await bitbucketServer({ read: { status: 200, body: '' } });
      await expect(bitbucketServerNotifier(server.url).post(sampleEvent)).rejects.toMatchObject({
        code: 'REJECTED',
        message:
          'bitbucketserver: could not get existing commit status: could not unmarshal json response body for duplicate commit status: unexpected end of JSON input',
      });
      expect(server.requests).toHaveLength(1);
    });

    it('reports a 200 that is not a JSON object, without posting', async () => {
      const server = await bitbucketServer({ read: { status: 200, body: '[1]' } });
      await expect(bitbucketServerNotifier(server.url).post(sampleEvent)).rejects.toMatchObject({
        code: 'REJECTED',
        message: expect.stringContaining(
          'could not unmarshal json response body for duplicate commit status: ',
        ),
      });
      const html = await bitbucketServer({ read: { status: 200, body: '<html>' } });
      await expect(bitbucketServerNotifier(html.url).post(sampleEvent)).rejects.toMatchObject({
        code: 'REJECTED',
      });
      expect(server.requests).toHaveLength(1);
      expect(html.requests).toHaveLength(1);
    });

    it('reports a failed read with the status line, without posting', async () => {
      const server = await bitbucketServer({ read: { status: 400, body: `bad ${token}` } });
      const error = (await bitbucketServerNotifier(server.url)
        .post(sampleEvent)
        .catch((caught: unknown) => caught)) as NotifierError;
      expect(error).toBeInstanceOf(NotifierError);
      expect(error).toMatchObject({
        code: 'HTTP_STATUS',
        status: 400,
        message:
          'bitbucketserver: could not get existing commit status: failed api call to check duplicate commit status: 400 - Bad Request',
      });
      expect(JSON.stringify(error.cause, Object.getOwnPropertyNames(error.cause ?? {}))).not.toContain(token);
      expect(String((error.cause as Error).cause)).toContain('HTTP 400');
      expect(String((error.cause as Error).cause)).not.toContain(token);
      expect(server.requests).toHaveLength(1);
    });

    it('reports a failed post with the status line', async () => {
      const server = await bitbucketServer({ create: { status: 401, body: 'Unauthorized' } });
      await expect(bitbucketServerNotifier(server.url).post(sampleEvent)).rejects.toMatchObject({
        code: 'HTTP_STATUS',
        status: 401,
        message:
          'bitbucketserver: could not post build status: could not post build commit status: 401 - Unauthorized',
      });
      expect(server.requests).toHaveLength(2);
    });

    it('retries 5xx answers, then says how many attempts failed, never showing the credentials', async () => {
      const server = await bitbucketServer({ create: { status: 503, body: `down ${token}` } });
      const attempts: string[] = [];
      const bitbucket = notifier(
        {
          type: 'bitbucketserver',
          address: `${server.url}/scm/PROJ/my-repo.git`,
          token: undefined,
          username: 'hello',
          password: 'pa55-word-s3cret',
          retry: { retries: 2, minDelayMs: 1 },
        },
        {
          providers: [bitbucketserverProvider],
          onAttempt: (info) => attempts.push(JSON.stringify(info)),
        },
      );
      server.respondWith((request) =>
        request.method === 'GET'
          ? { status: 404 }
          : { status: 503, body: `down pa55-word-s3cret ${request.headers.authorization}` },
      );
      const error = (await bitbucket.post(sampleEvent).catch((caught: unknown) => caught)) as NotifierError;
      expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 503, retryable: true });
      expect(error.message).toMatch(
        /^bitbucketserver: could not post build status: could not post build commit status: POST http:\/\/127\.0\.0\.1:\d+\/rest\/.*HTTP 503.*\(after 3 attempts\)$/,
      );
      expect(error.message).not.toContain('pa55-word-s3cret');
      // The server echoed the Authorization header: its base64 credentials are hidden too.
      const credentials = Buffer.from('hello:pa55-word-s3cret').toString('base64');
      expect(error.message).toContain('down <redacted> Basic <redacted>');
      expect(String((error.cause as Error).message)).not.toContain(credentials);
      expect(attempts.join()).not.toContain('pa55-word-s3cret');
      expect(calls(server.requests).filter((call) => call.startsWith('POST'))).toHaveLength(3);
    });

    it('does not post when the read keeps failing', async () => {
      const server = await bitbucketServer({ read: { status: 500, body: 'boom' } });
      await expect(
        bitbucketServerNotifier(server.url, { retry: { retries: 1, minDelayMs: 1 } }).post(sampleEvent),
      ).rejects.toMatchObject({
        code: 'HTTP_STATUS',
        status: 500,
        message: expect.stringMatching(
          /^bitbucketserver: could not get existing commit status: failed api call to check duplicate commit status: GET .*HTTP 500: boom \(after 2 attempts\)$/,
        ),
      });
      expect(calls(server.requests)).toEqual([
        `GET ${buildsPath}?key=${key}`,
        `GET ${buildsPath}?key=${key}`,
      ]);
    });

    it('reports a connection failure as NETWORK', async () => {
      const server = await bitbucketServer({ read: { destroy: true } });
      await expect(
        bitbucketServerNotifier(server.url, { retry: { retries: 0 } }).post(sampleEvent),
      ).rejects.toMatchObject({
        code: 'NETWORK',
        message: expect.stringContaining(
          'bitbucketserver: could not get existing commit status: failed api call to check duplicate commit status: GET ',
        ),
      });
    });
  });

  it('encode shows the build-status POST with the credentials redacted', async () => {
    const address = 'https://bitbucket.example.com/scm/PROJ/my-repo.git';
    const bitbucket = notifier(
      { type: 'bitbucketserver', address, token, provider: { uid } },
      { providers: [bitbucketserverProvider] },
    );
    const messages = await bitbucket.encode(sampleEvent);
    expect(messages).toEqual([
      {
        transport: 'http',
        method: 'POST',
        url: `https://bitbucket.example.com${buildsPath}`,
        headers: {
          Authorization: '<redacted>',
          'x-atlassian-token': 'no-check',
          'x-requested-with': 'XMLHttpRequest',
          'Content-Type': 'application/json',
        },
        body: sampleBody(address),
      },
    ]);
    expect(JSON.stringify(messages)).not.toContain(token);
  });

  it('encodeBitbucketServerBuildStatus is pure and reusable', () => {
    const address = 'https://bitbucket.example.com/scm/PROJ/my-repo.git';
    expect(encodeBitbucketServerBuildStatus(sampleEvent, { address, provider: { uid } })).toEqual({
      sha,
      payload: JSON.parse(sampleBody(address)),
    });
    expect(
      encodeBitbucketServerBuildStatus(
        { ...sampleEvent, reason: 'Progressing' },
        { address, provider: { uid } },
      ),
    ).toBeUndefined();
    // Without provider.uid the id is kind/name (docs/design/git-providers.md#commit-status-id).
    expect(encodeBitbucketServerBuildStatus(sampleEvent, { address, provider: {} })?.payload.key).toBe(
      sha1('kustomization/webapp'),
    );
  });
});
