import type { AttemptInfo } from '@notiflux/providers';
import { createNotifier, createNotifierFromAnySpec, NotifierError } from '@notiflux/providers';
import zulipDefault, {
  encodeZulipForm,
  splitZulipChannel,
  zulipMessagesUrl,
  zulipProvider,
} from '@notiflux/providers/zulip';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import { sampleEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();

const providers = [zulipProvider];
const botEmail = 'flux-bot@my-org.zulipchat.com';
const apiKey = 'zulip-api-key-0123456789';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** The spec's exact body for the sample event, channel `general/alerts`. */
const sampleBody =
  'content=%23%23+Flux+Status%0A%0A%E2%9A%A0%EF%B8%8F+Kustomization%2Fapps%2Fwebapp%0A%0Aservice%2Fapps%2Fwebapp+validation+error%3A+spec.type%3A+Unsupported+value%3A+Ingress%0A%0AMetadata%3A%0A%2A+%60revision%60%3A+main%40sha1%3A731f7eaddfb6af01cb2173e18f0f75b0ba780ef1%0A%2A+%60summary%60%3A+Cluster%3A+prod-eu%0A&to=general&topic=alerts&type=stream';

async function localZulip(spec: Record<string, unknown> = {}, onAttempt?: (info: AttemptInfo) => void) {
  const server = await receiver();
  const created = notifier(
    {
      type: 'zulip',
      address: server.url,
      channel: 'general/alerts',
      secret: { username: botEmail, password: apiKey },
      ...spec,
    },
    { providers, ...(onAttempt ? { onAttempt } : {}) },
  );
  return { server, notifier: created };
}

/** The decoded form fields of a recorded body. */
const formOf = (body: string | undefined) => Object.fromEntries(new URLSearchParams(body ?? ''));

describe('zulip', () => {
  it('POSTs the sample event to /api/v1/messages as a Go-encoded form with Basic auth, byte for byte', async () => {
    const { server, notifier: zulip } = await localZulip();
    await zulip.post(sampleEvent);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/api/v1/messages');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.authorization).toBe(basic(botEmail, apiKey));
    expect(request?.body).toBe(sampleBody);
  });

  it('matches the upstream test: info emoji, Kind/namespace/name, sorted metadata', async () => {
    const { server, notifier: zulip } = await localZulip({
      channel: 'general/announcements',
      secret: { username: 'user', password: 'pass' },
    });
    const event = {
      ...sampleEvent,
      severity: 'info' as const,
      involvedObject: { kind: 'Kustomization', namespace: 'default', name: 'test-ks' },
      message: 'Test event message',
      metadata: { key2: 'value2', key1: 'value1' },
    };
    await zulip.post(event);
    await zulip.post({ ...event, severity: 'error' });
    const [info, error] = server.requests;
    expect(info?.headers.authorization).toBe(basic('user', 'pass'));
    expect(formOf(info?.body)).toEqual({
      type: 'stream',
      to: 'general',
      topic: 'announcements',
      content:
        '## Flux Status\n\nℹ️ Kustomization/default/test-ks\n\nTest event message\n\nMetadata:\n* `key1`: value1\n* `key2`: value2\n',
    });
    expect(info?.body).toContain('%E2%84%B9%EF%B8%8F+Kustomization');
    expect(formOf(error?.body).content).toMatch(/^## Flux Status\n\n⚠️ Kustomization\/default\/test-ks\n/);
  });

  it('replaces the address path, keeping the query, and splits the channel at the first slash', async () => {
    const server = await receiver();
    await notifier(
      {
        type: 'zulip',
        address: `${server.url}/zulip/sub?realm=x#frag`,
        channel: 'ops/flux/prod',
        username: 'u',
        password: 'p',
      },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.path).toBe('/api/v1/messages?realm=x');
    expect(formOf(server.requests[0]?.body)).toMatchObject({ to: 'ops', topic: 'flux/prod' });
    expect(zulipMessagesUrl('https://zulip.example.com/api/v1/messages')).toBe(
      'https://zulip.example.com/api/v1/messages',
    );
    expect(splitZulipChannel('a//b')).toEqual({ channel: 'a', topic: '/b' });
  });

  it('escapes every byte outside A-Z a-z 0-9 - _ . ~ as Go does, spaces as +', () => {
    const body = encodeZulipForm(
      { ...sampleEvent, message: "a*b~c'd(e)f!g h+i&j=k%l/m\tn\u00e9😀\ud800", metadata: undefined },
      { channel: 'gen eral', topic: 'a&b' },
    );
    expect(body).toContain(
      '%0A%0Aa%2Ab~c%27d%28e%29f%21g+h%2Bi%26j%3Dk%25l%2Fm%09n%C3%A9%F0%9F%98%80%EF%BF%BD%0A%0AMetadata%3A%0A&',
    );
    expect(body.endsWith('&to=gen+eral&topic=a%26b&type=stream')).toBe(true);
  });

  it('keeps multi-line, unicode and Markdown/HTML text verbatim; drops change_request; no metadata', async () => {
    const { server, notifier: zulip } = await localZulip();
    const message = '**bold** <b>&amp;</b> `code`\nzweite Zeile — größer ✓ 😀';
    await zulip.post({ ...sampleEvent, message, metadata: { change_request: '7', z: '1', a: '2' } });
    await zulip.post({ ...sampleEvent, message, metadata: undefined });
    expect(formOf(server.requests[0]?.body).content).toBe(
      `## Flux Status\n\n⚠️ Kustomization/apps/webapp\n\n${message}\n\nMetadata:\n* \`a\`: 2\n* \`z\`: 1\n`,
    );
    expect(formOf(server.requests[1]?.body).content).toBe(
      `## Flux Status\n\n⚠️ Kustomization/apps/webapp\n\n${message}\n\nMetadata:\n`,
    );
  });

  it('lists many metadata entries sorted by key, and sends a long message whole', async () => {
    const { server, notifier: zulip } = await localZulip();
    const metadata: Record<string, string> = {};
    for (let index = 40; index > 0; index--) metadata[`key${String(index).padStart(2, '0')}`] = `v${index}`;
    const message = 'y'.repeat(20_000);
    await zulip.post({ ...sampleEvent, message, metadata });
    const content = formOf(server.requests[0]?.body).content ?? '';
    expect(content).toContain(`\n\n${message}\n\n`);
    const lines = content.split('Metadata:\n')[1]?.split('\n') ?? [];
    expect(lines.slice(0, -1)).toEqual(
      Array.from(
        { length: 40 },
        (_, index) => `* \`key${String(index + 1).padStart(2, '0')}\`: v${index + 1}`,
      ),
    );
  });

  it('sends Basic auth when only one credential is set, userinfo auth when none is', async () => {
    const server = await receiver();
    await notifier(
      { type: 'zulip', address: server.url, channel: 'a/b', username: 'bot@x' },
      { providers },
    ).post(sampleEvent);
    await notifier({ type: 'zulip', address: server.url, channel: 'a/b' }, { providers }).post(sampleEvent);
    await notifier(
      { type: 'zulip', address: server.url.replace('://', '://bot%40x:k3y@'), channel: 'a/b' },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.headers.authorization).toBe(basic('bot@x', ''));
    expect(server.requests[1]?.headers.authorization).toBeUndefined();
    expect(server.requests[2]?.headers.authorization).toBe(basic('bot@x', 'k3y'));
  });

  it('encodes the request with Authorization redacted and the exact body', async () => {
    const zulip = createNotifier(
      {
        type: 'zulip',
        address: 'https://my-org.zulipchat.com',
        channel: 'general/alerts',
        secret: { username: botEmail, password: apiKey },
      },
      { providers },
    );
    const encoded = await zulip.encode(sampleEvent);
    expect(encoded).toEqual([
      {
        transport: 'http',
        method: 'POST',
        url: 'https://my-org.zulipchat.com/api/v1/messages',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: '<redacted>' },
        body: sampleBody,
      },
    ]);
    expect(JSON.stringify(encoded)).not.toContain(apiKey);
  });

  it('validates address, then the <channel>/<topic> format with upstream wording', () => {
    const attempt = (spec: Record<string, unknown>) => () =>
      createNotifierFromAnySpec(
        { type: 'zulip', address: 'https://zulip.example.com', ...spec },
        { providers },
      );
    expect(attempt({ channel: 'invalid_format' })).toThrow(NotifierError);
    expect(attempt({ channel: 'invalid_format' })).toThrow(
      "invalid zulip provider spec: channel: invalid Zulip channel format, expected <channel>/<topic>, got 'invalid_format'",
    );
    for (const channel of ['/topic', 'channel/', '', '/']) {
      expect(attempt({ channel })).toThrow(
        `channel: invalid Zulip channel format, expected <channel>/<topic>, got '${channel}'`,
      );
    }
    expect(attempt({})).toThrow(/^invalid zulip provider spec: channel: invalid Zulip channel format/);
    for (const address of [
      'zulip.example.com',
      'ftp://zulip.example.com',
      'https://zulip\u007f.example.com',
      'http://[::1',
    ]) {
      expect(attempt({ address, channel: 'a/b' })).toThrow(
        /^invalid zulip provider spec: address: must be an absolute http\(s\) URL/,
      );
    }
    expect(attempt({ address: undefined, channel: 'nope' })).toThrow(
      /address: .*; channel: invalid Zulip channel/,
    );
    expect(
      attempt({ address: 'https://zulip.example.com/api/v1/messages', channel: 'general/announcements' }),
    ).not.toThrow();
  });

  it('exports the provider as default', () => {
    expect(zulipDefault).toBe(zulipProvider);
    expect(zulipProvider.type).toBe('zulip');
  });
});
