import type { AttemptInfo } from '@notiflux/providers';
import { createNotifier, NotifierError } from '@notiflux/providers';
import larkDefault, { encodeLarkPayload, larkProvider, larkRejectReason } from '@notiflux/providers/lark';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import { sampleEvent, upstreamTestEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();

const providers = [larkProvider];
const hookPath = '/open-apis/bot/v2/hook/0f8e5a1c-lark-bot-token';

/** The spec's wire body for the sample event. */
const sampleBody = String.raw`{"msg_type":"interactive","card":{"config":{"wide_screen_mode":true},"header":{"title":{"tag":"plain_text","content":"🚨 kustomization/webapp.apps"},"template":"red"},"elements":[{"tag":"div","text":{"tag":"lark_md","content":"**service/apps/webapp validation error: spec.type: Unsupported value: Ingress**\n\nrevision: main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1\nsummary: Cluster: prod-eu\n"}}]}}`;

async function localLark(spec: Record<string, unknown> = {}, onAttempt?: (info: AttemptInfo) => void) {
  const server = await receiver();
  const created = notifier(
    { type: 'lark', address: `${server.url}${hookPath}`, ...spec },
    { providers, ...(onAttempt ? { onAttempt } : {}) },
  );
  return { server, notifier: created };
}

const contentOf = (payload: ReturnType<typeof encodeLarkPayload>) => payload.card.elements[0].text.content;

describe('lark', () => {
  it('POSTs the sample event as an interactive card to the webhook, byte for byte', async () => {
    const { server, notifier: lark } = await localLark();
    await lark.post(sampleEvent);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(hookPath);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toBe(sampleBody);
  });

  it('uses 💫 and turquoise for anything but error (the upstream test event)', async () => {
    const { server, notifier: lark } = await localLark();
    await lark.post(upstreamTestEvent);
    await lark.post({ ...sampleEvent, severity: 'trace' });
    const upstream = JSON.parse(server.requests[0]?.body ?? '');
    expect(upstream.card.header).toEqual({
      title: { tag: 'plain_text', content: '💫 gitrepository/webapp.gitops-system' },
      template: 'turquoise',
    });
    expect(contentOf(upstream)).toBe('**message**\n\ntest: metadata\n');
    expect(JSON.parse(server.requests[1]?.body ?? '').card.header.template).toBe('turquoise');
  });

  it('ends the content after the blank line when there is no metadata', () => {
    const payload = encodeLarkPayload({ ...sampleEvent, metadata: undefined });
    expect(contentOf(payload)).toBe(
      '**service/apps/webapp validation error: spec.type: Unsupported value: Ingress**\n\n',
    );
    expect(payload.card.elements).toHaveLength(1);
    expect(
      encodeLarkPayload({ ...sampleEvent, involvedObject: { kind: 'Bucket', name: 'b' } }).card.header.title
        .content,
    ).toBe('🚨 bucket/b.');
  });

  it('lists many metadata entries sorted by key', () => {
    const metadata: Record<string, string> = {};
    for (let index = 25; index > 0; index--) metadata[`key${String(index).padStart(2, '0')}`] = `v${index}`;
    const lines = contentOf(encodeLarkPayload({ ...sampleEvent, metadata })).split('\n');
    expect(lines.slice(2, -1)).toEqual(
      Array.from({ length: 25 }, (_, index) => `key${String(index + 1).padStart(2, '0')}: v${index + 1}`),
    );
    expect(lines.at(-1)).toBe('');
  });

  it('keeps multi-line, unicode and Markdown/HTML text verbatim, with Go-style JSON escapes', async () => {
    const { server, notifier: lark } = await localLark();
    const message = 'first *line* <b>&</b>\nzweite Zeile — größer ✓ 😀 [link](x) _under_';
    await lark.post({ ...sampleEvent, message, metadata: { 'a<b': 'x&y' } });
    const body = server.requests[0]?.body ?? '';
    expect(body).not.toMatch(/[<>&]/);
    expect(body).toContain('\\u003cb\\u003e\\u0026\\u003c/b\\u003e');
    expect(contentOf(JSON.parse(body))).toBe(`**${message}**\n\na<b: x&y\n`);
  });

  it('sends a long message whole (the spec gives Lark no limit)', async () => {
    const { server, notifier: lark } = await localLark();
    const message = 'x'.repeat(20_000);
    await lark.post({ ...sampleEvent, message });
    expect(contentOf(JSON.parse(server.requests[0]?.body ?? ''))).toContain(message);
  });

  it('refuses a 2xx answer with a non-zero code (REJECTED), without retrying', async () => {
    const { server, notifier: lark } = await localLark({ retry: { minDelayMs: 1 } });
    server.respondWith({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"}',
    });
    const error = await lark.post(sampleEvent).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotifierError);
    expect(error).toMatchObject({ code: 'REJECTED', status: 200, providerType: 'lark' });
    expect((error as Error).message).toContain('Lark code 19021: sign match fail');
    expect((error as Error).message).not.toContain('lark-bot-token');
    expect(server.requests).toHaveLength(1);
  });

  it('accepts code 0, an empty body and a body that is not JSON', async () => {
    const { server, notifier: lark } = await localLark();
    server.respondWith([
      { body: '{"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"}' },
      { body: '' },
      { body: 'ok' },
    ]);
    for (let index = 0; index < 3; index++) await lark.post(sampleEvent);
    expect(server.requests).toHaveLength(3);
    expect(larkRejectReason({ status: 200, headers: {}, body: '{"code":9499,"msg":"Bad Request"}' })).toBe(
      'Lark code 9499: Bad Request',
    );
    expect(larkRejectReason({ status: 200, headers: {}, body: '{"code":1}' })).toBe('Lark code 1');
    expect(larkRejectReason({ status: 200, headers: {}, body: '[1]' })).toBeUndefined();
  });

  it('keeps the webhook token out of errors and onAttempt reports, retrying 5xx', async () => {
    const attempts: AttemptInfo[] = [];
    const { server, notifier: lark } = await localLark({ retry: { retries: 1, minDelayMs: 1 } }, (info) =>
      attempts.push(info),
    );
    server.respondWith(() => ({ status: 500, body: 'internal error' }));
    const error = await lark.post(sampleEvent).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 500 });
    expect(server.requests).toHaveLength(2);
    expect((error as Error).message).toContain(`${server.url}/<redacted>`);
    expect(JSON.stringify([(error as Error).message, attempts])).not.toMatch(/lark-bot-token|open-apis/);

    server.respondWith({
      status: 400,
      body: '{"code":19001,"msg":"param invalid: incoming webhook access token invalid"}',
    });
    const badRequest = await lark.post(sampleEvent).catch((caught: unknown) => caught);
    expect(badRequest).toMatchObject({ code: 'HTTP_STATUS', status: 400 });
    expect((badRequest as Error).message).toContain('token invalid');
    expect((badRequest as Error).message).not.toContain('lark-bot-token');
  });

  it('encodes the request with the webhook path redacted', async () => {
    const lark = createNotifier(
      { type: 'lark', address: 'https://open.larksuite.com/open-apis/bot/v2/hook/abc-123' },
      { providers },
    );
    const encoded = await lark.encode(sampleEvent);
    expect(encoded).toEqual([
      {
        transport: 'http',
        method: 'POST',
        url: 'https://open.larksuite.com/<redacted>',
        headers: { 'Content-Type': 'application/json' },
        body: sampleBody,
      },
    ]);
    expect(JSON.stringify(encoded)).not.toContain('abc-123');
  });

  it('takes the address from the Secret and Basic auth from its userinfo', async () => {
    const server = await receiver();
    const address = `${server.url.replace('://', '://bot:s3cret@')}${hookPath}`;
    await notifier(
      { type: 'lark', address: 'https://ignored.example.com/', secret: { address } },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.path).toBe(hookPath);
    expect(server.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('bot:s3cret').toString('base64')}`,
    );
  });

  it('requires an absolute http(s) address, saying it is the Lark webhook', () => {
    for (const address of [undefined, '', 'open.larksuite.com/hook', 'ftp://open.larksuite.com/x', '/hook']) {
      const attempt = () =>
        createNotifier({ type: 'lark', ...(address === undefined ? {} : { address }) }, { providers });
      expect(attempt).toThrow(NotifierError);
      expect(attempt).toThrow(/^invalid lark provider spec: address: .*Lark/);
    }
  });

  it('exports the provider as default', () => {
    expect(larkDefault).toBe(larkProvider);
    expect(larkProvider.type).toBe('lark');
  });
});
