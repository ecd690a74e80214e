import { stringifyLikeGo } from '@notiflux/core';
import { createNotifier, NotifierError } from '@notiflux/providers';
import { formatWebexMarkdown, webexProvider } from '@notiflux/providers/webex';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import { sampleEvent, upstreamTestEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();
const providers = [webexProvider];

const roomId = 'Y2lzY29zcGFyazovL3VzL1JPT00vMTIz';
const botToken = 'NzQ5ZjE2YmMtYjg2Ni00ZTYxLWE2ZjMtM2JiZGIxY2Q2ZDM3_PF84_1eb65fdf-9643-417f-9974-ad72cae0e10f';

const sampleMarkdown =
  '💣 **kustomization/webapp.apps**\nservice/apps/webapp validation error: spec.type: Unsupported value: Ingress\n>**revision**: main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1\n>**summary**: Cluster: prod-eu\n';

describe('webex', () => {
  it('POSTs roomId and Markdown with the bot token', async () => {
    const server = await receiver({ respondWith: { status: 200, body: '{"id":"m1"}' } });
    await notifier(
      { type: 'webex', address: `${server.url}/v1/messages`, channel: roomId, token: botToken },
      { providers },
    ).post(sampleEvent);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/messages');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBe(`Bearer ${botToken}`);
    expect(request?.body).toBe(stringifyLikeGo({ roomId, markdown: sampleMarkdown }));
    expect(request?.body).toContain('\\u003e**revision**');
  });

  it('starts info and trace messages with ✅, and posts the upstream test event', async () => {
    for (const severity of ['info', 'trace'] as const) {
      expect(formatWebexMarkdown({ ...sampleEvent, severity })).toBe(sampleMarkdown.replace('💣', '✅'));
    }
    const server = await receiver();
    await notifier(
      { type: 'webex', address: server.url, channel: 'room', token: 'token' },
      { providers },
    ).post(upstreamTestEvent);
    expect(server.requests[0]?.path).toBe('/');
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      roomId: 'room',
      markdown: '✅ **gitrepository/webapp.gitops-system**\nmessage\n>**test**: metadata\n',
    });
  });

  it('writes no block-quote lines without metadata', () => {
    const expected =
      '💣 **kustomization/webapp.apps**\nservice/apps/webapp validation error: spec.type: Unsupported value: Ingress\n';
    expect(formatWebexMarkdown({ ...sampleEvent, metadata: undefined })).toBe(expected);
    expect(formatWebexMarkdown({ ...sampleEvent, metadata: {} })).toBe(expected);
  });

  it('one line per metadata entry, sorted by key', () => {
    const metadata = Object.fromEntries(
      ['zeta', 'summary', 'alpha', 'Beta', '_x', 'ümlaut'].map((key) => [key, `v-${key}`]),
    );
    expect(formatWebexMarkdown({ ...sampleEvent, severity: 'info', message: 'm', metadata })).toBe(
      '✅ **kustomization/webapp.apps**\nm\n>**Beta**: v-Beta\n>**_x**: v-_x\n>**alpha**: v-alpha\n>**summary**: v-summary\n>**zeta**: v-zeta\n>**ümlaut**: v-ümlaut\n',
    );
  });

  it('keeps multi-line, unicode, Markdown and HTML text verbatim, never shortened', async () => {
    const server = await receiver();
    const message = `line 1\nline 2 **bold** _it_ <b>&amp;</b> [l](https://x) 🚀 日本語\n${'z'.repeat(20_000)}`;
    await notifier(
      { type: 'webex', address: server.url, channel: roomId, token: botToken },
      { providers },
    ).post({
      ...sampleEvent,
      message,
      metadata: { 'k*<&>': 'v_`x`' },
    });
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      roomId,
      markdown: `💣 **kustomization/webapp.apps**\n${message}\n>**k*<&>**: v_\`x\`\n`,
    });
    expect(server.requests[0]?.bodyBytes.toString('utf8')).toContain('🚀 日本語');
  });

  it('takes the token from the Secret, trimmed', async () => {
    const server = await receiver();
    await notifier(
      {
        type: 'webex',
        address: server.url,
        channel: roomId,
        secret: { token: `  ${botToken}\n` },
      },
      { providers },
    ).post(sampleEvent);
    const headers = server.requests[0]?.headers;
    expect(headers?.authorization).toBe(`Bearer ${botToken}`);
  });

  it('requires an absolute http(s) address, a channel and a token, naming the field', () => {
    const valid = {
      type: 'webex',
      address: 'https://webexapis.com/v1/messages',
      channel: roomId,
      token: botToken,
    };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ address: undefined }, /^invalid webex provider spec: address: /],
      [
        { address: 'webexapis.com/v1/messages' },
        /^invalid webex provider spec: address: must be an absolute http\(s\) URL/,
      ],
      [{ address: 'mailto:bot@webex.com' }, /^invalid webex provider spec: address: /],
      [{ channel: undefined }, /^invalid webex provider spec: channel: required \(the Webex room ID\)/],
      [{ channel: '' }, /^invalid webex provider spec: channel: required \(the Webex room ID\)/],
      [{ token: undefined }, /^invalid webex provider spec: token: required \(the bot access token\)/],
      [{ token: '   ' }, /^invalid webex provider spec: token: required \(the bot access token\)/],
    ];
    for (const [change, message] of cases) {
      const spec = { ...valid, ...change } as Parameters<typeof createNotifier>[0];
      const attempt = () => createNotifier(spec, { providers });
      expect(attempt).toThrow(NotifierError);
      expect(attempt).toThrow(message);
    }
    expect(createNotifier(valid as Parameters<typeof createNotifier>[0], { providers }).type).toBe('webex');
  });
});
