import { parse as parseForm } from 'node:querystring';
import type { Event } from '@notiflux/core';
import { createNotifier, NotifierError } from '@notiflux/providers';
import {
  type buildSlackPayload,
  encodeSlackPayload,
  encodeSlackWebApiForm,
  isSlackWebApiAddress,
  slackProvider,
} from '@notiflux/providers/slack';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withPeerMissing } from '../support/missing-peer.js';
import { useProviderHarness } from '../support/provider-harness.js';
import { rejection } from '../support/rejection.js';
import { sampleEvent, upstreamTestEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();
const providers = [slackProvider];
const fast = { retry: { minDelayMs: 1, maxDelayMs: 5 } };
const TOKEN = 'xoxb-1234-secret-token';
const WEBHOOK_SECRET = 'T000/B000/XXXXsecretXXXX';
const okAnswer = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };

/** Upstream's body for the sample event with channel `general`. */
const sampleJson =
  '{"channel":"general","username":"kustomize-controller","icon_url":"","icon_emoji":"","attachments":[{"fallback":"kustomization/webapp.apps: service/apps/webapp validation error: spec.type: Unsupported value: Ingress","color":"danger","author_name":"kustomization/webapp.apps","text":"service/apps/webapp validation error: spec.type: Unsupported value: Ingress","mrkdwn_in":["text"],"fields":[{"title":"revision","value":"main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1","short":false},{"title":"summary","value":"Cluster: prod-eu","short":false}]}]}';

function payloadOf(body: string | undefined) {
  return JSON.parse(body ?? '') as ReturnType<typeof buildSlackPayload>;
}

function formOf(body: string | undefined): Record<string, string> {
  return { ...parseForm(body ?? '') } as Record<string, string>;
}

describe('slack webhook mode (core transport)', () => {
  it('POSTs the attachment payload as JSON, byte for byte the spec sample', async () => {
    const server = await receiver();
    await notifier(
      { type: 'slack', address: `${server.url}/services/${WEBHOOK_SECRET}`, channel: 'general' },
      { providers },
    ).post(sampleEvent);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/services/${WEBHOOK_SECRET}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toBe(sampleJson);
  });

  it('sends the token as a Bearer header when set, and a custom username', async () => {
    const server = await receiver();
    await notifier(
      { type: 'slack', address: `${server.url}/hook`, token: TOKEN, username: 'flux-bot' },
      { providers },
    ).post(sampleEvent);
    const [request] = server.requests;
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const payload = payloadOf(request?.body);
    expect(payload.username).toBe('flux-bot');
    expect(payload.channel).toBe('');
  });

  it('matches upstream slack_test.go for its test event', async () => {
    const server = await receiver();
    await notifier({ type: 'slack', address: server.url, channel: 'test' }, { providers }).post(
      upstreamTestEvent,
    );
    const payload = payloadOf(server.requests[0]?.body);
    expect(payload.attachments[0].author_name).toBe('gitrepository/webapp.gitops-system');
    expect(payload.attachments[0].fields[0]?.value).toBe('metadata');
    expect(payload.attachments[0].color).toBe('good');
    expect(payload.channel).toBe('test');
    expect(payload.username).toBe('source-controller');
  });

  it('does not load @slack/web-api (no MISSING_DEPENDENCY without the SDK)', async () => {
    await withPeerMissing('@slack/web-api', async (loads) => {
      const fresh = await import('@notiflux/providers/slack');
      const server = await receiver();
      await notifier(
        { type: 'slack', address: `${server.url}/services/x` },
        { providers: [fresh.slackProvider] },
      ).post(sampleEvent);
      expect(server.requests).toHaveLength(1);
      expect(loads).not.toHaveBeenCalled();
    });
  });
});

describe('slack Web API mode (@slack/web-api WebClient)', () => {
  const webApi = (url: string, extra: Record<string, unknown> = {}) => ({
    type: 'slack' as const,
    address: `${url}/api/chat.postMessage`,
    token: TOKEN,
    channel: 'general',
    ...extra,
  });

  it('sends chat.postMessage through the real WebClient: form body, Bearer token, SDK user agent', async () => {
    const server = await receiver({ respondWith: okAnswer });
    const slack = notifier(webApi(server.url), { providers });
    await slack.post(sampleEvent);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/api/chat.postMessage');
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers['user-agent']).toContain('@slack:web-api');
    const form = formOf(request?.body);
    expect(Object.keys(form)).toEqual(['channel', 'username', 'icon_url', 'icon_emoji', 'attachments']);
    expect(form).toMatchObject({
      channel: 'general',
      username: 'kustomize-controller',
      icon_url: '',
      icon_emoji: '',
    });
    expect(JSON.parse(form.attachments ?? '')).toEqual(payloadOf(sampleJson).attachments);
    // encode shows exactly the body WebClient sent.
    const [shown] = await slack.encode(sampleEvent);
    expect(shown?.transport === 'http' && shown.body).toBe(request?.body);
  });

  it('keeps a path prefix and query of the address (an Enterprise Grid or relay host)', async () => {
    const server = await receiver({ respondWith: okAnswer });
    await notifier(
      { ...webApi(server.url), address: `${server.url}/relay/api/chat.postMessage?team=T1` },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.path).toBe('/relay/api/chat.postMessage?team=T1');
  });

  it('maps ok:false to REJECTED with Slack error code, without showing the token', async () => {
    const server = await receiver({
      respondWith: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: '{"ok":false,"error":"too_many_attachments"}',
      },
    });
    const error = await rejection(notifier(webApi(server.url, fast), { providers }).post(sampleEvent));
    expect(error).toMatchObject({ code: 'REJECTED', status: 200, retryable: false, providerType: 'slack' });
    expect(error.message).toContain('Slack responded with error: too_many_attachments');
    expect(server.requests).toHaveLength(1);
    expect(JSON.stringify({ message: error.message, cause: String(error.cause) })).not.toContain(TOKEN);
  });

  it('refuses a 2xx whose JSON is not an object, or whose ok is not true, as REJECTED with the status', async () => {
    for (const body of ['null', '42', '"ok"', '[]', '{"ok":"true"}', '{}']) {
      const server = await receiver({
        respondWith: { status: 200, headers: { 'content-type': 'application/json' }, body },
      });
      const error = await rejection(notifier(webApi(server.url, fast), { providers }).post(sampleEvent));
      expect(error, body).toMatchObject({ code: 'REJECTED', status: 200, retryable: false });
      expect(error.message, body).not.toContain('TypeError');
      expect(error.message, body).not.toMatch(/Cannot|undefined/);
      expect(server.requests, body).toHaveLength(1);
    }
  });

  it('reads a JSON error body on a non-retryable status as REJECTED, without retrying', async () => {
    const server = await receiver({
      respondWith: { status: 400, body: '{"ok":false,"error":"invalid_auth"}' },
    });
    const error = await rejection(notifier(webApi(server.url, fast), { providers }).post(sampleEvent));
    expect(error).toMatchObject({ code: 'REJECTED', status: 400 });
    expect(error.message).toContain('Slack responded with error: invalid_auth');
    expect(server.requests).toHaveLength(1);
  });

  it('fails with HTTP_STATUS on a non-JSON 4xx body, without retrying', async () => {
    const server = await receiver({ respondWith: { status: 404, body: 'not found' } });
    const error = await rejection(notifier(webApi(server.url, fast), { providers }).post(sampleEvent));
    expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 404, retryable: false });
    expect(error.message).toContain('not found');
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after spec.retry.retries and says how many attempts were made', async () => {
    const server = await receiver({ defaultResponse: { status: 503, body: 'down' } });
    const error = await rejection(
      notifier(webApi(server.url, { retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } }), {
        providers,
      }).post(sampleEvent),
    );
    expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 503, retryable: true });
    expect(error.message).toContain('after 3 attempts');
    expect(server.requests).toHaveLength(3);
  });

  it('sends custom headers, but none replaces the Bearer token or the form content type', async () => {
    const server = await receiver({ defaultResponse: okAnswer });
    const headers = { Authorization: 'Bearer intruder', 'content-type': 'text/plain', 'X-Team': 'ops' };
    await notifier(webApi(server.url, { headers }), { providers }).post(sampleEvent);
    const [request] = server.requests;
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers['x-team']).toBe('ops');
    // Without a token, the spec's own Authorization is the only credential and is sent.
    await notifier(webApi(server.url, { headers, token: undefined }), { providers }).post(sampleEvent);
    expect(server.requests[1]?.headers.authorization).toBe('Bearer intruder');
  });

  it('prefers the token over userinfo in the address for Authorization', async () => {
    const server = await receiver({ defaultResponse: okAnswer });
    const withUserinfo = server.url.replace('://', '://user:pass@');
    await notifier(webApi(withUserinfo), { providers }).post(sampleEvent);
    await notifier(webApi(withUserinfo, { token: undefined }), { providers }).post(sampleEvent);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(server.requests[1]?.headers.authorization).toBe(
      `Basic ${Buffer.from('user:pass').toString('base64')}`,
    );
  });

  it('does not retry 501', async () => {
    const server = await receiver({ defaultResponse: { status: 501 } });
    const error = await rejection(notifier(webApi(server.url, fast), { providers }).post(sampleEvent));
    expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 501 });
    expect(server.requests).toHaveLength(1);
  });

  it("sends through a caller's dispatcher (undici MockAgent), never the network", async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    let seenBody = '';
    agent
      .get('https://slack.com')
      .intercept({ path: '/api/chat.postMessage', method: 'POST' })
      .reply(200, (options) => {
        seenBody = String(options.body);
        return { ok: true };
      });
    try {
      await notifier(
        {
          type: 'slack',
          address: 'https://slack.com/api/chat.postMessage',
          token: TOKEN,
          channel: 'general',
        },
        { providers, dispatcher: agent },
      ).post(sampleEvent);
      agent.assertNoPendingInterceptors();
      expect(seenBody).toBe(encodeSlackWebApiForm(sampleEvent, { channel: 'general' }));
    } finally {
      await agent.close();
    }
  });

  it('loads @slack/web-api on the first Web API post only, not at import or createNotifier', async () => {
    await withPeerMissing('@slack/web-api', async (loads) => {
      const fresh = await import('@notiflux/providers/slack');
      const slack = notifier(webApi('http://127.0.0.1:9'), { providers: [fresh.slackProvider] });
      expect(loads).not.toHaveBeenCalled();
      await rejection(slack.post(sampleEvent));
      expect(loads).toHaveBeenCalledTimes(1);
    });
  });
});

describe('slack payload', () => {
  const encodeBody = (event: Event, spec: { channel?: string; username?: string } = {}) =>
    payloadOf(encodeSlackPayload(event, spec));

  it('colours info and other severities good, errors danger; reason does not matter', () => {
    expect(encodeBody({ ...sampleEvent, severity: 'info', reason: 'Progressing' }).attachments[0].color).toBe(
      'good',
    );
    expect(encodeBody({ ...sampleEvent, severity: 'trace' }).attachments[0].color).toBe('good');
    expect(encodeBody(sampleEvent).attachments[0].color).toBe('danger');
  });

  it('sends fields: [] without metadata and keeps every key present', () => {
    const { metadata: _dropped, ...withoutMetadata } = sampleEvent;
    const body = encodeSlackPayload(withoutMetadata, {});
    expect(body).toContain('"fields":[]');
    expect(JSON.parse(body).attachments[0].fields).toEqual([]);
    expect(Object.keys(JSON.parse(body) as object)).toEqual([
      'channel',
      'username',
      'icon_url',
      'icon_emoji',
      'attachments',
    ]);
  });

  it('sorts many metadata keys', () => {
    const metadata = Object.fromEntries(
      ['zeta', 'alpha', 'Beta', 'mid', '_x', 'a1'].map((key) => [key, `v-${key}`]),
    );
    const fields = encodeBody({ ...sampleEvent, metadata }).attachments[0].fields;
    expect(fields.map((field) => field.title)).toEqual(['Beta', '_x', 'a1', 'alpha', 'mid', 'zeta']);
    expect(fields.every((field) => field.short === false && field.value === `v-${field.title}`)).toBe(true);
  });

  it('uses the first line of a multi-line message as fallback and keeps the text whole', () => {
    const message = 'line one\r\nline two\nline three';
    const attachment = encodeBody({ ...sampleEvent, message }).attachments[0];
    expect(attachment.fallback).toBe('kustomization/webapp.apps: line one\r');
    expect(attachment.text).toBe(message);
    expect(encodeBody({ ...sampleEvent, message: '' }).attachments[0].fallback).toBe(
      'kustomization/webapp.apps: ',
    );
  });

  it('escapes <, > and & as Go does and keeps unicode and markdown as is', () => {
    const message = '*bold* _it_ `code` <https://x|link> & 🚀 — ünïcödé';
    const body = encodeSlackPayload({ ...sampleEvent, message }, {});
    expect(body).toContain('\\u003chttps://x|link\\u003e \\u0026 🚀 — ünïcödé');
    expect(payloadOf(body).attachments[0].text).toBe(message);
  });

  it('does not shorten long text (Slack truncates itself)', () => {
    const message = 'x'.repeat(50_000);
    expect(encodeBody({ ...sampleEvent, message }).attachments[0].text).toBe(message);
  });

  it('leaves a trailing dot for an empty namespace and lower-cases only the kind', () => {
    const event: Event = {
      ...sampleEvent,
      involvedObject: { kind: 'HelmRelease', name: 'Podinfo', namespace: '' },
    };
    expect(encodeBody(event).attachments[0].author_name).toBe('helmrelease/Podinfo.');
  });

  it('form-encodes the Web API arguments as WebClient does', () => {
    const form = formOf(encodeSlackWebApiForm(sampleEvent, { channel: 'C123' }));
    expect(form.channel).toBe('C123');
    expect(JSON.parse(form.attachments ?? '')).toEqual(payloadOf(sampleJson).attachments);
  });

  it('tells the modes apart by the address path', () => {
    expect(isSlackWebApiAddress('https://slack.com/api/chat.postMessage')).toBe(true);
    expect(isSlackWebApiAddress('https://slack.com/api/chat.postMessage/')).toBe(true);
    expect(isSlackWebApiAddress('https://grid.enterprise.slack.com/api/chat.postMessage?x=1')).toBe(true);
    expect(isSlackWebApiAddress('https://hooks.slack.com/services/T/B/X')).toBe(false);
    expect(isSlackWebApiAddress('https://slack.com/api/chat.update')).toBe(false);
  });
});

describe('slack encode and validation', () => {
  afterEach(() => vi.restoreAllMocks());

  it('encodes the webhook request with the path and token redacted', async () => {
    const slack = createNotifier(
      {
        type: 'slack',
        address: `https://hooks.slack.com/services/${WEBHOOK_SECRET}`,
        token: TOKEN,
        channel: 'general',
      },
      { providers },
    );
    expect(await slack.encode(sampleEvent)).toEqual([
      {
        transport: 'http',
        method: 'POST',
        url: 'https://hooks.slack.com/<redacted>',
        headers: { 'Content-Type': 'application/json', Authorization: '<redacted>' },
        body: sampleJson,
      },
    ]);
  });

  it('encodes the Web API request as the form WebClient sends, token redacted', async () => {
    const slack = createNotifier(
      { type: 'slack', address: 'https://slack.com/api/chat.postMessage', token: TOKEN, channel: 'general' },
      { providers },
    );
    const [shown] = await slack.encode(sampleEvent);
    expect(shown).toEqual({
      transport: 'http',
      method: 'POST',
      url: 'https://slack.com/api/chat.postMessage',
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: '<redacted>',
      },
      body: encodeSlackWebApiForm(sampleEvent, { channel: 'general' }),
    });
    expect(JSON.stringify(shown)).not.toContain(TOKEN);
  });

  it('requires an absolute http(s) address, naming the field', () => {
    for (const address of [undefined, '', 'hooks.slack.com/services/x', 'ftp://hooks.slack.com', '/hook']) {
      const attempt = () =>
        createNotifier({ type: 'slack', ...(address === undefined ? {} : { address }) }, { providers });
      expect(attempt).toThrow(NotifierError);
      expect(attempt).toThrow(/^invalid slack provider spec: address: /);
    }
  });
});
