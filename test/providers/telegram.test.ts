import type { AttemptInfo, Event } from '@notiflux/providers';
import { createNotifier, createNotifierFromAnySpec, NotifierError } from '@notiflux/providers';
import telegramDefault, {
  createTelegramProvider,
  encodeTelegramPayload,
  escapeTelegramMarkdownV2,
  formatTelegramText,
  shortenTelegramText,
  TELEGRAM_TEXT_LIMIT,
  telegramProvider,
} from '@notiflux/providers/telegram';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import { sampleEvent, upstreamTestEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();

const token = '123456789:AAH-fake_Token-for-notiflux-tests';
const providers = [telegramProvider];

/** The spec's wire body for the sample event and channel `-1001234567890:42`. */
const sampleBody = String.raw`{"chat_id":"-1001234567890","message_thread_id":"42","text":"*🚨 kustomization/webapp/apps*\nservice/apps/webapp validation error: spec\\.type: Unsupported value: Ingress\n\\- *revision*: main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1\n\\- *summary*: Cluster: prod\\-eu\n","parse_mode":"MarkdownV2"}`;

/** A notifier whose Bot API is the local recording server. */
async function localTelegram(spec: Record<string, unknown> = {}, onAttempt?: (info: AttemptInfo) => void) {
  const server = await receiver();
  const provider = createTelegramProvider({ apiBaseUrl: server.url });
  const created = notifier(
    { type: 'telegram', channel: '-1001234567890:42', token, ...spec },
    { providers: [provider], ...(onAttempt ? { onAttempt } : {}) },
  );
  return { server, notifier: created };
}

async function sentText(event: Event, spec: Record<string, unknown> = {}): Promise<string> {
  const { server, notifier: telegram } = await localTelegram(spec);
  await telegram.post(event);
  return JSON.parse(server.requests[0]?.body ?? '').text;
}

/** Whether `text` is well-formed for our MarkdownV2: no dangling backslash, bold markers paired. */
function isBalancedMarkdownV2(text: string): boolean {
  let stars = 0;
  for (let index = 0; index < text.length; index++) {
    if (text[index] === '\\') {
      if (index === text.length - 1) return false;
      index++;
    } else if (text[index] === '*') stars++;
  }
  return stars % 2 === 0;
}

describe('telegram', () => {
  it('POSTs the sample event to /bot<token>/sendMessage as MarkdownV2 JSON, byte for byte', async () => {
    const { server, notifier: telegram } = await localTelegram();
    await telegram.post(sampleEvent);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/bot${token}/sendMessage`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toBe(sampleBody);
    expect(JSON.parse(request?.body ?? '').text.split('\n')).toEqual([
      '*🚨 kustomization/webapp/apps*',
      'service/apps/webapp validation error: spec\\.type: Unsupported value: Ingress',
      '\\- *revision*: main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1',
      '\\- *summary*: Cluster: prod\\-eu',
      '',
    ]);
  });

  it('uses 💫 for info and sends no thread for a plain chat or @channel', async () => {
    const { server, notifier: telegram } = await localTelegram({ channel: '@fluxcd', secret: { token } });
    await telegram.post({ ...sampleEvent, severity: 'info' });
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      chat_id: '@fluxcd',
      text: '*💫 kustomization/webapp/apps*\nservice/apps/webapp validation error: spec\\.type: Unsupported value: Ingress\n\\- *revision*: main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1\n\\- *summary*: Cluster: prod\\-eu\n',
      parse_mode: 'MarkdownV2',
    });
    expect(server.requests[0]?.body).not.toContain('message_thread_id');
    expect(server.requests[0]?.path).toBe(`/bot${token}/sendMessage`);
  });

  it('matches the upstream test: 5 lines with escaped metadata keys and values', async () => {
    const text = await sentText(
      {
        ...upstreamTestEvent,
        metadata: { ...upstreamTestEvent.metadata, 'kubernetes.io/somekey': 'some.value' },
      },
      { channel: 'channel' },
    );
    expect(text.split('\n')).toEqual([
      '*💫 gitrepository/webapp/gitops\\-system*',
      'message',
      '\\- *kubernetes\\.io/somekey*: some\\.value',
      '\\- *test*: metadata',
      '',
    ]);
  });

  it('splits the channel at its first colon into chat and forum topic', () => {
    expect(encodeTelegramPayload(sampleEvent, 'channel')).not.toHaveProperty('message_thread_id');
    expect(encodeTelegramPayload(sampleEvent, 'channel:thread')).toMatchObject({
      chat_id: 'channel',
      message_thread_id: 'thread',
    });
    const emptyTopic = encodeTelegramPayload(sampleEvent, 'x:');
    expect(emptyTopic.chat_id).toBe('x');
    expect(emptyTopic).not.toHaveProperty('message_thread_id');
    expect(encodeTelegramPayload(sampleEvent, '-100123:42:7')).toMatchObject({
      chat_id: '-100123',
      message_thread_id: '42:7',
    });
    expect(Object.keys(encodeTelegramPayload(sampleEvent, 'a:1'))).toEqual([
      'chat_id',
      'message_thread_id',
      'text',
      'parse_mode',
    ]);
  });

  it('escapes each of the 19 MarkdownV2 characters once, in message, keys and values', async () => {
    const special = '\\._-[]()~>`#+=|{}!*';
    expect(escapeTelegramMarkdownV2(special)).toBe(
      '\\\\\\.\\_\\-\\[\\]\\(\\)\\~\\>\\`\\#\\+\\=\\|\\{\\}\\!\\*',
    );
    expect(escapeTelegramMarkdownV2('a-')).toBe('a\\-');
    expect(escapeTelegramMarkdownV2('already \\. escaped')).toBe('already \\\\\\. escaped');
    const text = await sentText({
      ...sampleEvent,
      message: `say ${special}`,
      metadata: { [`k${special}`]: `v${special}` },
    });
    const escaped = escapeTelegramMarkdownV2(special);
    expect(text).toBe(`*🚨 kustomization/webapp/apps*\nsay ${escaped}\n\\- *k${escaped}*: v${escaped}\n`);
    expect(isBalancedMarkdownV2(text)).toBe(true);
  });

  it('keeps HTML characters, unicode and line breaks, with Go-style JSON escapes on the wire', async () => {
    const { server, notifier: telegram } = await localTelegram();
    const message = 'line one <b &amp; c\nzweite Zeile: größer ✓ 😀\n\tindented';
    await telegram.post({ ...sampleEvent, message, metadata: undefined });
    const body = server.requests[0]?.body ?? '';
    expect(body).toContain('line one \\u003cb \\u0026amp; c');
    expect(body).not.toMatch(/[<>&]/);
    expect(JSON.parse(body).text).toBe(`*🚨 kustomization/webapp/apps*\n${message}\n`);
  });

  it('writes only the heading and the message when there is no metadata', () => {
    expect(formatTelegramText({ ...sampleEvent, metadata: {} })).toBe(
      '*🚨 kustomization/webapp/apps*\nservice/apps/webapp validation error: spec\\.type: Unsupported value: Ingress\n',
    );
    expect(
      formatTelegramText({ ...sampleEvent, involvedObject: { kind: 'HelmRelease', name: 'podinfo' } }),
    ).toMatch(/^\*🚨 helmrelease\/podinfo\/\*\n/);
  });

  it('lists many metadata entries sorted by key', () => {
    const metadata: Record<string, string> = {};
    for (let index = 30; index > 0; index--)
      metadata[`key${String(index).padStart(2, '0')}`] = `value ${index}`;
    const lines = formatTelegramText({ ...sampleEvent, metadata })
      .split('\n')
      .slice(2, -1);
    expect(lines).toHaveLength(30);
    expect(lines[0]).toBe('\\- *key01*: value 1');
    expect(lines[29]).toBe('\\- *key30*: value 30');
  });

  it('shortens a text over 4096 characters visibly, keeping the escaping intact', async () => {
    const message = `${'a.'.repeat(3000)}END`;
    const text = await sentText({ ...sampleEvent, message });
    expect(text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(text.startsWith('*🚨 kustomization/webapp/apps*\na\\.a\\.')).toBe(true);
    expect(text.endsWith('\n… \\(truncated\\)')).toBe(true);
    expect(text).not.toContain('END');
    expect(isBalancedMarkdownV2(text)).toBe(true);
    // Every cut position: never a lone backslash, never an open bold.
    const long = formatTelegramText({
      ...sampleEvent,
      message: '.'.repeat(200),
      metadata: { ['k'.repeat(50)]: 'v' },
    });
    for (let limit = 40; limit < long.length; limit++) {
      const cut = shortenTelegramText(long, limit);
      expect(cut.length).toBeLessThanOrEqual(limit);
      expect(isBalancedMarkdownV2(cut), `limit ${limit}`).toBe(true);
      expect(cut.endsWith('\n… \\(truncated\\)')).toBe(true);
    }
    expect(shortenTelegramText(long, long.length)).toBe(long);
  });

  it('shortens when the metadata is what is long, closing no bold half-way', async () => {
    const text = await sentText({ ...sampleEvent, metadata: { ['key-'.repeat(1500)]: 'value' } });
    expect(text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(isBalancedMarkdownV2(text)).toBe(true);
    expect(text).toContain('service/apps/webapp validation error');
  });

  it('ignores address: the API is always https://api.telegram.org', async () => {
    const telegram = createNotifier(
      { type: 'telegram', address: 'https://example.com/elsewhere', channel: '@fluxcd', token },
      { providers },
    );
    const [message] = await telegram.encode(sampleEvent);
    expect(message).toMatchObject({ url: 'https://api.telegram.org/bot<redacted>/sendMessage' });
  });

  it('encodes the request with the token redacted from the URL', async () => {
    const telegram = createNotifier(
      { type: 'telegram', channel: '-1001234567890:42', secret: { token: ` ${token} ` } },
      { providers },
    );
    const encoded = await telegram.encode(sampleEvent);
    expect(encoded).toEqual([
      {
        transport: 'http',
        method: 'POST',
        url: 'https://api.telegram.org/bot<redacted>/sendMessage',
        headers: { 'Content-Type': 'application/json' },
        body: sampleBody,
      },
    ]);
    expect(JSON.stringify(encoded)).not.toContain('AAH-fake');
  });

  it('hides the whole path when the token would not appear verbatim in the URL', async () => {
    const odd = 'odd token"with{quotes}';
    const telegram = createNotifier({ type: 'telegram', channel: '@fluxcd', token: odd }, { providers });
    const [message] = await telegram.encode(sampleEvent);
    expect(message).toMatchObject({ url: 'https://api.telegram.org/<redacted>' });
    expect(JSON.stringify(message)).not.toMatch(/quotes|%22/);
  });

  it('requires channel and token, naming each field, channel first', () => {
    const attempt = (spec: Record<string, unknown>) => () =>
      createNotifierFromAnySpec({ type: 'telegram', ...spec }, { providers });
    expect(attempt({ token })).toThrow(NotifierError);
    expect(attempt({ token })).toThrow(/^invalid telegram provider spec: channel: required/);
    expect(attempt({ channel: '@fluxcd' })).toThrow(
      /^invalid telegram provider spec: token: required \(the bot token\)$/,
    );
    expect(attempt({ channel: '@fluxcd', token: '   ' })).toThrow(/token: required/);
    expect(attempt({ channel: '', token: '' })).toThrow(/channel: required.*; token: required/);
    expect(() =>
      createNotifier({ type: 'telegram', channel: 'any:thing', token: 'x' }, { providers }),
    ).not.toThrow();
  });

  it('exports the provider as default and a factory with the same identity', () => {
    expect(telegramDefault).toBe(telegramProvider);
    expect(telegramProvider.type).toBe('telegram');
    expect(createTelegramProvider({ apiBaseUrl: 'http://127.0.0.1:1/' }).type).toBe('telegram');
  });
});
