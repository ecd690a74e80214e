import type { Dispatcher, Event } from '@notiflux/core';
import { NotifierError } from '@notiflux/core';
import { bitbucketProvider } from '@notiflux/providers/bitbucket';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import type { RecordedRequest, RecordingServer, ScriptedResponse } from '../support/recording-server.js';
import { sampleEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();

const uid = '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a';
const sha = '731f7eaddfb6af01cb2173e18f0f75b0ba780ef1';
const key = '4abc3ba6f171924ecece234c03192982da12888b';
const token = 'user:app-password';
const basic = 'Basic dXNlcjphcHAtcGFzc3dvcmQ=';
const buildPath = `/2.0/repositories/my-workspace/my-repo/commit/${sha}/statuses/build`;
const sampleBody = `{"key":"${key}","url":"https://bitbucket.org","state":"FAILED","name":"kustomization/webapp","description":"validation failed"}`;

const agents: Agent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.close();
});

/** Sends what the provider addresses to api.bitbucket.org to the local emulator instead. */
function redirectTo(server: RecordingServer): Dispatcher {
  const agent = new Agent();
  agents.push(agent);
  const original = agent.dispatch.bind(agent);
  agent.dispatch = (options, handler) => {
    expect(String(options.origin)).toBe('https://api.bitbucket.org');
    return original({ ...options, origin: server.url }, handler);
  };
  return agent;
}

interface BitbucketScript {
  read?: ScriptedResponse;
  create?: ScriptedResponse;
}

async function bitbucketServer(script: BitbucketScript = {}) {
  const server = await receiver();
  server.respondWith((request: RecordedRequest) => {
    if (request.method === 'GET' && request.path.startsWith(`${buildPath}/`)) {
      return script.read ?? { status: 404, body: '{"type":"error","error":{"message":"Not Found"}}' };
    }
    if (request.method === 'POST' && request.path === buildPath) {
      return script.create ?? { status: 201, body: '{"key":"x"}' };
    }
    return { status: 400, body: 'unexpected call' };
  });
  return server;
}

function bitbucketNotifier(server: RecordingServer | undefined, extra: Record<string, unknown> = {}) {
  return notifier(
    {
      type: 'bitbucket',
      address: 'https://bitbucket.org/my-workspace/my-repo',
      token,
      provider: { uid, name: 'flux-status', namespace: 'flux-system' },
      retry: { minDelayMs: 1 },
      ...extra,
    },
    { providers: [bitbucketProvider], ...(server ? { dispatcher: redirectTo(server) } : {}) },
  );
}

const calls = (requests: RecordedRequest[]) => requests.map((request) => `${request.method} ${request.path}`);

describe('bitbucket', () => {
  it('reads the status under our key, then creates it for the sample event', async () => {
    const server = await bitbucketServer();
    await bitbucketNotifier(server).post(sampleEvent);
    expect(calls(server.requests)).toEqual([`GET ${buildPath}/${key}`, `POST ${buildPath}`]);
    const [read, create] = server.requests;
    expect(read?.headers.authorization).toBe(basic);
    expect(read?.headers['content-type']).toBeUndefined();
    expect(create?.headers.authorization).toBe(basic);
    expect(create?.headers['content-type']).toBe('application/json');
    expect(create?.body).toBe(sampleBody);
  });

  it('reports info events as SUCCESSFUL', async () => {
    const server = await bitbucketServer();
    await bitbucketNotifier(server).post({
      ...sampleEvent,
      severity: 'info',
      reason: 'ReconciliationSucceeded',
    });
    expect(server.requests.at(-1)?.body).toBe(
      `{"key":"${key}","url":"https://bitbucket.org","state":"SUCCESSFUL","name":"kustomization/webapp","description":"reconciliation succeeded"}`,
    );
  });

  it('skips the write when the existing status has the same state and description', async () => {
    const server = await bitbucketServer({
      read: {
        body: JSON.stringify({ state: 'FAILED', description: 'validation failed', name: 'other', key: 'x' }),
      },
    });
    await bitbucketNotifier(server).post(sampleEvent);
    expect(calls(server.requests)).toEqual([`GET ${buildPath}/${key}`]);
  });

  it('overwrites an existing status that differs', async () => {
    const server = await bitbucketServer({
      read: { body: JSON.stringify({ state: 'SUCCESSFUL', description: 'validation failed' }) },
    });
    await bitbucketNotifier(server).post(sampleEvent);
    expect(calls(server.requests).at(-1)).toBe(`POST ${buildPath}`);

    const empty = await bitbucketServer({ read: { body: '{}' } });
    await bitbucketNotifier(empty).post(sampleEvent);
    expect(calls(empty.requests).at(-1)).toBe(`POST ${buildPath}`);
  });

  it('skips Progressing events without a request', async () => {
    const server = await bitbucketServer();
    await bitbucketNotifier(server).post({ ...sampleEvent, reason: 'Progressing' });
    expect(server.requests).toHaveLength(0);
    expect(await bitbucketNotifier(undefined).encode({ ...sampleEvent, reason: 'Progressing' })).toEqual([]);
  });

  it('hashes a custom commitStatus into the key, and uses only the id of an ssh address', async () => {
    const server = await bitbucketServer();
    await bitbucketNotifier(server, {
      address: 'git@bitbucket.org:my-workspace/my-repo.git',
      commitStatus: 'kustomization/namespace-foo-and-service-bar',
    }).post(sampleEvent);
    expect(server.requests[0]?.path).toBe(`${buildPath}/12ea142172e98435e16336acbbed8919610922c3`);
    expect(JSON.parse(server.requests[1]?.body ?? '').key).toBe('12ea142172e98435e16336acbbed8919610922c3');
  });

  it('ignores the message and metadata (only the reason is sent)', async () => {
    const server = await bitbucketServer();
    await bitbucketNotifier(server).post({
      ...sampleEvent,
      message: 'multi\nline <b>ünï</b> & `md`',
      metadata: {
        ...sampleEvent.metadata,
        ...Object.fromEntries([...Array(40)].map((_, i) => [`k${i}`, 'v'])),
      },
    });
    expect(server.requests.at(-1)?.body).toBe(sampleBody);
  });

  describe('events it rejects', () => {
    it.each([
      [{ metadata: {} }, 'bitbucket: missing revision metadata'],
      [
        { metadata: { revision: 'revision/dsa123a' } },
        "bitbucket: failed to extract commit hash from 'revision/dsa123a' revision",
      ],
      [{ severity: 'trace' }, "bitbucket: can't convert to bitbucket state"],
    ])('%j', async (change, message) => {
      const server = await bitbucketServer();
      const event = { ...sampleEvent, ...change } as Event;
      await expect(bitbucketNotifier(server).post(event)).rejects.toMatchObject({
        code: 'INVALID_EVENT',
        message,
      });
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('spec validation', () => {
    it.each([
      [{ token: undefined }, 'token: bitbucket token cannot be empty'],
      [{ token: 'bar' }, 'token: invalid token format, expected to be <user>:<password>'],
      [{ token: 'a:b:c' }, 'token: invalid token format, expected to be <user>:<password>'],
      [{ address: 'https://bitbucket.org/foo/bar/baz' }, 'address: invalid repository id "foo/bar/baz"'],
      [{ address: undefined }, 'address: required'],
      [{ commitStatus: '' }, 'commitStatus'],
    ])('%j', (change, message) => {
      expect(() => bitbucketNotifier(undefined, change)).toThrow(
        expect.objectContaining({ code: 'INVALID_SPEC', message: expect.stringContaining(message) }),
      );
    });

    it('accepts foo/bar with a user:password token', () => {
      expect(() =>
        bitbucketNotifier(undefined, { address: 'https://bitbucket.org/foo/bar', token: 'foo:bar' }),
      ).not.toThrow();
    });
  });

  describe('errors', () => {
    it('does not write when the read fails with something else than 404', async () => {
      const server = await bitbucketServer({ read: { status: 401, body: 'Unauthorized' } });
      await expect(bitbucketNotifier(server).post(sampleEvent)).rejects.toMatchObject({
        code: 'HTTP_STATUS',
        status: 401,
        message: expect.stringMatching(/^bitbucket: could not get commit status: GET .*HTTP 401/),
      });
      expect(server.requests).toHaveLength(1);
    });

    it('does not write when the read answers 200 with something else than JSON', async () => {
      const server = await bitbucketServer({ read: { status: 200, body: '<html>' } });
      await expect(bitbucketNotifier(server).post(sampleEvent)).rejects.toMatchObject({
        code: 'REJECTED',
        message: expect.stringContaining('could not get commit status'),
      });
      expect(server.requests).toHaveLength(1);
    });

    it.each([
      ['an array', '[]'],
      ['a number', '42'],
      ['a status whose state is not a string', '{"state":1,"description":"validation failed"}'],
    ])('does not write when the read answers 200 with %s', async (_what, body) => {
      const server = await bitbucketServer({ read: { status: 200, body } });
      await expect(bitbucketNotifier(server).post(sampleEvent)).rejects.toMatchObject({
        code: 'REJECTED',
        message: expect.stringMatching(/^bitbucket: could not get commit status: GET .*not a build status/),
      });
      expect(server.requests).toHaveLength(1);
    });

    it('writes when the read answers 200 with null (no status yet, as Go decodes it)', async () => {
      const server = await bitbucketServer({ read: { status: 200, body: 'null' } });
      await bitbucketNotifier(server).post(sampleEvent);
      expect(calls(server.requests).map((call) => call.split(' ')[0])).toEqual(['GET', 'POST']);
    });

    it('retries a 5xx create and never shows the credentials', async () => {
      const server = await bitbucketServer({ create: { status: 503, body: `down ${token}` } });
      const error = (await bitbucketNotifier(server, { retry: { retries: 1, minDelayMs: 1 } })
        .post(sampleEvent)
        .catch((caught: unknown) => caught)) as NotifierError;
      expect(error).toBeInstanceOf(NotifierError);
      expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 503 });
      expect(error.message).toMatch(/^POST https:\/\/api\.bitbucket\.org\/2\.0\/repositories\/.*HTTP 503/);
      expect(error.message).not.toContain(token);
      expect(calls(server.requests).filter((call) => call.startsWith('POST'))).toHaveLength(2);
    });

    it('treats an unexpected 2xx as an error, and accepts an empty 204', async () => {
      const odd = await bitbucketServer({ create: { status: 203, body: '{}' } });
      await expect(bitbucketNotifier(odd).post(sampleEvent)).rejects.toMatchObject({ code: 'REJECTED' });
      const noContent = await bitbucketServer({ create: { status: 204 } });
      await bitbucketNotifier(noContent).post(sampleEvent);
      const empty201 = await bitbucketServer({ create: { status: 201, body: '' } });
      await expect(bitbucketNotifier(empty201).post(sampleEvent)).rejects.toMatchObject({ code: 'REJECTED' });
    });
  });

  it('encode shows the create request with the credentials redacted', async () => {
    const messages = await bitbucketNotifier(undefined).encode(sampleEvent);
    expect(messages).toEqual([
      {
        transport: 'http',
        method: 'POST',
        url: `https://api.bitbucket.org${buildPath}`,
        headers: { Authorization: '<redacted>', 'Content-Type': 'application/json' },
        body: sampleBody,
      },
    ]);
    expect(JSON.stringify(messages)).not.toContain('dXNlcjphcHAtcGFzc3dvcmQ');
  });
});
