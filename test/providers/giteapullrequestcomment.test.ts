import type { Event } from '@notiflux/core';
import {
  encodeGiteaPullRequestComment,
  giteapullrequestcommentProvider,
} from '@notiflux/providers/giteapullrequestcomment';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import type { RecordedRequest, ScriptedResponse } from '../support/recording-server.js';
import { rejection } from '../support/rejection.js';
import { sampleEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();

const UID = '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a';
const TOKEN = 'gtoken-s3cret-24680';
const MARKER = `<!-- flux-pr-comment-key:${UID}/Kustomization/apps/webapp -->`;
const SAMPLE_BODY = `${MARKER}\n\n## Flux Status\n\n⚠️ Kustomization/apps/webapp\n\nservice/apps/webapp validation error: spec.type: Unsupported value: Ingress\n\nMetadata:\n* \`revision\`: main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1\n* \`summary\`: Cluster: prod-eu\n`;
const REPO = '/api/v1/repos/my-org/my-repo';
const LIST = `GET ${REPO}/issues/42/comments?limit=100&page=1`;
const CREATE = `POST ${REPO}/issues/42/comments`;
const event: Event = { ...sampleEvent, metadata: { ...sampleEvent.metadata, change_request: '42' } };

const json = (status: number, body: unknown): ScriptedResponse => ({
  status,
  headers: { 'content-type': 'application/json;charset=utf-8' },
  body: JSON.stringify(body),
});

/**
 * A Gitea API emulator: version, authenticated user, list/create issue comments, edit a comment.
 * `overrides` replace a route (`METHOD /path` without the query); anything else is a 404.
 */
function giteaApi(comments: unknown = [], overrides: Record<string, ScriptedResponse> = {}) {
  return (request: RecordedRequest): ScriptedResponse => {
    const route = `${request.method} ${request.path.split('?')[0]}`;
    const override = overrides[route];
    if (override) return override;
    if (route === 'GET /api/v1/version') return json(200, { version: '1.21.5' });
    if (route === 'GET /api/v1/user') return json(200, { id: 1, login: 'flux-bot', username: 'flux-bot' });
    const issueComments = /^(GET|POST) \/api\/v1\/repos\/[^/]+\/[^/]+\/issues\/[0-9]+\/comments$/.exec(route);
    if (issueComments?.[1] === 'GET') return json(200, comments);
    if (issueComments?.[1] === 'POST') return json(201, { id: 100, body: 'created' });
    if (request.method === 'PATCH' && route.startsWith(`PATCH ${REPO}/issues/comments/`)) {
      return json(200, { id: 99, body: 'edited' });
    }
    return json(404, { message: 'not found' });
  };
}

function giteaCommentNotifier(url: string, extra: Record<string, unknown> = {}) {
  return notifier(
    {
      type: 'giteapullrequestcomment',
      address: `${url}/my-org/my-repo`,
      token: TOKEN,
      provider: { uid: UID, name: 'flux-pr', namespace: 'flux-system' },
      retry: { minDelayMs: 1, maxDelayMs: 2 },
      ...extra,
    },
    { providers: [giteapullrequestcommentProvider] },
  );
}

async function setup(comments: unknown = [], overrides: Record<string, ScriptedResponse> = {}) {
  const server = await receiver({ respondWith: giteaApi(comments, overrides) });
  return { server, created: giteaCommentNotifier(server.url) };
}

const calls = (requests: RecordedRequest[]) => requests.map((request) => `${request.method} ${request.path}`);

describe('giteapullrequestcomment', () => {
  it('checks the version, looks up the login, lists the comments and creates the comment', async () => {
    const { server, created } = await setup();
    await created.post(event);
    expect(calls(server.requests)).toEqual(['GET /api/v1/version', 'GET /api/v1/user', LIST, CREATE]);
    for (const request of server.requests) {
      expect(request.headers.authorization).toBe(`token ${TOKEN}`);
      expect(request.headers['content-type']).toBe('application/json');
    }
    expect(server.requests.slice(0, 3).map((request) => request.body)).toEqual(['', '', '']);
    expect(server.requests[3]?.body).toBe(JSON.stringify({ body: SAMPLE_BODY }));
    expect(JSON.parse(server.requests[3]?.body ?? '')).toEqual({ body: SAMPLE_BODY });
  });

  it('edits its own comment, never another user’s with the same marker, and caches version and login', async () => {
    const { server, created } = await setup([
      { id: 11, body: `${MARKER}\nold`, user: { id: 2, login: 'someone-else' } },
      { id: 12, body: MARKER, user: null },
      { id: 13, body: 'unrelated', user: { id: 1, login: 'flux-bot' } },
      {
        id: 14,
        body: `<!-- flux-pr-comment-key:${UID}/Kustomization/apps/other -->`,
        user: { login: 'flux-bot' },
      },
      { id: 99, body: `old text ${MARKER} more`, user: { id: 1, login: 'flux-bot' } },
      { id: 100, body: MARKER, user: { id: 1, login: 'flux-bot' } },
    ]);
    await created.post(event);
    const info: Event = {
      ...event,
      severity: 'info',
      reason: 'ReconciliationSucceeded',
      message: 'Applied revision: main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1',
    };
    await created.post(info);
    expect(calls(server.requests)).toEqual([
      'GET /api/v1/version',
      'GET /api/v1/user',
      LIST,
      `PATCH ${REPO}/issues/comments/99`,
      LIST,
      `PATCH ${REPO}/issues/comments/99`,
    ]);
    for (const request of server.requests) expect(request.headers.authorization).toBe(`token ${TOKEN}`);
    expect(server.requests[3]?.headers['content-type']).toBe('application/json');
    expect(server.requests[3]?.body).toBe(JSON.stringify({ body: SAMPLE_BODY }));
    expect(JSON.parse(server.requests[5]?.body ?? '').body).toBe(
      `${MARKER}\n\n## Flux Status\n\nℹ️ Kustomization/apps/webapp\n\n${info.message}\n\nMetadata:\n* \`revision\`: main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1\n* \`summary\`: Cluster: prod-eu\n`,
    );
  });

  it('creates a new comment when only other users’ comments carry the marker', async () => {
    const { server, created } = await setup([
      { id: 11, body: MARKER, user: { login: 'someone-else' } },
      { id: 12, body: MARKER, user: { login: 'Flux-Bot' } },
    ]);
    await created.post(event);
    expect(calls(server.requests).at(-1)).toBe(CREATE);
  });

  it('reads a null comment list as no comments', async () => {
    const { server, created } = await setup(null);
    await created.post(event);
    expect(calls(server.requests).at(-1)).toBe(CREATE);
  });

  it('posts Progressing events; markdown, HTML, unicode and multi-line text raw; no metadata', async () => {
    const { server, created } = await setup();
    const message = 'line 1\nline 2 **bold** <b>&amp;</b> `code` ✓ ünïcödé 🚀';
    await created.post({
      ...event,
      reason: 'Progressing',
      severity: 'info',
      message,
      metadata: { change_request: '42' },
    });
    expect(calls(server.requests).at(-1)).toBe(CREATE);
    expect(JSON.parse(server.requests.at(-1)?.body ?? '').body).toBe(
      `${MARKER}\n\n## Flux Status\n\nℹ️ Kustomization/apps/webapp\n\n${message}\n\nMetadata:\n`,
    );
  });

  it('sends long messages whole (no limit in the spec)', async () => {
    const { server, created } = await setup();
    const message = 'x'.repeat(70_000);
    await created.post({ ...event, message });
    expect(JSON.parse(server.requests.at(-1)?.body ?? '').body).toContain(`\n\n${message}\n\nMetadata:\n`);
  });

  it('lists many metadata keys sorted by code point, without change_request', () => {
    const metadata = Object.fromEntries(
      Array.from({ length: 25 }, (_, i) => [`key${String(24 - i).padStart(2, '0')}`, `v${i}`]),
    );
    const comment = encodeGiteaPullRequestComment(
      { ...event, metadata: { ...metadata, Zeta: 'z', change_request: '+42' } },
      UID,
    );
    expect(comment.issueNumber).toBe('42');
    expect(comment.marker).toBe(MARKER);
    const lines = comment.body.split('\n').filter((line) => line.startsWith('* '));
    expect(lines).toHaveLength(26);
    expect(lines[0]).toBe('* `Zeta`: z');
    expect(lines[1]).toBe('* `key00`: v24');
    expect(lines[25]).toBe('* `key24`: v0');
    expect(comment.body).not.toContain('change_request');
  });

  it('keeps the object’s case in the marker and uses the PR number as Atoi reads it', async () => {
    const { server, created } = await setup();
    await created.post({
      ...event,
      involvedObject: { kind: 'HelmRelease', namespace: 'Team-A', name: 'Podinfo' },
      metadata: { change_request: '+7' },
    });
    expect(calls(server.requests).slice(2)).toEqual([
      `GET ${REPO}/issues/7/comments?limit=100&page=1`,
      `POST ${REPO}/issues/7/comments`,
    ]);
    expect(JSON.parse(server.requests.at(-1)?.body ?? '').body).toMatch(
      new RegExp(
        `^<!-- flux-pr-comment-key:${UID}/HelmRelease/Team-A/Podinfo -->\\n\\n## Flux Status\\n\\n⚠️ HelmRelease/Team-A/Podinfo\\n`,
      ),
    );
  });

  describe('events it rejects before any request', () => {
    it.each([
      [{ ...sampleEvent.metadata }, 'giteapullrequestcomment: missing "change_request" metadata key'],
      [undefined, 'giteapullrequestcomment: missing "change_request" metadata key'],
      [
        { change_request: 'abc' },
        'giteapullrequestcomment: invalid "change_request" metadata value "abc": strconv.Atoi: parsing "abc": invalid syntax',
      ],
      [
        { change_request: ' 42' },
        'giteapullrequestcomment: invalid "change_request" metadata value " 42": strconv.Atoi: parsing " 42": invalid syntax',
      ],
      [
        { change_request: '' },
        'giteapullrequestcomment: invalid "change_request" metadata value "": strconv.Atoi: parsing "": invalid syntax',
      ],
    ])('%j', async (metadata, message) => {
      const { server, created } = await setup();
      const rejected = { ...event, metadata } as Event;
      const postError = await rejection(created.post(rejected));
      expect(postError).toMatchObject({ code: 'INVALID_EVENT', message });
      await expect(created.encode(rejected)).rejects.toMatchObject({ code: 'INVALID_EVENT', message });
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('errors', () => {
    it('rejects an old server with the client wording and checks again on the next post', async () => {
      const { server, created } = await setup([], {
        'GET /api/v1/version': json(200, { version: '1.10.0' }),
      });
      const error = await rejection(created.post(event));
      expect(error).toMatchObject({
        code: 'REJECTED',
        message: `giteapullrequestcomment: failed creating Gitea client: gitea server at ${server.url} is older than 1.11.0`,
      });
      await rejection(created.post(event));
      expect(calls(server.requests)).toEqual(['GET /api/v1/version', 'GET /api/v1/version']);
    });

    it('reports a failing user lookup without the token, and looks up again on the next post', async () => {
      let failing = true;
      const api = giteaApi();
      const server = await receiver({
        respondWith: (request) =>
          failing && request.path === '/api/v1/user'
            ? json(401, { message: `token is invalid: ${TOKEN}` })
            : api(request),
      });
      const created = giteaCommentNotifier(server.url);
      const error = await rejection(created.post(event));
      expect(error.code).toBe('HTTP_STATUS');
      expect(error.status).toBe(401);
      expect(error.message).toMatch(
        /^giteapullrequestcomment: failed to get authenticated user info: GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/user: HTTP 401/,
      );
      expect(error.message).not.toContain(TOKEN);
      expect(JSON.stringify(error)).not.toContain(TOKEN);
      failing = false;
      await created.post(event);
      expect(calls(server.requests)).toEqual([
        'GET /api/v1/version',
        'GET /api/v1/user',
        'GET /api/v1/user',
        LIST,
        CREATE,
      ]);
    });

    it('rejects a user answer without a login', async () => {
      const { created } = await setup([], { 'GET /api/v1/user': json(200, { id: 1 }) });
      expect((await rejection(created.post(event))).message).toBe(
        'giteapullrequestcomment: failed to get authenticated user info: the user answer has no login',
      );
    });

    it('writes nothing when listing fails', async () => {
      const { server, created } = await setup([], {
        [`GET ${REPO}/issues/42/comments`]: json(403, { message: `forbidden ${TOKEN}` }),
      });
      const error = await rejection(created.post(event));
      expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 403 });
      expect(error.message).toMatch(
        /^giteapullrequestcomment: failed to list pull request comments: GET .*\/issues\/42\/comments\?limit=100&page=1: HTTP 403/,
      );
      expect(error.message).not.toContain(TOKEN);
      expect(server.requests.map((request) => request.method)).toEqual(['GET', 'GET', 'GET']);
    });

    it('rejects a comment list that is not a list', async () => {
      const { server, created } = await setup({ message: 'weird' });
      const error = await rejection(created.post(event));
      expect(error.code).toBe('REJECTED');
      expect(error.message).toMatch(
        /^giteapullrequestcomment: failed to list pull request comments: GET .*not a list/,
      );
      expect(server.requests).toHaveLength(3);
    });

    it('reports a failing edit with its wording', async () => {
      const { created } = await setup([{ id: 5, body: MARKER, user: { login: 'flux-bot' } }], {
        [`PATCH ${REPO}/issues/comments/5`]: json(404, { message: 'comment not found' }),
      });
      const error = await rejection(created.post(event));
      expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 404 });
      expect(error.message).toMatch(
        /^giteapullrequestcomment: failed to update pull request comment: PATCH .*\/api\/v1\/repos\/my-org\/my-repo\/issues\/comments\/5: HTTP 404/,
      );
    });

    it('retries a 5xx on create, then reports it with its wording, token redacted', async () => {
      const { server, created } = await setup([], { [CREATE]: { status: 500, body: `oops ${TOKEN}` } });
      const error = await rejection(created.post(event));
      expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 500 });
      expect(error.message).toMatch(
        /^giteapullrequestcomment: failed to create pull request comment: POST .*\/issues\/42\/comments: HTTP 500/,
      );
      expect(error.message).not.toContain(TOKEN);
      expect(JSON.stringify(error)).not.toContain(TOKEN);
      // Default policy: four retries.
      expect(calls(server.requests).filter((call) => call === CREATE)).toHaveLength(5);
    });

    it('does not retry a 4xx on create', async () => {
      const { server, created } = await setup([], { [CREATE]: json(422, { message: 'body is empty' }) });
      const error = await rejection(created.post(event));
      expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 422 });
      expect(error.message).toContain('failed to create pull request comment: POST');
      expect(calls(server.requests).filter((call) => call === CREATE)).toHaveLength(1);
    });

    it('rejects a 2xx create answer that is not JSON', async () => {
      const { created } = await setup([], { [CREATE]: { status: 201, body: 'created' } });
      const error = await rejection(created.post(event));
      expect(error.code).toBe('REJECTED');
      expect(error.message).toMatch(
        /^giteapullrequestcomment: failed to create pull request comment: POST .*not JSON/,
      );
    });
  });

  it('uses password as the token when token is empty', async () => {
    const server = await receiver({ respondWith: giteaApi() });
    await giteaCommentNotifier(server.url, { token: undefined, password: 'pw-token-1' }).post(event);
    expect(server.requests).toHaveLength(4);
    for (const request of server.requests) expect(request.headers.authorization).toBe('token pw-token-1');
  });

  it('matches upstream’s stub: <stub>/foo/bar, login test-user', async () => {
    const server = await receiver({
      respondWith: (request) => {
        if (request.path === '/api/v1/version') return json(200, { version: '1.18.3' });
        if (request.path === '/api/v1/user')
          return json(200, { id: 1, login: 'test-user', username: 'test-user' });
        if (request.method === 'GET')
          return json(200, [{ id: 3, body: MARKER, user: { login: 'test-user' } }]);
        return json(200, { id: 3 });
      },
    });
    await giteaCommentNotifier(server.url, { address: `${server.url}/foo/bar.git` }).post(event);
    expect(calls(server.requests)).toEqual([
      'GET /api/v1/version',
      'GET /api/v1/user',
      'GET /api/v1/repos/foo/bar/issues/42/comments?limit=100&page=1',
      'PATCH /api/v1/repos/foo/bar/issues/comments/3',
    ]);
  });

  describe('spec validation', () => {
    it.each([
      [{ provider: {} }, 'provider.uid: provider UID cannot be empty'],
      // The UID is checked first.
      [{ provider: {}, token: undefined }, 'provider.uid: provider UID cannot be empty'],
      [{ token: undefined }, 'token: gitea token cannot be empty'],
      [{ token: '  ' }, 'token: gitea token cannot be empty'],
      [{ address: 'https://gitea.example.com/foo/bar/baz' }, 'address: invalid repository id "foo/bar/baz"'],
      [{ address: 'https://gitea.example.com/foo' }, 'address: invalid repository id "foo"'],
      [{ address: undefined }, 'address: required'],
      [{ proxy: 'wrong\nURL' }, 'proxy'],
    ])('%j', (change, message) => {
      expect(() => giteaCommentNotifier('https://gitea.example.com', change)).toThrow(
        expect.objectContaining({ code: 'INVALID_SPEC', message: expect.stringContaining(message) }),
      );
    });

    it('accepts a valid spec and ignores commitStatus', () => {
      expect(() => giteaCommentNotifier('https://gitea.example.com', { commitStatus: 'flux' })).not.toThrow();
    });
  });

  describe('encode', () => {
    it('shows the create request for the sample event, token redacted, without any request', async () => {
      const { server } = await setup();
      const messages = await giteaCommentNotifier('https://gitea.example.com').encode(event);
      expect(messages).toEqual([
        {
          transport: 'http',
          method: 'POST',
          url: 'https://gitea.example.com/api/v1/repos/my-org/my-repo/issues/42/comments',
          headers: { Authorization: '<redacted>', 'Content-Type': 'application/json' },
          body: JSON.stringify({ body: SAMPLE_BODY }),
        },
      ]);
      expect(JSON.stringify(messages)).not.toContain(TOKEN);
      expect(server.requests).toHaveLength(0);
    });

    it('encodes Progressing events too, and uses the /api/v1 base of a host with a port', async () => {
      const messages = await giteaCommentNotifier('x', {
        address: 'http://gitea.local:3000/my-org/my-repo.git',
      }).encode({ ...event, reason: 'Progressing', severity: 'info' });
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({
        url: 'http://gitea.local:3000/api/v1/repos/my-org/my-repo/issues/42/comments',
      });
    });

    it('accepts the ssh form of the address', async () => {
      const messages = await giteaCommentNotifier('x', {
        address: 'ssh://git@gitea.example.com/my-org/my-repo',
      }).encode(event);
      expect(messages[0]).toMatchObject({
        url: 'https://gitea.example.com/api/v1/repos/my-org/my-repo/issues/42/comments',
      });
    });
  });
});
