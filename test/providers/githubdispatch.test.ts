import { generateKeyPairSync } from 'node:crypto';
import type { Event } from '@notiflux/core';
import { encodeGitHubDispatchPayload, githubdispatchProvider } from '@notiflux/providers/githubdispatch';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import type { RecordedRequest, ScriptedResponse } from '../support/recording-server.js';
import { rejection } from '../support/rejection.js';
import { sampleEvent, sampleEventJson } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();

const TOKEN = 'ghp_dispatch_secret_987654321';
const DISPATCH_PATH = '/api/v3/repos/my-org/my-repo/dispatches';
const SAMPLE_BODY = `{"event_type":"Kustomization/webapp.apps","client_payload":${sampleEventJson}}`;
const fast = { minDelayMs: 1, maxDelayMs: 2 };

async function setup(
  respond: ScriptedResponse | ((request: RecordedRequest) => ScriptedResponse) = { status: 204 },
) {
  const server = await receiver({ respondWith: typeof respond === 'function' ? respond : () => respond });
  const created = notifier(
    { type: 'githubdispatch', address: `${server.url}/my-org/my-repo`, token: TOKEN, retry: fast },
    { providers: [githubdispatchProvider] },
  );
  return { server, created };
}

describe('githubdispatch', () => {
  it('POSTs the repository dispatch with the event as client_payload', async () => {
    const { server, created } = await setup();
    await created.post(sampleEvent);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(DISPATCH_PATH);
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers.accept).toBe('application/vnd.github.v3+json');
    expect(request?.headers['x-github-api-version']).toBe('2022-11-28');
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    expect(request?.body).toBe(SAMPLE_BODY);
    expect(JSON.parse(request?.body ?? '')).toEqual({
      event_type: 'Kustomization/webapp.apps',
      client_payload: sampleEvent,
    });
  });

  it('posts every event: Progressing, info, commit_status updates, no metadata', async () => {
    const { server, created } = await setup();
    const events: Event[] = [
      { ...sampleEvent, reason: 'Progressing', severity: 'info' },
      { ...sampleEvent, metadata: { commit_status: 'update' } },
      { ...sampleEvent, metadata: undefined },
    ];
    for (const event of events) await created.post(event);
    expect(server.requests).toHaveLength(3);
    expect(JSON.parse(server.requests[0]?.body ?? '').client_payload.reason).toBe('Progressing');
    expect(JSON.parse(server.requests[1]?.body ?? '').client_payload.metadata).toEqual({
      commit_status: 'update',
    });
    expect(JSON.parse(server.requests[2]?.body ?? '').client_payload).not.toHaveProperty('metadata');
  });

  it('keeps special characters, unicode, multi-line messages and sorted metadata', async () => {
    const { server, created } = await setup();
    const metadata = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`k${String(29 - i).padStart(2, '0')}`, `v${i}`]),
    );
    const event: Event = { ...sampleEvent, message: 'line 1\nline 2 <b>&</b> *md* ✓ ünï', metadata };
    await created.post(event);
    const body = server.requests[0]?.body ?? '';
    const parsed = JSON.parse(body);
    expect(parsed.client_payload.message).toBe('line 1\nline 2 <b>&</b> *md* ✓ ünï');
    expect(Object.keys(parsed.client_payload.metadata)).toEqual(Object.keys(metadata).sort());
    expect(body).toBe(encodeGitHubDispatchPayload(event));
  });

  it('keeps empty object references as /.', () => {
    const body = encodeGitHubDispatchPayload({ ...sampleEvent, involvedObject: { kind: '', name: '' } });
    expect(JSON.parse(body).event_type).toBe('/.');
  });

  it('encodes the request with the token redacted', async () => {
    const { server, created } = await setup();
    expect(await created.encode(sampleEvent)).toEqual([
      {
        transport: 'http',
        method: 'POST',
        url: `${server.url}${DISPATCH_PATH}`,
        headers: {
          Authorization: '<redacted>',
          Accept: 'application/vnd.github.v3+json',
          'X-GitHub-Api-Version': '2022-11-28',
          'Content-Type': 'application/json',
        },
        body: SAMPLE_BODY,
      },
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it('uses api.github.com for github.com addresses', async () => {
    const created = notifier(
      { type: 'githubdispatch', address: 'https://github.com/foo/bar', token: TOKEN },
      { providers: [githubdispatchProvider] },
    );
    const [message] = await created.encode(sampleEvent);
    expect(message).toMatchObject({ url: 'https://api.github.com/repos/foo/bar/dispatches' });
  });

  it('reports failures with the upstream wording, without the token', async () => {
    const { created } = await setup({
      status: 404,
      headers: { 'content-type': 'application/json' },
      body: `{"message":"Not Found ${TOKEN}"}`,
    });
    const error = await rejection(created.post(sampleEvent));
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.status).toBe(404);
    expect(error.message).toMatch(
      /^githubdispatch: could not send github repository dispatch webhook: POST http/,
    );
    expect(error.message).not.toContain(TOKEN);
  });

  it('retries 5xx answers and treats 202 as a failure', async () => {
    const { server, created } = await setup((request) =>
      server.requests.indexOf(request) === 0 ? { status: 502 } : { status: 202 },
    );
    const error = await rejection(created.post(sampleEvent));
    expect(error.status).toBe(202);
    expect(server.requests).toHaveLength(2);
  });

  it('validates the spec at createNotifier', () => {
    const create = (spec: object) => () =>
      notifier(
        { type: 'githubdispatch', address: 'https://github.com/foo/bar', token: 't', ...spec },
        {
          providers: [githubdispatchProvider],
        },
      );
    expect(create({})).not.toThrow();
    expect(create({ commitStatus: 'ignored' })).not.toThrow();
    expect(create({ token: undefined })).toThrow(
      /token: github token or github app details must be specified/,
    );
    expect(create({ address: 'https://github.com/foo/bar/baz' })).toThrow(
      /address: invalid repository id: 'foo\/bar\/baz'/,
    );
    expect(create({ address: 'https://github.com/' })).toThrow(/invalid repository id: ''/);
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(create({ token: undefined, secret: { githubAppID: '1', githubAppPrivateKey: pem } })).toThrow(
      /app installation owner or ID must be provided/,
    );
    expect(
      create({
        token: undefined,
        secret: { githubAppID: '1', githubAppInstallationID: '2', githubAppPrivateKey: pem },
      }),
    ).not.toThrow();
  });

  it('authenticates as a GitHub App installation', async () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const server = await receiver({
      respondWith: (request) =>
        request.path.endsWith('/access_tokens')
          ? {
              status: 201,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                token: 'ghs_dispatch',
                expires_at: new Date(Date.now() + 3600_000).toISOString(),
              }),
            }
          : { status: 204 },
    });
    const created = notifier(
      {
        type: 'githubdispatch',
        address: `${server.url}/my-org/my-repo`,
        secret: {
          githubAppID: '11',
          githubAppInstallationID: '22',
          githubAppPrivateKey: pem,
          githubAppBaseURL: `${server.url}/api/v3`,
        },
      },
      { providers: [githubdispatchProvider] },
    );
    await created.post(sampleEvent);
    await created.post(sampleEvent);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v3/app/installations/22/access_tokens',
      `POST ${DISPATCH_PATH}`,
      `POST ${DISPATCH_PATH}`,
    ]);
    expect(server.requests[1]?.headers.authorization).toBe('Bearer ghs_dispatch');
    expect(server.requests[2]?.headers.authorization).toBe('Bearer ghs_dispatch');
  });
});
