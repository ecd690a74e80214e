import { generateKeyPairSync } from 'node:crypto';
import type { Event } from '@notiflux/core';
import {
  githubPullRequestCommentFor,
  githubpullrequestcommentProvider,
} from '@notiflux/providers/githubpullrequestcomment';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import type { RecordedRequest, ScriptedResponse } from '../support/recording-server.js';
import { rejection } from '../support/rejection.js';
import { sampleEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();

const UID = '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a';
const TOKEN = 'ghp_comment_secret_13579';
const MARKER = `<!-- flux-pr-comment-key:${UID}/Kustomization/apps/webapp -->`;
const SAMPLE_BODY = `${MARKER}\n\n## Flux Status\n\n⚠️ Kustomization/apps/webapp\n\nservice/apps/webapp validation error: spec.type: Unsupported value: Ingress\n\nMetadata:\n* \`revision\`: main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1\n* \`summary\`: Cluster: prod-eu\n`;
const LIST_PATH = '/api/v3/repos/my-org/my-repo/issues/42/comments?sort=created&direction=asc&per_page=100';
const event: Event = { ...sampleEvent, metadata: { ...sampleEvent.metadata, change_request: '42' } };
const fast = { minDelayMs: 1, maxDelayMs: 2 };

const json = (status: number, body: unknown): ScriptedResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

/** Emulates /user and the issue-comment endpoints; `comments` is the listed page. */
function githubApi(comments: unknown[] = [], overrides: Record<string, ScriptedResponse> = {}) {
  return (request: RecordedRequest): ScriptedResponse => {
    const route = `${request.method} ${request.path.split('?')[0]}`;
    const override = overrides[route];
    if (override) return override;
    if (route === 'GET /api/v3/user') return json(200, { login: 'flux-bot' });
    if (route === 'GET /api/v3/repos/my-org/my-repo/issues/42/comments') return json(200, comments);
    if (route === 'POST /api/v3/repos/my-org/my-repo/issues/42/comments') return json(201, { id: 99 });
    if (request.method === 'PATCH') return json(200, { id: 1 });
    return json(404, { message: 'Not Found' });
  };
}

async function setup(comments: unknown[] = [], overrides: Record<string, ScriptedResponse> = {}) {
  const server = await receiver({ respondWith: githubApi(comments, overrides) });
  const created = notifier(
    {
      type: 'githubpullrequestcomment',
      address: `${server.url}/my-org/my-repo`,
      token: TOKEN,
      provider: { uid: UID, name: 'flux', namespace: 'flux-system' },
      retry: fast,
    },
    { providers: [githubpullrequestcommentProvider] },
  );
  return { server, created };
}

const routes = (requests: RecordedRequest[]) => requests.map((r) => `${r.method} ${r.path}`);

describe('githubpullrequestcomment', () => {
  it('looks up the login, lists the comments and creates the comment', async () => {
    const { server, created } = await setup();
    await created.post(event);
    expect(routes(server.requests)).toEqual([
      'GET /api/v3/user',
      `GET ${LIST_PATH}`,
      'POST /api/v3/repos/my-org/my-repo/issues/42/comments',
    ]);
    for (const request of server.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(request.headers['x-github-api-version']).toBe('2022-11-28');
    }
    expect(server.requests[1]?.headers.accept).toBe('application/vnd.github.squirrel-girl-preview');
    const create = server.requests[2];
    expect(create?.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(create?.body ?? '')).toEqual({ body: SAMPLE_BODY });
  });

  it('edits our own comment and reuses the login on the next post', async () => {
    const { server, created } = await setup([
      { id: 1, body: `${MARKER}\nold`, user: { login: 'someone-else' } },
      { id: 2, body: 'unrelated', user: { login: 'flux-bot' } },
      { id: 3, body: `old ${MARKER} text`, user: { login: 'flux-bot' } },
      { id: 4, body: `${MARKER}`, user: { login: 'flux-bot' } },
    ]);
    await created.post(event);
    const info: Event = {
      ...event,
      severity: 'info',
      reason: 'ReconciliationSucceeded',
      message: 'Applied revision: main@sha1:731f',
    };
    await created.post(info);
    expect(routes(server.requests)).toEqual([
      'GET /api/v3/user',
      `GET ${LIST_PATH}`,
      'PATCH /api/v3/repos/my-org/my-repo/issues/comments/3',
      `GET ${LIST_PATH}`,
      'PATCH /api/v3/repos/my-org/my-repo/issues/comments/3',
    ]);
    expect(JSON.parse(server.requests[2]?.body ?? '')).toEqual({ body: SAMPLE_BODY });
    expect(JSON.parse(server.requests[4]?.body ?? '').body).toContain(
      '\n\nℹ️ Kustomization/apps/webapp\n\nApplied revision: main@sha1:731f\n\n',
    );
  });

  it('posts Progressing events, markdown, unicode and multi-line messages raw; no metadata', async () => {
    const { server, created } = await setup();
    const message = 'line 1\nline 2 **bold** <b>&</b> ✓ ünï';
    await created.post({
      ...event,
      reason: 'Progressing',
      severity: 'info',
      message,
      metadata: { change_request: '42' },
    });
    const body = JSON.parse(server.requests[2]?.body ?? '').body;
    expect(body).toBe(
      `${MARKER}\n\n## Flux Status\n\nℹ️ Kustomization/apps/webapp\n\n${message}\n\nMetadata:\n`,
    );
  });

  it('lists many metadata keys sorted, without change_request', () => {
    const metadata = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`key${String(19 - i).padStart(2, '0')}`, `v${i}`]),
    );
    const { body } = githubPullRequestCommentFor(
      { ...event, metadata: { ...metadata, change_request: '+42' } },
      UID,
    );
    const lines = body.split('\n').filter((line) => line.startsWith('* '));
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe('* `key00`: v19');
    expect(body).not.toContain('change_request');
  });

  it('rejects events without a valid change_request before any request', async () => {
    const { server, created } = await setup();
    const missing = await rejection(created.post(sampleEvent));
    expect(missing.code).toBe('INVALID_EVENT');
    expect(missing.message).toContain('missing "change_request" metadata key');
    const invalid = await rejection(created.post({ ...event, metadata: { change_request: ' 42' } }));
    expect(invalid.message).toContain(
      'invalid "change_request" metadata value " 42": strconv.Atoi: parsing " 42": invalid syntax',
    );
    expect(server.requests).toHaveLength(0);
  });

  it('uses the PR number exactly as Atoi reads it, and lists the whole repository for 0', async () => {
    const server = await receiver({
      respondWith: (request) => {
        if (request.path === '/api/v3/user') return json(200, { login: 'flux-bot' });
        return request.method === 'GET' ? json(200, []) : json(201, { id: 99 });
      },
    });
    const created = notifier(
      {
        type: 'githubpullrequestcomment',
        address: `${server.url}/my-org/my-repo`,
        token: TOKEN,
        provider: { uid: UID },
      },
      { providers: [githubpullrequestcommentProvider] },
    );
    const post = (changeRequest: string) =>
      created.post({ ...event, metadata: { ...event.metadata, change_request: changeRequest } });
    await post('+7');
    await post('9007199254740993');
    await post('0');
    const query = 'sort=created&direction=asc&per_page=100';
    expect(routes(server.requests)).toEqual([
      'GET /api/v3/user',
      `GET /api/v3/repos/my-org/my-repo/issues/7/comments?${query}`,
      'POST /api/v3/repos/my-org/my-repo/issues/7/comments',
      // Beyond 2^53: no rounding.
      `GET /api/v3/repos/my-org/my-repo/issues/9007199254740993/comments?${query}`,
      'POST /api/v3/repos/my-org/my-repo/issues/9007199254740993/comments',
      // go-github's quirk for 0: the repository's comments, then a create on issue 0.
      `GET /api/v3/repos/my-org/my-repo/issues/comments?${query}`,
      'POST /api/v3/repos/my-org/my-repo/issues/0/comments',
    ]);
  });

  it('reports each failing step with its wording, without the token', async () => {
    const user = await setup([], { 'GET /api/v3/user': json(401, { message: `Bad credentials ${TOKEN}` }) });
    const userError = await rejection(user.created.post(event));
    expect(userError.message).toMatch(
      /^githubpullrequestcomment: failed to get authenticated user info: GET http/,
    );
    expect(userError.status).toBe(401);
    expect(userError.message).not.toContain(TOKEN);

    const list = await setup([], {
      'GET /api/v3/repos/my-org/my-repo/issues/42/comments': json(403, { message: 'Forbidden' }),
    });
    const listError = await rejection(list.created.post(event));
    expect(listError.message).toContain('failed to list pull request comments: GET');
    expect(list.server.requests.map((r) => r.method)).toEqual(['GET', 'GET']);

    const edit = await setup([{ id: 5, body: MARKER, user: { login: 'flux-bot' } }], {
      'PATCH /api/v3/repos/my-org/my-repo/issues/comments/5': json(404, { message: 'Not Found' }),
    });
    expect((await rejection(edit.created.post(event))).message).toContain(
      'failed to update pull request comment: PATCH',
    );

    const create = await setup([], {
      'POST /api/v3/repos/my-org/my-repo/issues/42/comments': json(422, { message: 'Body too long' }),
    });
    const createError = await rejection(create.created.post(event));
    expect(createError.message).toContain('failed to create pull request comment: POST');
    expect(createError.status).toBe(422);
  });

  it('retries the login lookup on the next post after it failed', async () => {
    let failing = true;
    const server = await receiver({
      respondWith: (request) =>
        failing && request.path === '/api/v3/user' ? json(500, {}) : githubApi()(request),
    });
    const created = notifier(
      {
        type: 'githubpullrequestcomment',
        address: `${server.url}/my-org/my-repo`,
        token: TOKEN,
        provider: { uid: UID },
        retry: { ...fast, retries: 0 },
      },
      { providers: [githubpullrequestcommentProvider] },
    );
    await rejection(created.post(event));
    failing = false;
    await created.post(event);
    expect(routes(server.requests).slice(1)).toEqual([
      'GET /api/v3/user',
      `GET ${LIST_PATH}`,
      'POST /api/v3/repos/my-org/my-repo/issues/42/comments',
    ]);
  });

  it('encodes the create request with the token redacted', async () => {
    const { server, created } = await setup();
    expect(await created.encode(event)).toEqual([
      {
        transport: 'http',
        method: 'POST',
        url: `${server.url}/api/v3/repos/my-org/my-repo/issues/42/comments`,
        headers: {
          Authorization: '<redacted>',
          Accept: 'application/vnd.github.v3+json',
          'X-GitHub-Api-Version': '2022-11-28',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ body: SAMPLE_BODY }),
      },
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it('validates the spec at createNotifier', () => {
    const create = (spec: object) => () =>
      notifier(
        {
          type: 'githubpullrequestcomment',
          address: 'https://github.com/foo/bar',
          token: 't',
          provider: { uid: UID },
          ...spec,
        },
        { providers: [githubpullrequestcommentProvider] },
      );
    expect(create({})).not.toThrow();
    expect(create({ provider: {} })).toThrow(/provider UID cannot be empty/);
    expect(create({ provider: {}, token: undefined })).toThrow(/provider UID cannot be empty/);
    expect(create({ token: undefined })).toThrow(/github token or github app details must be specified/);
    expect(create({ address: 'https://github.com/foo/bar/baz' })).toThrow(
      /invalid repository id: 'foo\/bar\/baz'/,
    );
  });

  it('comments as <slug>[bot] with a GitHub App, without GET /user', async () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();
    const api = githubApi([
      { id: 7, body: MARKER, user: { login: 'flux-bot' } },
      { id: 8, body: MARKER, user: { login: 'app-slug[bot]' } },
    ]);
    const server = await receiver({
      respondWith: (request) => {
        if (request.path === '/api/v3/app') return json(200, { slug: 'app-slug' });
        if (request.path.endsWith('/access_tokens'))
          return json(201, {
            token: 'ghs_comment',
            slug: 'app-slug',
            expires_at: new Date(Date.now() + 3600_000).toISOString(),
          });
        return api(request);
      },
    });
    const created = notifier(
      {
        type: 'githubpullrequestcomment',
        address: `${server.url}/my-org/my-repo`,
        provider: { uid: UID },
        secret: {
          githubAppID: '3',
          githubAppInstallationID: '4',
          githubAppPrivateKey: pem,
          githubAppBaseURL: `${server.url}/api/v3/`,
        },
      },
      { providers: [githubpullrequestcommentProvider] },
    );
    await created.post(event);
    await created.post(event);
    expect(routes(server.requests)).toEqual([
      'GET /api/v3/app',
      'POST /api/v3/app/installations/4/access_tokens',
      `GET ${LIST_PATH}`,
      'PATCH /api/v3/repos/my-org/my-repo/issues/comments/8',
      `GET ${LIST_PATH}`,
      'PATCH /api/v3/repos/my-org/my-repo/issues/comments/8',
    ]);
    expect(server.requests[2]?.headers.authorization).toBe('Bearer ghs_comment');
    expect(server.requests[0]?.headers.authorization).toMatch(/^Bearer ey/);
  });
});
