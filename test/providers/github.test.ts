import { createPublicKey, createVerify, generateKeyPairSync } from 'node:crypto';
import type { Event, HttpRequest } from '@notiflux/core';
import type { NotifierError } from '@notiflux/providers';
import { githubProvider, isDuplicateGitHubStatus, parseGitHubRepository } from '@notiflux/providers/github';
import { MockAgent } from 'undici';
import { describe, expect, it, vi } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import type { RecordedRequest, ScriptedResponse } from '../support/recording-server.js';
import { rejection } from '../support/rejection.js';
import { sampleEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();

const SHA = '731f7eaddfb6af01cb2173e18f0f75b0ba780ef1';
const UID = '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a';
const TOKEN = 'ghp_secret_token_1234567890';
const STATUSES_PATH = `/api/v3/repos/my-org/my-repo/commits/${SHA}/statuses?per_page=50`;
const CREATE_PATH = `/api/v3/repos/my-org/my-repo/statuses/${SHA}`;
const SAMPLE_BODY = {
  state: 'failure',
  description: 'validation failed',
  context: 'kustomization/webapp/0c9c2e41',
};
const fast = { minDelayMs: 1, maxDelayMs: 2 };

const json = (status: number, body: unknown): ScriptedResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

/** Emulates the two commit-status endpoints; `existing` is what the list returns. */
function githubApi(existing: unknown = [], create: ScriptedResponse = json(201, { id: 1 })) {
  return (request: RecordedRequest): ScriptedResponse => {
    if (request.method === 'GET' && request.path.startsWith('/api/v3/repos/my-org/my-repo/commits/'))
      return json(200, existing);
    if (request.method === 'POST' && request.path.startsWith('/api/v3/repos/my-org/my-repo/statuses/'))
      return create;
    return json(404, { message: 'Not Found' });
  };
}

async function setup(options: { existing?: unknown; create?: ScriptedResponse; spec?: object } = {}) {
  const server = await receiver({ respondWith: githubApi(options.existing, options.create) });
  const created = notifier(
    {
      type: 'github',
      address: `${server.url}/my-org/my-repo`,
      token: TOKEN,
      provider: { uid: UID, name: 'flux-status', namespace: 'flux-system' },
      retry: fast,
      ...options.spec,
    },
    { providers: [githubProvider] },
  );
  return { server, created };
}

function withEvent(changes: Partial<Event>): Event {
  return { ...sampleEvent, ...changes };
}

describe('github', () => {
  it('lists the statuses, then creates the status for the sample event', async () => {
    const { server, created } = await setup();
    await created.post(sampleEvent);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${STATUSES_PATH}`,
      `POST ${CREATE_PATH}`,
    ]);
    for (const request of server.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(request.headers.accept).toBe('application/vnd.github.v3+json');
      expect(request.headers['x-github-api-version']).toBe('2022-11-28');
    }
    const [, create] = server.requests;
    expect(create?.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(create?.body ?? '')).toEqual(SAMPLE_BODY);
    expect(Object.keys(JSON.parse(create?.body ?? ''))).toEqual(['state', 'description', 'context']);
  });

  it('maps info to success and splits the reason into words', async () => {
    const { server, created } = await setup();
    await created.post(withEvent({ severity: 'info', reason: 'ReconciliationSucceeded' }));
    expect(JSON.parse(server.requests[1]?.body ?? '')).toEqual({
      state: 'success',
      description: 'reconciliation succeeded',
      context: 'kustomization/webapp/0c9c2e41',
    });
  });

  it('skips the write when the newest status with our context is identical', async () => {
    const { server, created } = await setup({
      existing: [
        { context: 'other', state: 'success', description: 'x' },
        { context: SAMPLE_BODY.context, state: 'failure', description: 'validation failed' },
      ],
    });
    await created.post(sampleEvent);
    expect(server.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('writes when the newest status with our context differs, even if an older one matches', async () => {
    const { server, created } = await setup({
      existing: [
        { context: SAMPLE_BODY.context },
        { context: SAMPLE_BODY.context, state: 'success', description: 'validation failed' },
        { context: SAMPLE_BODY.context, state: 'failure', description: 'validation failed' },
      ],
    });
    await created.post(sampleEvent);
    expect(server.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  it('writes nothing when the status list is not a JSON array, and writes after null', async () => {
    const { server, created } = await setup({ existing: { message: 'odd' } });
    await expect(created.post(sampleEvent)).rejects.toMatchObject({
      code: 'REJECTED',
      message: 'github: could not list commit statuses: the response is not a JSON array',
    });
    expect(server.requests.map((r) => r.method)).toEqual(['GET']);
    const empty = await setup({ existing: null });
    await empty.created.post(sampleEvent);
    expect(empty.server.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  it('follows the upstream duplicate table', () => {
    const status = { sha: SHA, state: 'success', context: 'foo', description: 'bar' };
    const existing = [{ state: 'success', context: 'foo', description: 'bar' }];
    expect(isDuplicateGitHubStatus(existing, status)).toBe(true);
    expect(isDuplicateGitHubStatus(existing, { ...status, state: 'failure' })).toBe(false);
    expect(isDuplicateGitHubStatus(existing, { ...status, context: 'baz' })).toBe(false);
    expect(isDuplicateGitHubStatus(existing, { ...status, description: 'baz' })).toBe(false);
    expect(
      isDuplicateGitHubStatus(
        [{ state: 'success', context: 'baz', description: 'bar' }, ...existing],
        status,
      ),
    ).toBe(true);
    expect(isDuplicateGitHubStatus([{}, { context: '/' }], status)).toBe(false);
  });

  it('sends nothing for Progressing events, and encode returns nothing', async () => {
    const { server, created } = await setup();
    await created.post(withEvent({ reason: 'Progressing', severity: 'info' }));
    expect(server.requests).toHaveLength(0);
    expect(await created.encode(withEvent({ reason: 'Progressing' }))).toEqual([]);
  });

  it('prefers the commit key, then originRevision, then revision', async () => {
    const other = 'b'.repeat(40);
    const { server, created } = await setup();
    await created.post(withEvent({ metadata: { revision: `main@sha1:${SHA}`, commit: other } }));
    expect(server.requests[1]?.path).toBe(`/api/v3/repos/my-org/my-repo/statuses/${other}`);
    await created.post(
      withEvent({ metadata: { revision: `main@sha1:${other}`, originRevision: `main/${SHA}` } }),
    );
    expect(server.requests[3]?.path).toBe(CREATE_PATH);
  });

  it('rejects events without a usable revision or severity before any request', async () => {
    const { server, created } = await setup();
    const missing = await rejection(created.post(withEvent({ metadata: { summary: 'x' } })));
    expect(missing.code).toBe('INVALID_EVENT');
    expect(missing.message).toContain('missing revision metadata');
    const bad = await rejection(created.post(withEvent({ metadata: { revision: 'latest@sha256:abc' } })));
    expect(bad.message).toContain("failed to extract commit hash from 'latest@sha256:abc' revision");
    const trace = await rejection(created.post(withEvent({ severity: 'trace' })));
    expect(trace.message).toContain("can't convert to github state");
    expect(server.requests).toHaveLength(0);
  });

  it('uses a fixed or computed commit status id as the context', async () => {
    const fixed = await setup({ spec: { commitStatus: 'flux/prod' } });
    await fixed.created.post(sampleEvent);
    expect(JSON.parse(fixed.server.requests[1]?.body ?? '').context).toBe('flux/prod');
    const computed = await setup({
      spec: { commitStatus: (e: Event) => `${e.involvedObject.name}/${e.metadata?.summary}` },
    });
    await computed.created.post(sampleEvent);
    expect(JSON.parse(computed.server.requests[1]?.body ?? '').context).toBe('webapp/Cluster: prod-eu');
    const failing = await setup({
      spec: {
        commitStatus: () => {
          throw new Error('boom');
        },
      },
    });
    const error = await rejection(failing.created.post(withEvent({ reason: 'Progressing' })));
    expect(error.code).toBe('INVALID_SPEC');
    expect(error.message).toContain('failed to evaluate commitStatus for the event: boom');
  });

  it('defaults the context to kind/name without a provider uid', async () => {
    const { server, created } = await setup({ spec: { provider: {} } });
    await created.post(sampleEvent);
    expect(JSON.parse(server.requests[1]?.body ?? '').context).toBe('kustomization/webapp');
  });

  it('uses the password when the token is empty', async () => {
    const { server, created } = await setup({ spec: { token: undefined, password: 'pw-token-123456' } });
    await created.post(sampleEvent);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer pw-token-123456');
  });

  it('validates the spec at createNotifier', () => {
    const create = (spec: object) => () =>
      notifier(
        { type: 'github', address: 'https://github.com/foo/bar', token: 't', ...spec },
        {
          providers: [githubProvider],
        },
      );
    expect(create({ commitStatus: '' })).toThrow(/commitStatus: commit status cannot be empty/);
    expect(create({ token: undefined })).toThrow(/github token or github app details must be specified/);
    expect(create({ address: 'https://github.com/foo/bar/baz' })).toThrow(
      /invalid repository id: 'foo\/bar\/baz'/,
    );
    expect(create({ address: 'https://github.com/foo/bar/' })).toThrow(/invalid repository id: 'foo\/bar\/'/);
    expect(create({ address: 'https://github.com' })).toThrow(/invalid repository id: ''/);
    expect(create({ address: undefined })).toThrow(/address: required/);
    try {
      create({ commitStatus: '' })();
    } catch (error) {
      expect((error as NotifierError).code).toBe('INVALID_SPEC');
    }
  });

  it('derives owner, repo and API base from the address forms', () => {
    expect(parseGitHubRepository('https://github.com/foo/bar')).toEqual({
      owner: 'foo',
      repo: 'bar',
      apiBaseUrl: 'https://api.github.com/',
    });
    expect(parseGitHubRepository('git@github.com:foo/bar.git')).toMatchObject({
      apiBaseUrl: 'https://api.github.com/',
    });
    expect(parseGitHubRepository('https://foobar.com/foo/bar')).toMatchObject({
      owner: 'foo',
      repo: 'bar',
      apiBaseUrl: 'https://foobar.com/api/v3/',
    });
    expect(parseGitHubRepository('https://api.corp.example/foo/bar')).toMatchObject({
      apiBaseUrl: 'https://api.corp.example/',
    });
  });

  it('reports a list failure without writing, after retrying 5xx', async () => {
    const server = await receiver({
      respondWith: (request) =>
        request.method === 'GET' ? json(503, { message: `down ${TOKEN}` }) : json(201, {}),
    });
    const created = notifier(
      {
        type: 'github',
        address: `${server.url}/my-org/my-repo`,
        token: TOKEN,
        retry: { ...fast, retries: 2 },
      },
      { providers: [githubProvider] },
    );
    const error = await rejection(created.post(sampleEvent));
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.status).toBe(503);
    expect(error.message).toMatch(/^github: could not list commit statuses: GET http:/);
    expect(error.message).not.toContain(TOKEN);
    expect(JSON.stringify(error.cause)).not.toContain(TOKEN);
    expect(server.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'GET']);
  });

  it('reports a create failure with its status, without the token', async () => {
    const { created } = await setup({ create: json(422, { message: 'Validation Failed', token: TOKEN }) });
    const error = await rejection(created.post(sampleEvent));
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.status).toBe(422);
    expect(error.message).toContain('github: could not create commit status: POST');
    expect(error.message).toContain('Validation Failed');
    expect(error.message).not.toContain(TOKEN);
  });

  it('treats 202 Accepted and a non-JSON 2xx body as failures', async () => {
    const accepted = await setup({ create: { status: 202 } });
    const error = await rejection(accepted.created.post(sampleEvent));
    expect(error.status).toBe(202);
    expect(error.message).toContain('could not create commit status');
    const garbled = await setup({ create: { status: 201, body: '<html>' } });
    const rejected = await rejection(garbled.created.post(sampleEvent));
    expect(rejected.code).toBe('REJECTED');
  });

  it('encodes the create request with the token redacted', async () => {
    const { server, created } = await setup();
    const [message] = await created.encode(sampleEvent);
    expect(message).toEqual({
      transport: 'http',
      method: 'POST',
      url: `${server.url}${CREATE_PATH}`,
      headers: {
        Authorization: '<redacted>',
        Accept: 'application/vnd.github.v3+json',
        'X-GitHub-Api-Version': '2022-11-28',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(SAMPLE_BODY),
    });
    expect(JSON.stringify(message)).not.toContain(TOKEN);
    expect(server.requests).toHaveLength(0);
  });

  it("sends through a caller's dispatcher (undici MockAgent), never the network", async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const seen: { method: string; path: string; headers: Record<string, string>; body: string }[] = [];
    const record =
      (status: number, answer: unknown) =>
      (options: { method: string; path: string; headers?: unknown; body?: unknown }) => {
        const headers: Record<string, string> = {};
        new Headers(options.headers as Record<string, string> | undefined).forEach((value, name) => {
          headers[name] = value;
        });
        seen.push({ method: options.method, path: options.path, headers, body: String(options.body ?? '') });
        return {
          statusCode: status,
          data: JSON.stringify(answer),
          responseOptions: { headers: { 'content-type': 'application/json' } },
        };
      };
    const pool = agent.get('https://api.github.com');
    pool
      .intercept({ method: 'GET', path: `/repos/my-org/my-repo/commits/${SHA}/statuses?per_page=50` })
      .reply(record(200, [{ context: 'other', state: 'success', description: 'x' }]));
    pool
      .intercept({ method: 'POST', path: `/repos/my-org/my-repo/statuses/${SHA}` })
      .reply(record(201, { id: 1 }));
    try {
      await notifier(
        {
          type: 'github',
          address: 'https://github.com/my-org/my-repo',
          token: TOKEN,
          provider: { uid: UID },
        },
        { providers: [githubProvider], dispatcher: agent },
      ).post(sampleEvent);
      agent.assertNoPendingInterceptors();
      expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
        `GET /repos/my-org/my-repo/commits/${SHA}/statuses?per_page=50`,
        `POST /repos/my-org/my-repo/statuses/${SHA}`,
      ]);
      for (const request of seen) {
        expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
        expect(request.headers.accept).toBe('application/vnd.github.v3+json');
        expect(request.headers['x-github-api-version']).toBe('2022-11-28');
      }
      expect(seen[0]?.body).toBe('');
      expect(JSON.parse(seen[1]?.body ?? '')).toEqual(SAMPLE_BODY);
    } finally {
      await agent.close();
    }
  });

  it('uses api.github.com for github.com addresses (encode, no network)', async () => {
    const created = notifier(
      { type: 'github', address: 'git@github.com:my-org/my-repo.git', token: TOKEN, provider: { uid: UID } },
      { providers: [githubProvider] },
    );
    const [message] = await created.encode(
      withEvent({ severity: 'info', reason: 'ApplySucceeded', message: '✓ ünïcode <b>&' }),
    );
    expect(message).toMatchObject({ url: `https://api.github.com/repos/my-org/my-repo/statuses/${SHA}` });
    expect(JSON.parse((message as { body: string }).body)).toEqual({
      state: 'success',
      description: 'apply succeeded',
      context: 'kustomization/webapp/0c9c2e41',
    });
  });
});

describe('github with a GitHub App', () => {
  function appKeys() {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  }

  function verifyJwt(authorization: string | undefined, pem: string, appId: string) {
    const jwt = (authorization ?? '').replace(/^Bearer /, '');
    const [header = '', claims = '', signature = ''] = jwt.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
    const payload = JSON.parse(Buffer.from(claims, 'base64url').toString());
    expect(payload.iss).toBe(appId);
    // Issued 30 s back for clock drift; a 2 minute lifetime counted from the issue time.
    const now = Math.floor(Date.now() / 1000);
    expect(payload.iat).toBeGreaterThanOrEqual(now - 35);
    expect(payload.iat).toBeLessThanOrEqual(now - 30);
    expect(payload.exp - payload.iat).toBe(120);
    const verifier = createVerify('RSA-SHA256');
    verifier.update(`${header}.${claims}`);
    expect(verifier.verify(createPublicKey(pem), Buffer.from(signature, 'base64url'))).toBe(true);
  }

  /** The App endpoints under `/app-api/` plus the commit-status endpoints under `/api/v3/`. */
  function appServer(options: { orgInstallation?: boolean } = {}) {
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    let issued = 0;
    return (request: RecordedRequest): ScriptedResponse => {
      if (request.path === '/app-api/orgs/my-org/installation')
        return options.orgInstallation ? json(200, { id: 77 }) : json(404, { message: 'Not Found' });
      if (request.path === '/app-api/users/my-org/installation') return json(200, { id: 78 });
      if (
        request.method === 'POST' &&
        /^\/app-api\/app\/installations\/\d+\/access_tokens$/.test(request.path)
      ) {
        issued++;
        return json(201, { token: `ghs_installation_${issued}`, expires_at: expiresAt });
      }
      return githubApi()(request);
    };
  }

  it('exchanges a JWT for an installation token once and reuses it', async () => {
    const pem = appKeys();
    const server = await receiver({ respondWith: appServer() });
    const spec = {
      type: 'github' as const,
      address: `${server.url}/my-org/my-repo`,
      provider: { uid: UID, name: 'flux-status', namespace: 'flux-system' },
      secret: {
        githubAppID: '123',
        githubAppInstallationID: '456',
        githubAppPrivateKey: pem,
        githubAppBaseURL: `${server.url}/app-api`,
      },
      retry: fast,
    };
    const created = notifier(spec, { providers: [githubProvider] });
    await created.post(sampleEvent);
    await created.post(withEvent({ severity: 'info', reason: 'ApplySucceeded' }));
    // A second notifier with the same App shares the process-wide cache.
    await notifier(spec, { providers: [githubProvider] }).post(sampleEvent);
    expect(server.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      'POST /app-api/app/installations/456/access_tokens',
      `GET /api/v3/repos/my-org/my-repo/commits/${SHA}/statuses`,
      `POST ${CREATE_PATH}`,
      `GET /api/v3/repos/my-org/my-repo/commits/${SHA}/statuses`,
      `POST ${CREATE_PATH}`,
      `GET /api/v3/repos/my-org/my-repo/commits/${SHA}/statuses`,
      `POST ${CREATE_PATH}`,
    ]);
    const [exchange, ...apiCalls] = server.requests;
    verifyJwt(exchange?.headers.authorization, pem, '123');
    expect(exchange?.headers.accept).toBe('application/vnd.github.v3+json');
    expect(exchange?.headers['x-github-api-version']).toBe('2022-11-28');
    expect(exchange?.headers['content-type']).toMatch(/^application\/json/);
    expect(exchange?.body).toBe('null');
    for (const call of apiCalls) expect(call.headers.authorization).toBe('Bearer ghs_installation_1');
    const [message] = await created.encode(sampleEvent);
    expect(message).toMatchObject({ headers: { Authorization: '<redacted>' } });
    expect(JSON.stringify(message)).not.toContain('ghs_');
  });

  it('exchanges again once the cached token is near expiry, or already expired', async () => {
    const pem = appKeys();
    const realNow = Date.now();
    let issued = 0;
    // The first token lives 10 minutes; the second one is already expired when issued.
    const lifetimesMs = [600_000, -1_000, 3600_000];
    const server = await receiver({
      respondWith: (request) => {
        if (request.method === 'POST' && request.path === '/app-api/app/installations/456/access_tokens') {
          const lifetime = lifetimesMs[issued] ?? 3600_000;
          issued++;
          return json(201, {
            token: `ghs_refresh_${issued}`,
            expires_at: new Date(Date.now() + lifetime).toISOString(),
          });
        }
        return githubApi()(request);
      },
    });
    const created = notifier(
      {
        type: 'github',
        address: `${server.url}/my-org/my-repo`,
        provider: { uid: UID },
        secret: {
          githubAppID: '123',
          githubAppInstallationID: '456',
          githubAppPrivateKey: pem,
          githubAppBaseURL: `${server.url}/app-api`,
        },
        retry: fast,
      },
      { providers: [githubProvider] },
    );
    const createAuthorizations = () =>
      server.requests.filter((r) => r.path === CREATE_PATH).map((r) => r.headers.authorization);
    await created.post(sampleEvent);
    // Still 9 minutes left of 10: reused.
    const clock = vi.spyOn(Date, 'now').mockReturnValue(realNow + 60_000);
    try {
      await created.post(sampleEvent);
      expect(issued).toBe(1);
      // One minute left of 10 (within the last 20 %): exchanged again.
      clock.mockReturnValue(realNow + 540_000);
      await created.post(sampleEvent);
      expect(issued).toBe(2);
      // The second token came back already expired: the next post exchanges again.
      await created.post(sampleEvent);
      expect(issued).toBe(3);
    } finally {
      clock.mockRestore();
    }
    expect(createAuthorizations()).toEqual([
      'Bearer ghs_refresh_1',
      'Bearer ghs_refresh_1',
      'Bearer ghs_refresh_2',
      'Bearer ghs_refresh_3',
    ]);
    expect(
      server.requests.filter((r) => r.path.startsWith('/app-api/')).map((r) => `${r.method} ${r.path}`),
    ).toEqual(Array(3).fill('POST /app-api/app/installations/456/access_tokens'));
  });

  it('finds the installation by owner, falling back from the organization to the user', async () => {
    const pem = appKeys();
    const server = await receiver({ respondWith: appServer() });
    await notifier(
      {
        type: 'github',
        address: `${server.url}/my-org/my-repo`,
        provider: { uid: UID },
        secret: {
          githubAppID: '9',
          githubAppInstallationOwner: 'my-org',
          githubAppPrivateKey: pem,
          githubAppBaseURL: `${server.url}/app-api/`,
        },
        retry: fast,
      },
      { providers: [githubProvider] },
    ).post(sampleEvent);
    expect(server.requests.slice(0, 3).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /app-api/orgs/my-org/installation',
      'GET /app-api/users/my-org/installation',
      'POST /app-api/app/installations/78/access_tokens',
    ]);
    verifyJwt(server.requests[0]?.headers.authorization, pem, '9');
  });

  it('reports a failed exchange without leaking the key, and tries again on the next post', async () => {
    const pem = appKeys();
    let fail = true;
    const server = await receiver({
      respondWith: (request) =>
        request.path.startsWith('/app-api/')
          ? fail
            ? json(401, { message: 'Bad credentials' })
            : json(201, { token: 'ghs_later', expires_at: new Date(Date.now() + 3600_000).toISOString() })
          : githubApi()(request),
    });
    const created = notifier(
      {
        type: 'github',
        address: `${server.url}/my-org/my-repo`,
        provider: { uid: UID },
        secret: {
          githubAppID: '5',
          githubAppInstallationID: '6',
          githubAppPrivateKey: pem,
          githubAppBaseURL: `${server.url}/app-api`,
        },
        retry: fast,
      },
      { providers: [githubProvider] },
    );
    const error = await rejection(created.post(sampleEvent));
    expect(error.status).toBe(401);
    expect(error.message).toContain('github: failed to create installation access token: POST');
    expect(error.message).not.toContain('PRIVATE KEY');
    fail = false;
    await created.post(sampleEvent);
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer ghs_later');
  });

  it('keeps the JWT and the installation token out of errors and their causes', async () => {
    const pem = appKeys();
    let exchangeFails = true;
    // A server that echoes the credential it was sent.
    const echo = (request: RecordedRequest) =>
      json(401, { message: `rejected ${request.headers.authorization}` });
    const server = await receiver({
      respondWith: (request) => {
        if (!request.path.startsWith('/app-api/')) return echo(request);
        if (exchangeFails) return echo(request);
        return json(201, {
          token: 'ghs_echoed_token',
          expires_at: new Date(Date.now() + 3600_000).toISOString(),
        });
      },
    });
    const created = notifier(
      {
        type: 'github',
        address: `${server.url}/my-org/my-repo`,
        provider: { uid: UID },
        secret: {
          githubAppID: '9001',
          githubAppInstallationID: '9002',
          githubAppPrivateKey: pem,
          githubAppBaseURL: `${server.url}/app-api`,
        },
        retry: fast,
      },
      { providers: [githubProvider] },
    );
    const chain = (error: unknown): string => {
      const parts: string[] = [];
      for (let current = error; current instanceof Error; current = current.cause)
        parts.push(current.message);
      return parts.join('\n');
    };
    const exchange = await rejection(created.post(sampleEvent));
    expect(exchange.status).toBe(401);
    expect(chain(exchange)).toContain('rejected Bearer <redacted>');
    expect(chain(exchange)).not.toMatch(/eyJ/);
    exchangeFails = false;
    const list = await rejection(created.post(sampleEvent));
    expect(list.message).toContain('github: could not list commit statuses: ');
    expect(chain(list)).toContain('rejected Bearer <redacted>');
    expect(chain(list)).not.toContain('ghs_echoed_token');
  });

  it('validates the App keys in upstream order', () => {
    const pem = appKeys();
    const create = (secret: Record<string, string>) => () =>
      notifier(
        { type: 'github', address: 'https://github.com/foo/bar', secret },
        { providers: [githubProvider] },
      );
    expect(create({})).toThrow(/github token or github app details must be specified/);
    expect(create({ githubAppInstallationID: '1', githubAppPrivateKey: pem })).toThrow(
      /github token or github app details must be specified/,
    );
    expect(create({ githubAppID: 'x', githubAppInstallationID: '1', githubAppPrivateKey: pem })).toThrow(
      /app ID must be provided to use github app authentication/,
    );
    expect(create({ githubAppID: '1', githubAppPrivateKey: pem })).toThrow(
      /app installation owner or ID must be provided to use github app authentication/,
    );
    expect(
      create({
        githubAppID: '1',
        githubAppInstallationID: '2',
        githubAppInstallationOwner: 'o',
        githubAppPrivateKey: pem,
      }),
    ).toThrow(/only one of app installation owner or ID must be provided/);
    expect(create({ githubAppID: '1', githubAppInstallationID: '2' })).toThrow(
      /private key must be provided to use github app authentication/,
    );
    let thrown: unknown;
    try {
      create({ githubAppID: '1', githubAppInstallationID: '2', githubAppPrivateKey: 'not a key' })();
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).message).toMatch(/could not parse private key: /);
    expect((thrown as Error).message).not.toContain('not a key');
    expect(
      create({ githubAppID: '1', githubAppInstallationID: '2', githubAppPrivateKey: pem }),
    ).not.toThrow();
  });
});

describe('github API calls and the spec tls', () => {
  async function requestsFor(apiBaseUrl: string) {
    const { createOctokit } = await import('../../packages/providers/src/git/github-octokit.js');
    const module = await import('@octokit/rest');
    const sent: HttpRequest[] = [];
    const octokit = createOctokit(module, {
      apiBaseUrl,
      token: TOKEN,
      send: async (request) => {
        sent.push(request);
        return { status: 200, headers: { 'content-type': 'application/json' }, body: '[]' };
      },
    });
    await octokit.rest.repos.listCommitStatusesForRef({ owner: 'my-org', repo: 'my-repo', ref: SHA });
    return sent;
  }

  /** Whether the github types' definitions send this request without the spec's tls (all three alike). */
  async function withoutSpecTls(request: HttpRequest | undefined): Promise<boolean[]> {
    const { builtinProviders } = await import('@notiflux/providers');
    const types = ['github', 'githubdispatch', 'githubpullrequestcomment'];
    return builtinProviders
      .filter((definition) => types.includes(definition.type))
      .map((definition) => definition.http?.withoutSpecTls?.(new URL(request?.url ?? '')) ?? false);
  }

  it('reaches api.github.com without the custom CA or client certificate', async () => {
    const [request] = await requestsFor('https://api.github.com/');
    expect(request?.url).toBe(`https://api.github.com/repos/my-org/my-repo/commits/${SHA}/statuses`);
    expect(await withoutSpecTls(request)).toEqual([true, true, true]);
  });

  it('reaches GitHub Enterprise with them', async () => {
    const [request] = await requestsFor('https://github.example.com/api/v3/');
    expect(request?.url).toBe(
      `https://github.example.com/api/v3/repos/my-org/my-repo/commits/${SHA}/statuses`,
    );
    expect(await withoutSpecTls(request)).toEqual([false, false, false]);
  });
});
