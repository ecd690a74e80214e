// A type of the user's own (`defineProvider`, then the `providers` option or
// `createNotifierFactory`) declares what the built-in types declare, and core treats it the same:
// its category, how `encode` shows its requests, success statuses, requests without the spec's
// tls, and TLS material read from the Secret.
import {
  createNotifierFactory,
  defineProvider,
  type Event,
  httpAddress,
  type ProviderDefinition,
  REDACTED,
  requiredString,
} from '@notiflux/core';
import {
  builtinProviders,
  createNotifier,
  type ProviderCategory,
  providerCategoryOf,
  shouldDeliver,
} from '@notiflux/providers';
import { afterEach, describe, expect, it } from 'vitest';
import { startRecordingServer } from '../support/recording-server.js';
import { rejection } from '../support/rejection.js';
import { sampleEvent } from '../support/sample-events.js';
import { createTestPki } from '../support/test-certificates.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(...args: Parameters<typeof startRecordingServer>) {
  const started = await startRecordingServer(...args);
  cleanups.push(() => started.close());
  return started;
}

type WebhookShape = { address: typeof httpAddress };

/** A plain JSON webhook of the user's, with whatever the test declares on top. */
function webhookType(type: string, declared: Partial<ProviderDefinition<WebhookShape>> = {}) {
  return defineProvider({
    type,
    spec: { address: httpAddress },
    encode: (event, spec) => [
      { transport: 'http', method: 'POST', url: spec.address, headers: {}, body: event.message },
    ],
    ...declared,
  });
}

const withMetadata = (metadata: Record<string, string> | undefined, severity: Event['severity']): Event => ({
  ...sampleEvent,
  metadata,
  severity,
});

const events: Record<string, Event> = {
  update: withMetadata({ commit_status: 'update' }, 'info'),
  commit: withMetadata({ commit: 'abc' }, 'info'),
  changeRequest: withMetadata({ change_request: '42' }, 'info'),
  plain: withMetadata(undefined, 'info'),
  error: withMetadata(undefined, 'error'),
};

describe('a category', () => {
  const categories: ProviderCategory[] = ['generic', 'commit-status', 'change-request', 'alerting'];

  it.each(categories)('%s: routed as the built-in types of that category', (category) => {
    const mine = createNotifier(
      { type: `my-${category}`, address: 'https://example.com/hook' },
      { providers: [webhookType(`my-${category}`, { category })] },
    );
    expect(mine.category).toBe(category);
    const builtins = builtinProviders.filter(
      (definition) => providerCategoryOf(definition.type) === category,
    );
    expect(builtins.length).toBeGreaterThan(0);
    for (const { type } of builtins) {
      for (const event of Object.values(events)) {
        expect(shouldDeliver(mine, event)).toBe(shouldDeliver(type, event));
      }
    }
  });

  it('is alerting unless declared, as for the built-in alerting types', () => {
    const notifier = createNotifierFactory([webhookType('mine')])({
      type: 'mine',
      address: 'https://x.test/',
    });
    expect(notifier.category).toBe('alerting');
    expect(createNotifier({ type: 'slack', address: 'https://hooks.slack.com/services/x' }).category).toBe(
      'alerting',
    );
    expect(createNotifier({ type: 'github', address: 'https://github.com/o/r', token: 't' }).category).toBe(
      'commit-status',
    );
  });
});

describe('how encode shows a request (show)', () => {
  // Like pagerduty's routing key: the credential is in the body, which encode must not show.
  const keyedType = defineProvider({
    type: 'keyed',
    spec: { address: httpAddress, channel: requiredString('the key') },
    secretFields: ['channel'],
    encode: (event, spec) => [
      {
        transport: 'http',
        method: 'POST',
        url: spec.address,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ key: spec.channel, text: event.message }),
      },
    ],
    show: (_message, shown, { spec }) =>
      shown.transport === 'http'
        ? { ...shown, body: shown.body.replace(JSON.stringify(spec.channel), JSON.stringify(REDACTED)) }
        : shown,
  });

  it('shows the body the definition says, and sends the real one', async () => {
    const target = await server();
    const notifier = createNotifier(
      { type: 'keyed', address: target.url, channel: 'key-0123456789' },
      { providers: [keyedType] },
    );
    cleanups.push(() => notifier.close());
    const [shown] = await notifier.encode(sampleEvent);
    expect(shown).toMatchObject({ transport: 'http', url: `${target.url}/` });
    expect(shown?.body).toBe(JSON.stringify({ key: REDACTED, text: sampleEvent.message }));
    await notifier.post(sampleEvent);
    expect(JSON.parse(target.requests[0]?.body ?? '')).toEqual({
      key: 'key-0123456789',
      text: sampleEvent.message,
    });
  });

  it('as pagerduty does for its routing key', async () => {
    const [shown] = await createNotifier({
      type: 'pagerduty',
      address: 'https://events.pagerduty.com',
      channel: 'routing-key-0123',
    }).encode({ ...sampleEvent, severity: 'error' });
    expect(shown?.body.startsWith(`{"routing_key":"${REDACTED}",`)).toBe(true);
    expect(shown?.body).not.toContain('routing-key-0123');
  });
});

describe('success statuses (http.successStatuses)', () => {
  it('make a 304 a success, as for the gitlab types; without them it is an error', async () => {
    const target = await server({ defaultResponse: { status: 304 } });
    const declared = createNotifier(
      { type: 'cached', address: target.url, retry: { retries: 0 } },
      { providers: [webhookType('cached', { http: { successStatuses: [304] } })] },
    );
    const plain = createNotifier(
      { type: 'plain', address: target.url, retry: { retries: 0 } },
      { providers: [webhookType('plain')] },
    );
    cleanups.push(
      () => declared.close(),
      () => plain.close(),
    );
    await declared.post(sampleEvent);
    expect(await rejection(plain.post(sampleEvent))).toMatchObject({ code: 'HTTP_STATUS', status: 304 });
    const gitlab = builtinProviders.find((definition) => definition.type === 'gitlab');
    expect(gitlab?.http?.successStatuses).toEqual([304]);
  });
});

describe('TLS declared by the definition', () => {
  it('sends the requests it names without the spec tls (http.withoutSpecTls), as the github types', async () => {
    const pki = await createTestPki();
    const target = await server({ tls: pki.server });
    const publicPath = webhookType('split', {
      http: { withoutSpecTls: (url) => url.pathname === '/public' },
      encode: (event, spec) => [
        { transport: 'http', method: 'POST', url: `${spec.address}/own`, headers: {}, body: event.message },
        {
          transport: 'http',
          method: 'POST',
          url: `${spec.address}/public`,
          headers: {},
          body: event.message,
        },
      ],
    });
    const notifier = createNotifier(
      { type: 'split', address: target.url, tls: { ca: pki.ca.cert }, retry: { retries: 0 } },
      { providers: [publicPath] },
    );
    cleanups.push(() => notifier.close());
    const error = await rejection(notifier.post(sampleEvent));
    // The first went with the spec's CA; the second, with the system roots only, cannot trust it.
    expect(target.requests.map((request) => request.path)).toEqual(['/own']);
    expect(error).toMatchObject({ code: 'NETWORK' });
    const github = builtinProviders.find((definition) => definition.type === 'github');
    expect(github?.http?.withoutSpecTls?.(new URL('https://api.github.com/repos/o/r'))).toBe(true);
  });

  it("reads the Secret's ca.crt when it declares tlsFromSecret, as the commit-status types", async () => {
    const pki = await createTestPki();
    const target = await server({ tls: pki.server });
    const spec = { address: target.url, secret: { 'ca.crt': pki.ca.cert }, retry: { retries: 0 } };
    const reading = createNotifier(
      { type: 'reading', ...spec },
      { providers: [webhookType('reading', { tlsFromSecret: true })] },
    );
    const plain = createNotifier({ type: 'generic', ...spec });
    cleanups.push(
      () => reading.close(),
      () => plain.close(),
    );
    await reading.post(sampleEvent);
    expect(target.requests).toHaveLength(1);
    expect(await rejection(plain.post(sampleEvent))).toMatchObject({ code: 'NETWORK', retryable: false });
    const commitStatusTypes = builtinProviders.filter(
      (definition) => definition.category === 'commit-status',
    );
    expect(commitStatusTypes.map((definition) => definition.tlsFromSecret)).toEqual(
      commitStatusTypes.map(() => true),
    );
  });
});

describe('what encode returns is posted as it says', () => {
  const request = (url: string, body: string) =>
    ({ transport: 'http', method: 'POST', url, headers: {}, body }) as const;

  it('an encoder that resolves later: each request in order, the next once the one before was answered', async () => {
    const target = await server({
      respondWith: [{ status: 200, delayMs: 50 }, { status: 200 }],
    });
    const twice = defineProvider({
      type: 'twice',
      spec: { address: httpAddress },
      encode: async (event, spec) => [
        request(`${spec.address}/first`, event.message),
        request(`${spec.address}/second`, event.reason),
      ],
    });
    const notifier = createNotifier({ type: 'twice', address: target.url }, { providers: [twice] });
    cleanups.push(() => notifier.close());
    await notifier.post(sampleEvent);
    expect(target.requests.map((recorded) => recorded.path)).toEqual(['/first', '/second']);
    const [first, second] = target.requests;
    // The second was sent after the first's delayed answer.
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(40);
  });

  it('stops at a request the service refuses: the next is not sent', async () => {
    const target = await server({ respondWith: [{ status: 400, body: 'no' }] });
    const twice = defineProvider({
      type: 'twice-sync',
      spec: { address: httpAddress },
      encode: (event, spec) => [
        request(`${spec.address}/first`, event.message),
        request(`${spec.address}/second`, ''),
      ],
    });
    const notifier = createNotifier({ type: 'twice-sync', address: target.url }, { providers: [twice] });
    cleanups.push(() => notifier.close());
    const error = await rejection(notifier.post(sampleEvent));
    expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 400 });
    expect(target.requests.map((recorded) => recorded.path)).toEqual(['/first']);
  });

  it('a message that is not HTTP, from a type without a connection: NETWORK, nothing sent', async () => {
    const target = await server();
    const broker = defineProvider({
      type: 'broker-without-connection',
      spec: { address: httpAddress },
      encode: (event, spec) => [
        request(`${spec.address}/first`, event.message),
        { transport: 'nats', subject: 'flux', body: event.message } as never,
      ],
    });
    const notifier = createNotifier(
      { type: 'broker-without-connection', address: target.url },
      { providers: [broker] },
    );
    cleanups.push(() => notifier.close());
    const error = await rejection(notifier.post(sampleEvent));
    expect(error.code).toBe('NETWORK');
    expect(error.message).toContain('no connection to deliver a nats message');
    expect(target.requests.map((recorded) => recorded.path)).toEqual(['/first']);
  });

  it('an encoder that throws, at once or later: a NotifierError naming the type, the promise rejected', async () => {
    for (const encode of [
      () => {
        throw new Error('cannot encode this');
      },
      async () => {
        throw new Error('cannot encode this');
      },
    ]) {
      const failing = defineProvider({ type: 'failing', spec: { address: httpAddress }, encode });
      const notifier = createNotifier(
        { type: 'failing', address: 'http://127.0.0.1:9/' },
        { providers: [failing] },
      );
      const posting = notifier.post(sampleEvent);
      const error = await rejection(posting);
      expect(error).toMatchObject({ code: 'NETWORK', providerType: 'failing' });
      expect(error.message).toBe('failing: cannot encode this');
    }
  });
});
