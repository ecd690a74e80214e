import type { Event } from '@notiflux/core';
import { NotifierError } from '@notiflux/core';
import {
  encodeGitLabStatusPayload,
  gitlabProjectOf,
  gitlabProvider,
  isDuplicateGitLabStatus,
} from '@notiflux/providers/gitlab';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import type { RecordedRequest, ScriptedResponse } from '../support/recording-server.js';
import { sampleEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();

const uid = '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a';
const sha = '731f7eaddfb6af01cb2173e18f0f75b0ba780ef1';
const token = 'glpat-s3cret-token';
const pid = 'my-group%2Fmy-project';
const name = 'kustomization/webapp/0c9c2e41';
const listPath = `/api/v4/projects/${pid}/repository/commits/${sha}/statuses?name=kustomization%2Fwebapp%2F0c9c2e41`;
const createPath = `/api/v4/projects/${pid}/statuses/${sha}`;
const sampleBody =
  '{"state":"failed","name":"kustomization/webapp/0c9c2e41","description":"validation failed"}';

interface GitLabScript {
  statuses?: ScriptedResponse;
  create?: ScriptedResponse;
}

/** A GitLab API emulator: list commit statuses, set a status; anything else is a 404. */
async function gitlabServer(script: GitLabScript = {}, options: Parameters<typeof receiver>[0] = {}) {
  const server = await receiver(options);
  server.respondWith((request: RecordedRequest) => {
    const json = { 'content-type': 'application/json' };
    if (
      request.method === 'GET' &&
      /^\/api\/v4\/projects\/[^/]+\/repository\/commits\/[^/]+\/statuses/.test(request.path)
    ) {
      return script.statuses ?? { status: 200, headers: json, body: '[]' };
    }
    if (request.method === 'POST' && /^\/api\/v4\/projects\/[^/]+\/statuses\//.test(request.path)) {
      return script.create ?? { status: 201, headers: json, body: '{"id":1,"status":"failed"}' };
    }
    return { status: 404, headers: json, body: '{"message":"404 Not Found"}' };
  });
  return server;
}

function gitlabNotifier(url: string, extra: Record<string, unknown> = {}) {
  return notifier(
    {
      type: 'gitlab',
      address: `${url}/my-group/my-project`,
      token,
      provider: { uid, name: 'flux-status', namespace: 'flux-system' },
      retry: { minDelayMs: 1 },
      ...extra,
    },
    { providers: [gitlabProvider] },
  );
}

const calls = (requests: RecordedRequest[]) => requests.map((request) => `${request.method} ${request.path}`);

describe('gitlab', () => {
  it('lists statuses with our name, then sets the status for the sample event', async () => {
    const server = await gitlabServer();
    await gitlabNotifier(server.url).post(sampleEvent);
    expect(calls(server.requests)).toEqual([`GET ${listPath}`, `POST ${createPath}`]);
    for (const request of server.requests) {
      expect(request.headers['private-token']).toBe(token);
      expect(request.headers.accept).toBe('application/json');
      expect(request.headers.authorization).toBeUndefined();
    }
    expect(server.requests[0]?.body).toBe('');
    expect(server.requests[1]?.headers['content-type']).toBe('application/json');
    expect(server.requests[1]?.body).toBe(sampleBody);
  });

  it('reports info events as success', async () => {
    const server = await gitlabServer();
    await gitlabNotifier(server.url).post({
      ...sampleEvent,
      severity: 'info',
      reason: 'ReconciliationSucceeded',
    });
    expect(server.requests.at(-1)?.body).toBe(
      '{"state":"success","name":"kustomization/webapp/0c9c2e41","description":"reconciliation succeeded"}',
    );
  });

  it('sends nothing for Progressing events, and encode returns nothing', async () => {
    const server = await gitlabServer();
    const gitlab = gitlabNotifier(server.url);
    const progressing = { ...sampleEvent, severity: 'info', reason: 'Progressing' } as Event;
    await gitlab.post(progressing);
    expect(server.requests).toHaveLength(0);
    expect(await gitlab.encode(progressing)).toEqual([]);
  });

  it('skips the write when a listed status has our SHA, state, description and name', async () => {
    const server = await gitlabServer({
      statuses: {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          { sha: 'other', status: 'failed', name, description: 'validation failed' },
          { sha, status: 'failed', name, description: 'validation failed', id: 9 },
        ]),
      },
    });
    await gitlabNotifier(server.url).post(sampleEvent);
    expect(calls(server.requests)).toEqual([`GET ${listPath}`]);
  });

  it('writes when no listed status matches in all four fields', async () => {
    const server = await gitlabServer({
      statuses: {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          { sha, status: 'success', name, description: 'validation failed' },
          { sha, status: 'failed', name, description: 'other' },
          { sha, status: 'failed', name: 'other', description: 'validation failed' },
          { sha: 'abce1', status: 'failed', name, description: 'validation failed' },
        ]),
      },
    });
    await gitlabNotifier(server.url).post(sampleEvent);
    expect(calls(server.requests)).toEqual([`GET ${listPath}`, `POST ${createPath}`]);
  });

  it('does not follow pagination links (one page, as the spec)', async () => {
    const server = await gitlabServer({
      statuses: {
        headers: {
          'content-type': 'application/json',
          link: `<${'http://127.0.0.1:1'}/next?page=2>; rel="next"`,
        },
        body: '[]',
      },
    });
    await gitlabNotifier(server.url).post(sampleEvent);
    expect(calls(server.requests)).toEqual([`GET ${listPath}`, `POST ${createPath}`]);
  });

  it('supports subgroups, self-managed hosts, .git and scp-like forms', async () => {
    const server = await gitlabServer();
    await gitlabNotifier(server.url, { address: `${server.url}/foo/bar/baz.git` }).post(sampleEvent);
    expect(server.requests.at(-1)?.path).toBe(`/api/v4/projects/foo%2Fbar%2Fbaz/statuses/${sha}`);
    expect(gitlabProjectOf('https://git.example.com/team/app.git')).toEqual({
      hostUrl: 'https://git.example.com',
      apiBase: 'https://git.example.com/api/v4/',
      projectId: 'team/app',
    });
    expect(gitlabProjectOf('git@gitlab.com:foo/bar.git').projectId).toBe('foo/bar');
    expect(gitlabProjectOf('https://gitlab.com/1234').projectId).toBe('1234');
  });

  it('uses a commitStatus string or function, password as the token, a token with ":"', async () => {
    const server = await gitlabServer();
    await gitlabNotifier(server.url, {
      token: undefined,
      password: 'foo:bar',
      commitStatus: (event: Event) => `flux/${event.metadata?.summary}`,
    }).post(sampleEvent);
    expect(server.requests.at(-1)?.headers['private-token']).toBe('foo:bar');
    expect(server.requests[0]?.path).toContain('?name=flux%2FCluster%3A%20prod-eu');
    expect(JSON.parse(server.requests.at(-1)?.body ?? '').name).toBe('flux/Cluster: prod-eu');
  });

  it('uses kind/name without a provider UID, and sends an empty description', async () => {
    const server = await gitlabServer();
    await gitlabNotifier(server.url, { provider: {} }).post({ ...sampleEvent, severity: 'info', reason: '' });
    expect(server.requests.at(-1)?.body).toBe(
      '{"state":"success","name":"kustomization/webapp","description":""}',
    );
  });

  it('keeps multi-line, unicode and markup messages out of the status (only the reason is sent)', async () => {
    const server = await gitlabServer();
    await gitlabNotifier(server.url).post({
      ...sampleEvent,
      message: 'line 1\n<b>ünïcode</b> & *md* 🚀',
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
      [{ metadata: {} }, 'gitlab: missing revision metadata'],
      [{ metadata: undefined }, 'gitlab: missing revision metadata'],
      [
        { metadata: { revision: 'revision/abce1' } },
        "gitlab: failed to extract commit hash from 'revision/abce1' revision",
      ],
      [{ severity: 'trace' }, "gitlab: can't convert to gitlab state"],
    ])('%j', async (change, message) => {
      const server = await gitlabServer();
      const event = { ...sampleEvent, ...change } as Event;
      await expect(gitlabNotifier(server.url).post(event)).rejects.toMatchObject({
        code: 'INVALID_EVENT',
        message,
      });
      await expect(gitlabNotifier(server.url).encode(event)).rejects.toMatchObject({
        code: 'INVALID_EVENT',
        message,
      });
      expect(server.requests).toHaveLength(0);
    });

    it.each([
      ['kind', { kind: 'Kustomiz\uD800ation' }],
      ['name', { name: 'web\uDC00app' }],
    ])('a lone surrogate in involvedObject.%s, before anything is sent', async (field, change) => {
      const server = await gitlabServer();
      const event = { ...sampleEvent, involvedObject: { ...sampleEvent.involvedObject, ...change } };
      const expected = { code: 'INVALID_EVENT', message: expect.stringContaining(`involvedObject.${field}`) };
      await expect(gitlabNotifier(server.url).post(event)).rejects.toMatchObject(expected);
      await expect(gitlabNotifier(server.url).encode(event)).rejects.toMatchObject(expected);
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('spec validation', () => {
    it.each([
      [{ token: undefined }, 'invalid gitlab provider spec: token: gitlab token cannot be empty'],
      [{ token: '  ' }, 'token: gitlab token cannot be empty'],
      [{ address: undefined }, 'address: required'],
      [{ commitStatus: '' }, 'commitStatus'],
    ])('%j', (change, message) => {
      expect(() => gitlabNotifier('https://gitlab.example.com', change)).toThrow(
        expect.objectContaining({ code: 'INVALID_SPEC', message: expect.stringContaining(message) }),
      );
    });

    it('accepts any project id (even none)', () => {
      expect(() => gitlabNotifier('x', { address: 'https://gitlab.com' })).not.toThrow();
    });
  });

  describe('errors', () => {
    it('does not write when listing fails; the token is redacted', async () => {
      const server = await gitlabServer({
        statuses: {
          status: 403,
          headers: { 'content-type': 'application/json' },
          body: `{"message":"bad ${token}"}`,
        },
      });
      const error = (await gitlabNotifier(server.url)
        .post(sampleEvent)
        .catch((caught: unknown) => caught)) as NotifierError;
      expect(error).toBeInstanceOf(NotifierError);
      expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 403 });
      expect(error.message).toMatch(/^gitlab: unable to list commit status: GET .*\/statuses\?name=.*403/);
      expect(error.message).not.toContain(token);
      expect(JSON.stringify(error)).not.toContain(token);
      expect(calls(server.requests)).toEqual([`GET ${listPath}`]);
    });

    it.each([
      ['an empty body', ''],
      ['an object', '{"message":"x"}'],
    ])('rejects a 2xx list answer with %s (no write)', async (_label, body) => {
      const server = await gitlabServer({ statuses: { status: 200, body } });
      await expect(gitlabNotifier(server.url).post(sampleEvent)).rejects.toMatchObject({
        code: 'REJECTED',
        message: expect.stringMatching(/^gitlab: unable to list commit status: /),
      });
      expect(server.requests).toHaveLength(1);
    });

    it('retries a 5xx on the write and reports the final failure unwrapped, token redacted', async () => {
      const server = await gitlabServer({ create: { status: 500, body: `oops ${token}` } });
      const error = (await gitlabNotifier(server.url, { retry: { retries: 2, minDelayMs: 1 } })
        .post(sampleEvent)
        .catch((caught: unknown) => caught)) as NotifierError;
      expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 500 });
      expect(error.message).toMatch(/^POST .*\/statuses\/731f.*500/);
      expect(error.message).not.toContain(token);
      expect(calls(server.requests).filter((call) => call.startsWith('POST'))).toHaveLength(3);
    });
    it("takes a 304 answer to the write as success, as GitLab's Go client does", async () => {
      const server = await gitlabServer({ create: { status: 304 } });
      await gitlabNotifier(server.url).post(sampleEvent);
      expect(calls(server.requests)).toEqual([`GET ${listPath}`, `POST ${createPath}`]);
    });
  });

  describe('encode', () => {
    it('shows the set-status request with the token redacted', async () => {
      const messages = await gitlabNotifier('https://gitlab.com').encode(sampleEvent);
      expect(messages).toEqual([
        {
          transport: 'http',
          method: 'POST',
          url: `https://gitlab.com/api/v4/projects/${pid}/statuses/${sha}`,
          headers: {
            'PRIVATE-TOKEN': '<redacted>',
            Accept: 'application/json',
            'Content-Type': 'application/json',
          },
          body: sampleBody,
        },
      ]);
      expect(JSON.stringify(messages)).not.toContain(token);
    });

    it('has pure helpers', () => {
      const encoded = encodeGitLabStatusPayload(sampleEvent, { provider: { uid } });
      expect(encoded).toEqual({
        sha,
        payload: { state: 'failed', name, description: 'validation failed' },
      });
      expect(
        isDuplicateGitLabStatus(
          [{ sha: 'abce1', status: 'failed', name: '/', description: '' }],
          sha,
          encoded!.payload,
        ),
      ).toBe(false);
      expect(isDuplicateGitLabStatus([null, 1], sha, encoded!.payload)).toBe(false);
    });
  });

  describe("Gitbeaker's HTTP goes through the notifier's transport", () => {
    it("through a caller's dispatcher (undici MockAgent), never the network", async () => {
      const agent = new MockAgent();
      agent.disableNetConnect();
      const seen: string[] = [];
      const pool = agent.get('https://gitlab.example.com');
      const answer = (status: number, body: string) => (options: { method: string; path: string }) => {
        seen.push(`${options.method} ${options.path}`);
        return {
          statusCode: status,
          data: body,
          responseOptions: { headers: { 'content-type': 'application/json' } },
        };
      };
      pool.intercept({ method: 'GET', path: listPath }).reply(answer(200, '[]'));
      pool.intercept({ method: 'POST', path: createPath }).reply(answer(201, '{"id":1}'));
      const gitlab = notifier(
        {
          type: 'gitlab',
          address: 'https://gitlab.example.com/my-group/my-project',
          token,
          provider: { uid },
        },
        { providers: [gitlabProvider], dispatcher: agent },
      );
      await gitlab.post(sampleEvent);
      expect(seen).toEqual([`GET ${listPath}`, `POST ${createPath}`]);
      agent.assertNoPendingInterceptors();
      await agent.close();
    });
  });
});
