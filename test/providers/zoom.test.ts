import { createNotifier, NotifierError } from '@notiflux/providers';
import { encodeZoomPayload, zoomProvider, zoomWebhookUrl } from '@notiflux/providers/zoom';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import { sampleEvent, upstreamTestEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();
const providers = [zoomProvider];

const webhookPath = '/chat/webhooks/incomingwebhook/Zm9vYmFyc2VjcmV0d2ViaG9vaw';
const verificationToken = 'zoomVerificationToken-3f9c1a';

const sampleBody =
  '{"content":{"head":{"text":"kustomization/webapp.apps","sub_head":{"text":"error"}},"body":[{"type":"message","text":"service/apps/webapp validation error: spec.type: Unsupported value: Ingress"},{"type":"fields","items":[{"key":"revision","value":"main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1"},{"key":"summary","value":"Cluster: prod-eu"}]}]}}';

interface ReceivedPayload {
  content: {
    head: { text: string; sub_head: { text: string } };
    body: { type: string; text?: string; items?: { key: string; value: string }[] }[];
  };
}

const received = (request: { body: string } | undefined): ReceivedPayload =>
  JSON.parse(request?.body ?? '{}') as ReceivedPayload;

describe('zoom', () => {
  it('POSTs the sample event in the full format with the raw verification token', async () => {
    const server = await receiver();
    await notifier(
      { type: 'zoom', address: `${server.url}${webhookPath}`, token: verificationToken },
      { providers },
    ).post(sampleEvent);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`${webhookPath}?format=full`);
    expect(request?.headers.authorization).toBe(verificationToken);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toBe(sampleBody);
  });

  it('matches the upstream test expectations', async () => {
    const server = await receiver();
    await notifier({ type: 'zoom', address: server.url, token: 'token' }, { providers }).post(
      upstreamTestEvent,
    );
    const [request] = server.requests;
    expect(request?.path).toBe('/?format=full');
    expect(request?.headers.authorization).toBe('token');
    expect(request?.headers['content-type']).toBe('application/json');
    const { content } = received(request);
    expect(content.head.text).toBe('gitrepository/webapp.gitops-system');
    expect(content.head.sub_head.text).toBe('info');
    expect(content.body[0]).toEqual({ type: 'message', text: 'message' });
    expect(content.body[1]?.type).toBe('fields');
    expect(content.body[1]?.items?.[0]).toEqual({ key: 'test', value: 'metadata' });
  });

  it('puts the raw severity in the sub-head and changes nothing else', async () => {
    const server = await receiver();
    const zoom = notifier({ type: 'zoom', address: server.url, token: verificationToken }, { providers });
    await zoom.post({ ...sampleEvent, severity: 'info' });
    await zoom.post({ ...sampleEvent, severity: 'trace' });
    expect(server.requests[0]?.body).toBe(
      sampleBody.replace('"sub_head":{"text":"error"}', '"sub_head":{"text":"info"}'),
    );
    expect(received(server.requests[1]).content.head.sub_head).toEqual({ text: 'trace' });
  });

  it('adds format=full only when format is absent or empty, keeping the other parameters', async () => {
    const server = await receiver();
    for (const query of [
      '?format=message',
      '?b=2&a=1',
      '?format=',
      '?x=1&format=&y=a%20b',
      '?',
      '?format=message&format=',
    ]) {
      await notifier(
        { type: 'zoom', address: `${server.url}/hook${query}`, token: verificationToken },
        { providers },
      ).post(sampleEvent);
    }
    expect(server.requests.map((request) => request.path)).toEqual([
      '/hook?format=message',
      '/hook?b=2&a=1&format=full',
      '/hook?format=full',
      '/hook?x=1&y=a%20b&format=full',
      '/hook?format=full',
      '/hook?format=message&format=',
    ]);
    expect(zoomWebhookUrl('https://integrations.zoom.us/chat/webhooks/incomingwebhook/abc123')).toBe(
      'https://integrations.zoom.us/chat/webhooks/incomingwebhook/abc123?format=full',
    );
  });

  it('leaves out the text of an empty message and the fields item without metadata', async () => {
    const server = await receiver();
    const zoom = notifier({ type: 'zoom', address: server.url, token: verificationToken }, { providers });
    const { metadata: _dropped, ...withoutMetadata } = sampleEvent;
    await zoom.post({ ...withoutMetadata, message: '' });
    await zoom.post({ ...sampleEvent, metadata: {} });
    expect(server.requests[0]?.body).toBe(
      '{"content":{"head":{"text":"kustomization/webapp.apps","sub_head":{"text":"error"}},"body":[{"type":"message"}]}}',
    );
    expect(received(server.requests[1]).content.body).toEqual([
      { type: 'message', text: sampleEvent.message },
    ]);
  });

  it('sends multi-line, unicode and markup characters verbatim', async () => {
    const server = await receiver();
    const message =
      'line one\nline two\r\n\ttabbed — ünïcødé 日本語 🚀\n<b>bold</b> & *md* _x_ `code` [l](u) "q" \\';
    await notifier({ type: 'zoom', address: server.url, token: verificationToken }, { providers }).post({
      ...sampleEvent,
      involvedObject: { kind: 'HelmRelease', name: 'pödinfo', namespace: 'ñs' },
      message,
      metadata: { 'key<&>': 'value "quoted" <tag>' },
    });
    expect(received(server.requests[0]).content).toEqual({
      head: { text: 'helmrelease/pödinfo.ñs', sub_head: { text: 'error' } },
      body: [
        { type: 'message', text: message },
        { type: 'fields', items: [{ key: 'key<&>', value: 'value "quoted" <tag>' }] },
      ],
    });
  });

  it('lists many metadata keys as fields sorted by key', async () => {
    const server = await receiver();
    const metadata: Record<string, string> = {};
    for (const key of ['zeta', 'Alpha', 'beta', 'a10', 'a2', '_under', 'ü']) metadata[key] = `v-${key}`;
    await notifier({ type: 'zoom', address: server.url, token: verificationToken }, { providers }).post({
      ...sampleEvent,
      metadata,
    });
    expect(received(server.requests[0]).content.body[1]?.items?.map((item) => item.key)).toEqual([
      'Alpha',
      '_under',
      'a10',
      'a2',
      'beta',
      'zeta',
      'ü',
    ]);
  });

  it('sends long messages whole (the spec gives no limit)', async () => {
    const server = await receiver();
    const message = 'y'.repeat(30_000);
    await notifier({ type: 'zoom', address: server.url, token: verificationToken }, { providers }).post({
      ...sampleEvent,
      message,
    });
    expect(received(server.requests[0]).content.body[0]).toEqual({ type: 'message', text: message });
  });

  it('sends the verification token, not userinfo in the address, as Authorization', async () => {
    const server = await receiver();
    await notifier(
      {
        type: 'zoom',
        address: server.url.replace('://', '://flux:pa55@'),
        token: verificationToken,
      },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.headers).toMatchObject({
      authorization: verificationToken,
    });
  });

  it('takes the address and token from the Secret, trimmed', async () => {
    const server = await receiver();
    await notifier(
      {
        type: 'zoom',
        address: 'https://integrations.zoom.us/not-used',
        token: 'spec-token',
        secret: { address: ` ${server.url}${webhookPath}\n`, token: `${verificationToken}\n` },
      },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.path).toBe(`${webhookPath}?format=full`);
    expect(server.requests[0]?.headers.authorization).toBe(verificationToken);
  });

  it('encodes the request with the token and the endpoint id redacted', async () => {
    const zoom = createNotifier(
      {
        type: 'zoom',
        address: `https://integrations.zoom.us${webhookPath}`,
        token: verificationToken,
      },
      { providers },
    );
    const encoded = await zoom.encode(sampleEvent);
    expect(encoded).toEqual([
      {
        transport: 'http',
        method: 'POST',
        url: 'https://integrations.zoom.us/<redacted>',
        headers: { 'Content-Type': 'application/json', Authorization: '<redacted>' },
        body: sampleBody,
      },
    ]);
    expect(JSON.stringify(encoded)).not.toContain(verificationToken);
    expect(JSON.stringify(encoded)).not.toContain('incomingwebhook');
    expect(JSON.stringify(encodeZoomPayload(sampleEvent))).toBe(sampleBody);
  });

  it('requires an absolute http(s) address and a token at createNotifier', () => {
    const valid = {
      type: 'zoom',
      address: `https://integrations.zoom.us${webhookPath}`,
      token: verificationToken,
    } as const;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ address: undefined }, /address: /],
      [{ address: 'invalid-url' }, /address: must be an absolute http\(s\) URL/],
      [{ address: 'mailto:x@zoom.us' }, /address: must be an absolute http\(s\) URL/],
      [{ token: undefined }, /token: required \(the verification token/],
      [{ token: '' }, /token: required \(the verification token/],
      [{ token: ' \n' }, /token: required \(the verification token/],
    ];
    for (const [change, message] of cases) {
      const spec: Record<string, unknown> = { ...valid, ...change };
      for (const key of Object.keys(spec)) if (spec[key] === undefined) delete spec[key];
      const attempt = () => createNotifier(spec as typeof valid, { providers });
      expect(attempt).toThrow(NotifierError);
      expect(attempt).toThrow(/^invalid zoom provider spec: /);
      expect(attempt).toThrow(message);
      try {
        attempt();
      } catch (error) {
        expect((error as NotifierError).code).toBe('INVALID_SPEC');
        expect((error as Error).message).not.toContain(verificationToken);
      }
    }
  });
});
