import type { Event } from '@notiflux/core';
import { NotifierError } from '@notiflux/core';
import {
  encodeGitLabMergeRequestNote,
  gitlabmergerequestcommentProvider,
} from '@notiflux/providers/gitlabmergerequestcomment';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import type { RecordedRequest, ScriptedResponse } from '../support/recording-server.js';
import { sampleEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();

const uid = '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a';
const token = 'glpat-s3cret-token';
const pid = 'my-group%2Fmy-project';
const notesPath = `/api/v4/projects/${pid}/merge_requests/7/notes`;
const listPath = `${notesPath}?order_by=created_at&per_page=100&sort=asc`;
const marker = `<!-- flux-mr-comment-key:${uid}/Kustomization/apps/webapp -->`;
const sampleNote =
  `${marker}\n\n## Flux Status\n\n⚠️ Kustomization/apps/webapp\n\n` +
  'service/apps/webapp validation error: spec.type: Unsupported value: Ingress\n\nMetadata:\n' +
  '* `revision`: main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1\n* `summary`: Cluster: prod-eu\n';
const event: Event = { ...sampleEvent, metadata: { ...sampleEvent.metadata, change_request: '7' } };
const json = { 'content-type': 'application/json' };

interface GitLabScript {
  user?: ScriptedResponse;
  notes?: ScriptedResponse;
  create?: ScriptedResponse;
  edit?: ScriptedResponse;
}

/** A GitLab API emulator: current user, list/create/edit MR notes; anything else is a 404. */
async function gitlabServer(script: GitLabScript = {}) {
  const server = await receiver();
  server.respondWith((request: RecordedRequest) => {
    const path = request.path.split('?')[0] ?? '';
    if (request.method === 'GET' && path === '/api/v4/user') {
      return script.user ?? { headers: json, body: '{"id":1,"username":"flux-bot"}' };
    }
    if (request.method === 'GET' && /\/merge_requests\/[^/]+\/notes$/.test(path)) {
      return script.notes ?? { headers: json, body: '[]' };
    }
    if (request.method === 'POST' && /\/merge_requests\/[^/]+\/notes$/.test(path)) {
      return script.create ?? { status: 201, headers: json, body: '{"id":556}' };
    }
    if (request.method === 'PUT' && /\/merge_requests\/[^/]+\/notes\/[^/]+$/.test(path)) {
      return script.edit ?? { headers: json, body: '{"id":555}' };
    }
    return { status: 404, headers: json, body: '{"message":"404 Not Found"}' };
  });
  return server;
}

function mrNotifier(url: string, extra: Record<string, unknown> = {}) {
  return notifier(
    {
      type: 'gitlabmergerequestcomment',
      address: `${url}/my-group/my-project`,
      token,
      provider: { uid, name: 'flux-mr', namespace: 'flux-system' },
      retry: { minDelayMs: 1 },
      ...extra,
    },
    { providers: [gitlabmergerequestcommentProvider] },
  );
}

const calls = (requests: RecordedRequest[]) => requests.map((request) => `${request.method} ${request.path}`);
const notesAnswer = (notes: unknown[]): ScriptedResponse => ({ headers: json, body: JSON.stringify(notes) });

describe('gitlabmergerequestcomment', () => {
  it('looks up the user, lists the notes, then creates the note for the sample event', async () => {
    const server = await gitlabServer();
    await mrNotifier(server.url).post(event);
    expect(calls(server.requests)).toEqual(['GET /api/v4/user', `GET ${listPath}`, `POST ${notesPath}`]);
    for (const request of server.requests) {
      expect(request.headers['private-token']).toBe(token);
      expect(request.headers.accept).toBe('application/json');
    }
    expect(server.requests[2]?.headers['content-type']).toBe('application/json');
    expect(server.requests[2]?.body).toBe(JSON.stringify({ body: sampleNote }));
  });

  it('edits our own note, found by author and marker, and looks the user up only once', async () => {
    const server = await gitlabServer({
      notes: notesAnswer([
        { id: 550, body: 'lgtm', author: { username: 'flux-bot' } },
        { id: 551, body: `${marker}\nold`, author: { username: 'someone-else' } },
        { id: 552, system: true, body: 'added 1 commit', author: { username: 'flux-bot' } },
        { id: 555, body: `${marker}\n\nold status`, author: { username: 'flux-bot' } },
        { id: 556, body: `${marker}\n\nlater duplicate`, author: { username: 'flux-bot' } },
      ]),
    });
    const gitlab = mrNotifier(server.url);
    await gitlab.post(event);
    expect(calls(server.requests)).toEqual(['GET /api/v4/user', `GET ${listPath}`, `PUT ${notesPath}/555`]);
    expect(server.requests[2]?.body).toBe(JSON.stringify({ body: sampleNote }));

    await gitlab.post({
      ...event,
      severity: 'info',
      reason: 'ReconciliationSucceeded',
      message: 'applied ✓',
    });
    expect(calls(server.requests).slice(3)).toEqual([`GET ${listPath}`, `PUT ${notesPath}/555`]);
    const body = JSON.parse(server.requests[4]?.body ?? '{}').body as string;
    expect(body).toContain('ℹ️ Kustomization/apps/webapp\n\napplied ✓\n');
  });

  it('posts Progressing events too', async () => {
    const server = await gitlabServer();
    await mrNotifier(server.url).post({ ...event, severity: 'info', reason: 'Progressing' });
    expect(calls(server.requests).at(-1)).toBe(`POST ${notesPath}`);
  });

  it('keeps a merge request IID beyond 2^53 exact in the path', async () => {
    const server = await gitlabServer();
    const big = '9007199254740993';
    await mrNotifier(server.url).post({ ...event, metadata: { ...event.metadata, change_request: big } });
    expect(calls(server.requests).at(-1)).toBe(`POST /api/v4/projects/${pid}/merge_requests/${big}/notes`);
  });

  it('keeps multi-line, unicode and markup text raw, and sorts many metadata keys', async () => {
    const server = await gitlabServer();
    await mrNotifier(server.url).post({
      ...event,
      message: 'line 1\n<b>ünïcode</b> & *md* `x`',
      metadata: { change_request: '7', zeta: 'z', alpha: 'a', revision: 'r' },
    });
    const body = JSON.parse(server.requests.at(-1)?.body ?? '{}').body as string;
    expect(body).toBe(
      `${marker}\n\n## Flux Status\n\n⚠️ Kustomization/apps/webapp\n\nline 1\n<b>ünïcode</b> & *md* \`x\`\n\n` +
        'Metadata:\n* `alpha`: a\n* `revision`: r\n* `zeta`: z\n',
    );
  });

  it('works with subgroups and self-managed hosts', async () => {
    const server = await gitlabServer();
    await mrNotifier(server.url, { address: `${server.url}/foo/bar/baz.git` }).post(event);
    expect(server.requests.at(-1)?.path).toBe('/api/v4/projects/foo%2Fbar%2Fbaz/merge_requests/7/notes');
  });

  describe('events it rejects (before any request)', () => {
    it.each([
      [{ ...sampleEvent.metadata }, 'gitlabmergerequestcomment: missing "change_request" metadata key'],
      [
        { change_request: 'abc' },
        'gitlabmergerequestcomment: invalid "change_request" metadata value "abc": strconv.ParseInt: parsing "abc": invalid syntax',
      ],
      [{ change_request: '' }, 'gitlabmergerequestcomment: invalid "change_request" metadata value ""'],
    ])('%j', async (metadata, message) => {
      const server = await gitlabServer();
      const rejected = { ...sampleEvent, metadata } as Event;
      await expect(mrNotifier(server.url).post(rejected)).rejects.toMatchObject({
        code: 'INVALID_EVENT',
        message: expect.stringContaining(message),
      });
      await expect(mrNotifier(server.url).encode(rejected)).rejects.toMatchObject({ code: 'INVALID_EVENT' });
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('spec validation', () => {
    it.each([
      [{ provider: {} }, 'provider.uid: provider UID cannot be empty'],
      [{ token: undefined }, 'token: gitlab token cannot be empty'],
      [{ address: undefined }, 'address: required'],
    ])('%j', (change, message) => {
      expect(() => mrNotifier('https://gitlab.example.com', change)).toThrow(
        expect.objectContaining({ code: 'INVALID_SPEC', message: expect.stringContaining(message) }),
      );
    });

    it('uses password as the token', async () => {
      const server = await gitlabServer();
      await mrNotifier(server.url, { token: undefined, password: 'pw-token' }).post(event);
      expect(server.requests.map((request) => request.headers['private-token'])).toEqual([
        'pw-token',
        'pw-token',
        'pw-token',
      ]);
    });
  });

  describe('errors', () => {
    it('reports a failed user lookup, token redacted, and retries it on the next post', async () => {
      const server = await gitlabServer({
        user: { status: 401, headers: json, body: `{"message":"401 Unauthorized ${token}"}` },
      });
      const gitlab = mrNotifier(server.url);
      const error = (await gitlab.post(event).catch((caught: unknown) => caught)) as NotifierError;
      expect(error).toBeInstanceOf(NotifierError);
      expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 401 });
      expect(error.message).toMatch(
        /^gitlabmergerequestcomment: failed to get authenticated user info: GET .*\/api\/v4\/user: .*401/,
      );
      expect(error.message).not.toContain(token);
      expect(JSON.stringify(error)).not.toContain(token);
      await expect(gitlab.post(event)).rejects.toThrow(/failed to get authenticated user info/);
      expect(calls(server.requests)).toEqual(['GET /api/v4/user', 'GET /api/v4/user']);
    });

    it('does not write when listing fails', async () => {
      const server = await gitlabServer({
        notes: { status: 404, headers: json, body: '{"message":"404 Not Found"}' },
      });
      await expect(mrNotifier(server.url).post(event)).rejects.toMatchObject({
        code: 'HTTP_STATUS',
        status: 404,
        message: expect.stringMatching(
          /^gitlabmergerequestcomment: failed to list merge request notes: GET /,
        ),
      });
      expect(server.requests).toHaveLength(2);
    });

    it('rejects a 2xx list answer that is not an array', async () => {
      const server = await gitlabServer({ notes: { headers: json, body: '{"message":"nope"}' } });
      await expect(mrNotifier(server.url).post(event)).rejects.toMatchObject({
        code: 'REJECTED',
        message: expect.stringMatching(/^gitlabmergerequestcomment: failed to list merge request notes: /),
      });
      expect(server.requests).toHaveLength(2);
    });

    it('prefixes a failed update', async () => {
      const server = await gitlabServer({
        notes: notesAnswer([{ id: 555, body: marker, author: { username: 'flux-bot' } }]),
        edit: { status: 403, headers: json, body: '{"message":"403 Forbidden"}' },
      });
      await expect(mrNotifier(server.url).post(event)).rejects.toMatchObject({
        status: 403,
        message: expect.stringMatching(
          /^gitlabmergerequestcomment: failed to update merge request note: PUT /,
        ),
      });
    });

    it('retries a 5xx create and prefixes the final failure, token redacted', async () => {
      const server = await gitlabServer({ create: { status: 502, body: `bad gateway ${token}` } });
      const error = (await mrNotifier(server.url, { retry: { retries: 2, minDelayMs: 1 } })
        .post(event)
        .catch((caught: unknown) => caught)) as NotifierError;
      expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 502 });
      expect(error.message).toMatch(/^gitlabmergerequestcomment: failed to create merge request note: POST /);
      expect(error.message).not.toContain(token);
      expect(calls(server.requests).filter((call) => call.startsWith('POST'))).toHaveLength(3);
    });
  });

  describe('encode', () => {
    it('shows the create request with the token redacted', async () => {
      const messages = await mrNotifier('https://gitlab.com').encode(event);
      expect(messages).toEqual([
        {
          transport: 'http',
          method: 'POST',
          url: `https://gitlab.com/api/v4/projects/${pid}/merge_requests/7/notes`,
          headers: {
            'PRIVATE-TOKEN': '<redacted>',
            Accept: 'application/json',
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({ body: sampleNote }),
        },
      ]);
      expect(JSON.stringify(messages)).not.toContain(token);
    });

    it('has a pure note encoder', () => {
      expect(encodeGitLabMergeRequestNote(event, uid)).toEqual({
        mergeRequestIid: '7',
        marker,
        body: sampleNote,
      });
    });
  });
});
