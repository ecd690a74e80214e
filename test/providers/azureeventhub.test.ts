import { createHmac } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { CreateOptions, Event } from '@notiflux/core';
import { NotifierError } from '@notiflux/providers';
import {
  azureeventhubProvider,
  azureIdentityLoader,
  encodeAzureEventHubMessage,
  namespaceHost,
  resolveEventHubTarget,
  staticTokenCredential,
} from '@notiflux/providers/azureeventhub';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type EventHubPeer, startEventHubPeer } from '../support/amqp-event-hub-peer.js';
import { listenOnLoopback } from '../support/listen-on-loopback.js';
import { withoutPeer, withPeerMissing } from '../support/missing-peer.js';
import { useProviderHarness } from '../support/provider-harness.js';
import { rejection } from '../support/rejection.js';
import { sampleEvent, sampleEventJson } from '../support/sample-events.js';
import { createTestPki, type TestPki } from '../support/test-certificates.js';

const { notifier } = useProviderHarness();
const providers = [azureeventhubProvider];
const HUB = 'flux-events';
const SAS_KEY = 'c2VjcmV0LXNhcy1rZXk+/w==';
const BATCH_MESSAGE_FORMAT = 0x80013700;

/** A JWT-shaped token (header.claims.signature) expiring in 10 minutes. */
function testJwt(secretPart = 'c2lnbmF0dXJlLW9mLXRoZS10ZXN0LWp3dA'): string {
  const claims = Buffer.from(
    JSON.stringify({ aud: 'https://eventhubs.azure.net', exp: Math.floor(Date.now() / 1000) + 600 }),
  ).toString('base64url');
  return `eyJhbGciOiJSUzI1NiJ9.${claims}.${secretPart}`;
}

function creationError(spec: Record<string, unknown>): NotifierError {
  try {
    notifier({ type: 'azureeventhub', ...spec }, { providers });
  } catch (error) {
    expect(error).toBeInstanceOf(NotifierError);
    return error as NotifierError;
  }
  throw new Error('createNotifier accepted the spec');
}

const infoEvent: Event = {
  involvedObject: { kind: 'HelmRelease', namespace: 'flux-system', name: 'podinfo' },
  severity: 'info',
  timestamp: '2024-03-01T10:00:00Z',
  message: 'Helm upgrade succeeded',
  reason: 'UpgradeSucceeded',
  reportingController: 'helm-controller',
};
const infoEventJson =
  '{"involvedObject":{"kind":"HelmRelease","namespace":"flux-system","name":"podinfo"},"severity":"info","timestamp":"2024-03-01T10:00:00Z","message":"Helm upgrade succeeded","reason":"UpgradeSucceeded","reportingController":"helm-controller"}';

/** The NotifierError a synchronous call throws (createNotifier validates at once). */
function thrown(call: () => unknown): NotifierError {
  try {
    call();
  } catch (error) {
    return error as NotifierError;
  }
  throw new Error('expected a throw');
}

describe('azureeventhub: SAS connection string (plain AMQP peer, UseDevelopmentEmulator)', () => {
  let peer: EventHubPeer;
  beforeAll(async () => {
    peer = await startEventHubPeer({ hubs: [HUB] });
  });
  afterAll(async () => {
    await peer?.close();
  });
  afterEach(() => {
    peer.events.length = 0;
    peer.tokens.length = 0;
  });

  const sasNotifier = (extra: Record<string, unknown> = {}) =>
    notifier(
      {
        type: 'azureeventhub',
        address: peer.connectionString({ key: SAS_KEY, hub: HUB }),
        timeout: '5s',
        ...extra,
      },
      { providers },
    );

  it('sends the event JSON as one data section of a batch, with no content type or properties', async () => {
    await sasNotifier().post(sampleEvent);
    expect(peer.events).toHaveLength(1);
    const [received] = peer.events;
    expect(received?.address).toBe(HUB);
    expect(received?.format).toBe(BATCH_MESSAGE_FORMAT);
    expect(received?.body.toString('utf8')).toBe(sampleEventJson);
    expect(JSON.parse(received?.body.toString('utf8') ?? '')).toEqual(sampleEvent);
    expect(received?.contentType).toBeUndefined();
    expect(received?.messageId).toBeUndefined();
    expect(received?.correlationId).toBeUndefined();
    expect(received?.applicationProperties).toBeUndefined();
  });

  it("uses the @azure/event-hubs module given in CreateOptions.sdk; the optional peer's import never happens", async () => {
    const real = await vi.importActual<typeof import('@azure/event-hubs')>('@azure/event-hubs');
    await withPeerMissing('@azure/event-hubs', async (imports) => {
      const fresh = await import('@notiflux/providers/azureeventhub');
      const constructed = vi.fn();
      class RecordingProducerClient extends real.EventHubProducerClient {
        constructor(...args: ConstructorParameters<typeof real.EventHubProducerClient>) {
          constructed();
          super(...args);
        }
      }
      const spec = {
        type: 'azureeventhub',
        address: peer.connectionString({ key: SAS_KEY, hub: HUB }),
        timeout: '5s',
      } as const;
      await notifier(spec, {
        providers: [fresh.azureeventhubProvider],
        sdk: { '@azure/event-hubs': { EventHubProducerClient: RecordingProducerClient } },
      }).post(sampleEvent);
      expect(constructed).toHaveBeenCalledTimes(1);
      expect(imports).not.toHaveBeenCalled();
      expect(peer.events.map((event) => event.body.toString('utf8'))).toEqual([sampleEventJson]);

      // Without the injection, the notifier imports the peer (which the mock refuses).
      await rejection(notifier(spec, { providers: [fresh.azureeventhubProvider] }).post(sampleEvent));
      expect(imports).toHaveBeenCalledTimes(1);
      expect(peer.events).toHaveLength(1);
    });
  });

  it('fails with MISSING_DEPENDENCY naming @azure/event-hubs when it is not installed', async () => {
    const error = await rejection(
      notifier(
        { type: 'azureeventhub', address: peer.connectionString({ key: SAS_KEY, hub: HUB }), timeout: '5s' },
        { providers: [withoutPeer(azureeventhubProvider)] },
      ).post(sampleEvent),
    );
    expect(error).toMatchObject({ code: 'MISSING_DEPENDENCY', providerType: 'azureeventhub' });
    expect(error.message).toBe(
      'the azureeventhub provider needs the optional package "@azure/event-hubs", which is not installed: run `npm install @azure/event-hubs`',
    );
    expect(peer.events).toHaveLength(0);
  });

  it('authenticates with a SAS token signed by the connection string key', async () => {
    await sasNotifier().post(sampleEvent);
    expect(peer.tokens).toHaveLength(1);
    const [put] = peer.tokens;
    const audience = `sb://127.0.0.1:${peer.port}/${HUB}`;
    expect(put?.type).toBe('servicebus.windows.net:sastoken');
    expect(put?.audience).toBe(audience);
    const fields = new URLSearchParams((put?.token ?? '').replace(/^SharedAccessSignature /, ''));
    expect(fields.get('sr')).toBe(audience);
    expect(fields.get('skn')).toBe('RootManageSharedAccessKey');
    const expected = createHmac('sha256', SAS_KEY)
      .update(`${encodeURIComponent(audience)}\n${fields.get('se')}`)
      .digest('base64');
    expect(fields.get('sig')).toBe(expected);
    expect(put?.token).not.toContain(SAS_KEY);
  });

  it('sends info events, and omits metadata when there is none', async () => {
    await sasNotifier().post(infoEvent);
    expect(peer.events[0]?.body.toString('utf8')).toBe(infoEventJson);
  });

  it('keeps multi-line and unicode messages and escapes HTML characters as Go does', async () => {
    const message = 'line one\nline two: ✅ ünïcödé 🚀\n<b>bold</b> & *markdown* `code` "quoted"\u2028end';
    await sasNotifier().post({ ...sampleEvent, message });
    const body = peer.events[0]?.body.toString('utf8') ?? '';
    expect(body).toContain(
      '"message":"line one\\nline two: ✅ ünïcödé 🚀\\n\\u003cb\\u003ebold\\u003c/b\\u003e \\u0026 *markdown* `code` \\"quoted\\"\\u2028end"',
    );
    expect(JSON.parse(body).message).toBe(message);
  });

  it('sorts many metadata keys', async () => {
    const metadata = Object.fromEntries(
      Array.from({ length: 30 }, (_, index) => [
        `key-${String(29 - index).padStart(2, '0')}`,
        `value ${index}`,
      ]),
    );
    await sasNotifier().post({ ...sampleEvent, metadata });
    const body = peer.events[0]?.body.toString('utf8') ?? '';
    const received = JSON.parse(body) as { metadata: Record<string, string> };
    expect(Object.keys(received.metadata)).toEqual(Object.keys(metadata).sort());
    expect(received.metadata).toEqual(metadata);
  });

  it('reuses one AMQP connection across posts and releases it on close', async () => {
    const hub = sasNotifier();
    await hub.post(sampleEvent);
    await hub.post(infoEvent);
    expect(peer.events.map((event) => event.body.toString('utf8'))).toEqual([sampleEventJson, infoEventJson]);
    expect(peer.tokens).toHaveLength(1);
    expect(peer.openConnections()).toBe(1);
    await hub.close();
    await vi.waitFor(() => expect(peer.openConnections()).toBe(0));
    // A closed notifier opens a new connection on its next post.
    await hub.post(sampleEvent);
    expect(peer.events).toHaveLength(3);
  });

  it('takes the hub from channel when the connection string has no EntityPath', async () => {
    await notifier(
      {
        type: 'azureeventhub',
        address: peer.connectionString({ key: SAS_KEY }),
        channel: HUB,
        timeout: '5s',
      },
      { providers },
    ).post(sampleEvent);
    expect(peer.events[0]?.address).toBe(HUB);
    expect(peer.events[0]?.body.toString('utf8')).toBe(sampleEventJson);
  });

  it('ignores channel when the connection string names the hub', async () => {
    await sasNotifier({ channel: 'some-namespace' }).post(sampleEvent);
    expect(peer.events[0]?.address).toBe(HUB);
  });

  it('reads the connection string from the Secret', async () => {
    await notifier(
      {
        type: 'azureeventhub',
        secret: { address: ` ${peer.connectionString({ key: SAS_KEY, hub: HUB })}\n` },
        timeout: '5s',
      },
      { providers },
    ).post(sampleEvent);
    expect(peer.events[0]?.body.toString('utf8')).toBe(sampleEventJson);
  });

  it('fails an unknown hub with REJECTED, without the key', async () => {
    const error = await rejection(
      notifier(
        {
          type: 'azureeventhub',
          address: peer.connectionString({ key: SAS_KEY, hub: 'no-such-hub' }),
          timeout: '5s',
        },
        { providers },
      ).post(sampleEvent),
    );
    expect(error.code).toBe('REJECTED');
    expect(error.providerType).toBe('azureeventhub');
    expect(error.message).toMatch(/^azureeventhub: failed to create event data batch: .*no-such-hub/);
    expect(error.retryable).toBe(false);
    expect(JSON.stringify({ message: error.message, cause: String(error.cause) })).not.toContain(SAS_KEY);
    expect(peer.events).toHaveLength(0);
  });

  it('shows what it would send with encode(), without the key', async () => {
    const encoded = await sasNotifier().encode(sampleEvent);
    expect(encoded).toEqual([
      { transport: 'eventhub', namespace: `127.0.0.1:${peer.port}`, hub: HUB, body: sampleEventJson },
    ]);
    expect(JSON.stringify(encoded)).not.toContain(SAS_KEY);
    expect(peer.events).toHaveLength(0);
    expect(peer.tokens).toHaveLength(0);
  });
});

describe('azureeventhub: service refusals and failures', () => {
  it('fails a refused SAS token with REJECTED, without the key', async () => {
    const peer = await startEventHubPeer({ hubs: [HUB], cbsStatus: 401 });
    const hub = notifier(
      { type: 'azureeventhub', address: peer.connectionString({ key: SAS_KEY, hub: HUB }), timeout: '5s' },
      { providers },
    );
    try {
      const error = await rejection(hub.post(sampleEvent));
      expect(error.code).toBe('REJECTED');
      expect(error.message).toMatch(/^azureeventhub: failed to create event data batch: /);
      expect(`${error.message} ${String(error.cause)}`).not.toContain(SAS_KEY);
      expect(peer.events).toHaveLength(0);
    } finally {
      // The client first: the peer going away under a closing client stalls the SDK's close.
      await hub.close();
      await peer.close();
    }
  });

  it('fails an event the hub refuses, without the key', async () => {
    const peer = await startEventHubPeer({
      hubs: [HUB],
      rejectEventsWith: { condition: 'amqp:unauthorized-access', description: `no send claim for ${HUB}` },
    });
    const hub = notifier(
      { type: 'azureeventhub', address: peer.connectionString({ key: SAS_KEY, hub: HUB }), timeout: '5s' },
      { providers },
    );
    try {
      const error = await rejection(hub.post(sampleEvent));
      expect(error.code).toBe('REJECTED');
      expect(error.message).toMatch(/^azureeventhub: failed to send msg: .*no send claim/);
      expect(`${error.message} ${String(error.cause)}`).not.toContain(SAS_KEY);
    } finally {
      // The client first: the peer going away under a closing client stalls the SDK's close.
      await hub.close();
      await peer.close();
    }
  });

  it('refuses an event larger than the hub accepts, with REJECTED and nothing sent', async () => {
    const peer = await startEventHubPeer({ hubs: [HUB], maxMessageSize: 2_000 });
    const hub = notifier(
      { type: 'azureeventhub', address: peer.connectionString({ key: SAS_KEY, hub: HUB }), timeout: '5s' },
      { providers },
    );
    try {
      const error = await rejection(hub.post({ ...sampleEvent, message: 'x'.repeat(5_000) }));
      expect(error.code).toBe('REJECTED');
      expect(error.message).toMatch(/^azureeventhub: failed to add event data to batch: event too large/);
      expect(peer.events).toHaveLength(0);
      // A normal event still goes through on the same notifier.
      await hub.post(sampleEvent);
      expect(peer.events).toHaveLength(1);
    } finally {
      // The client first: the peer going away under a closing client stalls the SDK's close.
      await hub.close();
      await peer.close();
    }
  });

  it('fails with NETWORK when nothing listens, within the timeout', async () => {
    const closed = net.createServer();
    const port = await listenOnLoopback(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const started = performance.now();
    const error = await rejection(
      notifier(
        {
          type: 'azureeventhub',
          address: `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=K;SharedAccessKey=${SAS_KEY};UseDevelopmentEmulator=true;EntityPath=${HUB}`,
          timeout: '3s',
        },
        { providers },
      ).post(sampleEvent),
    );
    expect(['NETWORK', 'TIMEOUT']).toContain(error.code);
    expect(error.retryable).toBe(true);
    expect(performance.now() - started).toBeLessThan(3_500);
    expect(`${error.message} ${String(error.cause)}`).not.toContain(SAS_KEY);
  });

  it('fails with TIMEOUT when the broker never answers', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    const port = await listenOnLoopback(silent);
    try {
      const started = performance.now();
      const error = await rejection(
        notifier(
          {
            type: 'azureeventhub',
            address: `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=K;SharedAccessKey=${SAS_KEY};UseDevelopmentEmulator=true;EntityPath=${HUB}`,
            timeout: '700ms',
          },
          { providers },
        ).post(sampleEvent),
      );
      expect(error.code).toBe('TIMEOUT');
      expect(error.message).toBe('azureeventhub: timed out after 700ms: failed to create event data batch');
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('stops with ABORTED when the caller aborts', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    const port = await listenOnLoopback(silent);
    try {
      const controller = new AbortController();
      const posting = notifier(
        {
          type: 'azureeventhub',
          address: `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=K;SharedAccessKey=${SAS_KEY};UseDevelopmentEmulator=true;EntityPath=${HUB}`,
          timeout: '10s',
        },
        { providers },
      ).post(sampleEvent, { signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      const error = await rejection(posting);
      expect(error.code).toBe('ABORTED');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('azureeventhub: token mode (namespace in channel, hub in address; AMQPS peer)', () => {
  let pki: TestPki;
  let peer: EventHubPeer;
  beforeAll(async () => {
    pki = await createTestPki();
    peer = await startEventHubPeer({ hubs: [HUB], tls: pki.server });
    // The SDK takes no CA option: make its TLS connections to the test peer trust the test CA
    // (and only add it: certificate and host name are still verified).
    const connect = tls.connect;
    vi.spyOn(tls, 'connect').mockImplementation(((...args: unknown[]) => {
      const options = args.find((arg) => typeof arg === 'object' && arg !== null) as tls.ConnectionOptions;
      options.ca = pki.ca.cert;
      return (connect as (...connectArgs: unknown[]) => tls.TLSSocket)(...args);
    }) as typeof tls.connect);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await peer?.close();
  });
  afterEach(() => {
    peer.events.length = 0;
    peer.tokens.length = 0;
  });

  it('sends with a static JWT, put on $cbs verbatim for the namespace and hub', async () => {
    const jwt = testJwt();
    await notifier(
      {
        type: 'azureeventhub',
        address: HUB,
        channel: 'fluxv2',
        token: jwt,
        endpoint: `amqps://localhost:${peer.port}`,
        timeout: '5s',
      },
      { providers },
    ).post(sampleEvent);
    expect(peer.events).toHaveLength(1);
    expect(peer.events[0]?.address).toBe(HUB);
    expect(peer.events[0]?.format).toBe(BATCH_MESSAGE_FORMAT);
    expect(peer.events[0]?.body.toString('utf8')).toBe(sampleEventJson);
    expect(peer.events[0]?.contentType).toBeUndefined();
    expect(peer.events[0]?.applicationProperties).toBeUndefined();
    expect(peer.tokens).toEqual([
      { type: 'jwt', audience: `sb://fluxv2.servicebus.windows.net/${HUB}`, token: jwt },
    ]);
  });

  it('keeps a fully-qualified namespace and reuses the connection', async () => {
    const hub = notifier(
      {
        type: 'azureeventhub',
        address: HUB,
        channel: 'fluxv2.servicebus.chinacloudapi.cn',
        token: testJwt(),
        endpoint: `amqps://localhost:${peer.port}`,
        timeout: '5s',
      },
      { providers },
    );
    await hub.post(sampleEvent);
    await hub.post(infoEvent);
    expect(peer.events.map((event) => event.body.toString('utf8'))).toEqual([sampleEventJson, infoEventJson]);
    expect(peer.tokens.map((put) => put.audience)).toEqual([
      `sb://fluxv2.servicebus.chinacloudapi.cn/${HUB}`,
    ]);
  });

  it('fails a refused token with REJECTED, without the token', async () => {
    const refusing = await startEventHubPeer({ hubs: [HUB], tls: pki.server, cbsStatus: 401 });
    const secretPart = 'dG9wLXNlY3JldC1zaWduYXR1cmU';
    const hub = notifier(
      {
        type: 'azureeventhub',
        address: HUB,
        channel: 'fluxv2',
        token: testJwt(secretPart),
        endpoint: `amqps://localhost:${refusing.port}`,
        timeout: '5s',
      },
      { providers },
    );
    try {
      const error = await rejection(hub.post(sampleEvent));
      expect(error.code).toBe('REJECTED');
      expect(error.message).toMatch(/^azureeventhub: failed to create event data batch: /);
      expect(`${error.message} ${String(error.cause)}`).not.toContain(secretPart);
      expect(refusing.events).toHaveLength(0);
    } finally {
      await hub.close();
      await refusing.close();
    }
  });

  it('shows namespace and hub in encode(), never the token', async () => {
    const jwt = testJwt();
    const encoded = await notifier(
      { type: 'azureeventhub', address: HUB, channel: 'fluxv2', token: jwt },
      { providers },
    ).encode(sampleEvent);
    expect(encoded).toEqual([
      { transport: 'eventhub', namespace: 'fluxv2.servicebus.windows.net', hub: HUB, body: sampleEventJson },
    ]);
    expect(JSON.stringify(encoded)).not.toContain(jwt);
  });

  describe('without a token (@azure/identity, an optional peer)', () => {
    // The real DefaultAzureCredential would probe the cloud metadata service (off this machine):
    // these tests always replace the loader, and nothing else here runs without a token.
    let unmodified: typeof azureIdentityLoader.load;
    beforeEach(() => {
      unmodified = azureIdentityLoader.load;
    });
    afterEach(() => {
      azureIdentityLoader.load = unmodified;
    });

    /** A notifier without a token, sending to the local Event Hubs peer. */
    const tokenless = (sdk?: CreateOptions['sdk']) =>
      notifier(
        {
          type: 'azureeventhub',
          address: HUB,
          channel: 'fluxv2',
          endpoint: `amqps://localhost:${peer.port}`,
        },
        sdk === undefined ? { providers } : { providers, sdk },
      );
    /** @azure/identity's shape: a DefaultAzureCredential that hands out `jwt`, noting the scopes asked for. */
    const identityGiving = (jwt: string, scopesAsked: unknown[] = []) => ({
      DefaultAzureCredential: class {
        async getToken(scopes: unknown) {
          scopesAsked.push(scopes);
          return { token: jwt, expiresOnTimestamp: Date.now() + 600_000 };
        }
      },
    });

    it("uses @azure/identity's DefaultAzureCredential for the Event Hubs scope", async () => {
      const jwt = testJwt('aWRlbnRpdHktdG9rZW4');
      const scopesAsked: unknown[] = [];
      azureIdentityLoader.load = async () => identityGiving(jwt, scopesAsked);
      await tokenless().post(sampleEvent);
      // The SDK asks for its Event Hubs scope (it writes it with a double slash).
      expect(scopesAsked).toHaveLength(1);
      expect(String(scopesAsked[0])).toMatch(/^https:\/\/eventhubs\.azure\.net\/+\.default$/);
      expect(peer.tokens).toEqual([
        { type: 'jwt', audience: `sb://fluxv2.servicebus.windows.net/${HUB}`, token: jwt },
      ]);
      expect(peer.events[0]?.body.toString('utf8')).toBe(sampleEventJson);
    });

    it('takes @azure/identity from CreateOptions.sdk when given, never importing it', async () => {
      const jwt = testJwt('aW5qZWN0ZWQtdG9rZW4');
      azureIdentityLoader.load = () => Promise.reject(new Error('the peer must not be imported'));
      await tokenless({ '@azure/identity': identityGiving(jwt) }).post(sampleEvent);
      expect(peer.tokens).toEqual([
        { type: 'jwt', audience: `sb://fluxv2.servicebus.windows.net/${HUB}`, token: jwt },
      ]);
    });

    it('fails with MISSING_DEPENDENCY naming @azure/identity when it is not installed', async () => {
      // What Node's import() rejects with when the package is not installed.
      azureIdentityLoader.load = () =>
        Promise.reject(
          Object.assign(
            new Error("Cannot find package '@azure/identity' imported from /app/azureeventhub.js"),
            {
              code: 'ERR_MODULE_NOT_FOUND',
            },
          ),
        );
      const error = await rejection(tokenless().post(sampleEvent));
      expect(error.code).toBe('MISSING_DEPENDENCY');
      expect(error.providerType).toBe('azureeventhub');
      expect(error.message).toContain('"@azure/identity"');
      expect(error.message).toContain('npm install @azure/identity');
      expect(peer.tokens).toHaveLength(0);
      expect(peer.events).toHaveLength(0);
    });
  });
});

describe('azureeventhub: spec validation', () => {
  const upstreamSas =
    'Endpoint=sb://example.com/;SharedAccessKeyName=keyName;SharedAccessKey=key;EntityPath=eventhub';

  it('requires address at createNotifier', () => {
    const error = creationError({ token: 'jwt-token', channel: 'namespace' });
    expect(error.code).toBe('INVALID_SPEC');
    expect(error.message).toBe(
      'invalid azureeventhub provider spec: address: invalid authentication options: endpoint URL cannot be empty',
    );
    expect(creationError({ address: '  ', token: 'jwt-token' }).message).toContain(
      'endpoint URL cannot be empty',
    );
  });

  it('rejects an endpoint that is not an amqps:// or sb:// URL at createNotifier', () => {
    const error = creationError({
      address: HUB,
      channel: 'ns',
      token: 'jwt',
      endpoint: 'http://127.0.0.1:5671',
    });
    expect(error.code).toBe('INVALID_SPEC');
    expect(error.message).toContain('endpoint: must be an amqps:// or sb:// URL');
  });

  it('creates the upstream test specs without any I/O', async () => {
    const sas = notifier(
      { type: 'azureeventhub', address: upstreamSas, channel: 'namespace' },
      { providers },
    );
    expect(await sas.encode(infoEvent)).toEqual([
      { transport: 'eventhub', namespace: 'example.com', hub: 'eventhub', body: infoEventJson },
    ]);
    const token = notifier(
      { type: 'azureeventhub', address: 'azure-nc-eventhub', channel: 'namespace', token: 'jwt-token' },
      { providers },
    );
    expect(await token.encode(infoEvent)).toEqual([
      {
        transport: 'eventhub',
        namespace: 'namespace.servicebus.windows.net',
        hub: 'azure-nc-eventhub',
        body: infoEventJson,
      },
    ]);
  });

  it('rejects a SAS connection string together with a token at createNotifier (upstream message)', () => {
    const error = thrown(() =>
      notifier({ type: 'azureeventhub', address: upstreamSas, token: 'test-token' }, { providers }),
    );
    expect(error.code).toBe('INVALID_SPEC');
    expect(error.message).toBe(
      'invalid azureeventhub provider spec: token: invalid authentication options: jwt token and SAS authentication cannot be set at the same time',
    );
  });

  it('asks for EntityPath when the connection string lacks it and no channel names the hub', () => {
    const address = 'Endpoint=sb://example.com/;SharedAccessKeyName=keyName;SharedAccessKey=secret-key-value';
    const error = thrown(() => notifier({ type: 'azureeventhub', address }, { providers }));
    expect(error.code).toBe('INVALID_SPEC');
    expect(error.message).toContain(
      'failed to create a eventhub using SAS: connection string does not contain an EntityPath. eventHub cannot be an empty string',
    );
    expect(error.message).toContain('add ;EntityPath=<event hub name>');
    expect(error.message).not.toContain('secret-key-value');
  });

  it('rejects a connection string without Endpoint or key name, without showing it', () => {
    for (const address of [
      'SharedAccessKeyName=keyName;SharedAccessKey=secret-key-value;EntityPath=hub',
      'Endpoint=sb://example.com/;SharedAccessKey=secret-key-value;EntityPath=hub',
    ]) {
      const error = thrown(() => notifier({ type: 'azureeventhub', address }, { providers }));
      expect(error.code).toBe('INVALID_SPEC');
      expect(error.message).toMatch(
        /^invalid azureeventhub provider spec: address: failed to create a eventhub using SAS: /,
      );
      expect(error.message).not.toContain('secret-key-value');
    }
  });

  it('requires the namespace in channel in token mode', () => {
    const error = thrown(() =>
      notifier({ type: 'azureeventhub', address: 'azure-nc-eventhub', token: 'jwt-token' }, { providers }),
    );
    expect(error.code).toBe('INVALID_SPEC');
    expect(error.message).toBe(
      'invalid azureeventhub provider spec: channel: Azure Event Hub namespace (channel) cannot be empty',
    );
  });

  it('treats a pre-generated SharedAccessSignature connection string as a hub name, as upstream', () => {
    const target = resolveEventHubTarget({
      address:
        'Endpoint=sb://example.com/;SharedAccessSignature=SharedAccessSignature sr=x&sig=y;EntityPath=hub',
      channel: 'namespace',
      token: 'jwt',
    });
    expect(target.mode).toBe('token');
  });
});

describe('azureeventhub: pure helpers', () => {
  it('appends the cloud suffix to short namespace names', () => {
    expect(namespaceHost('fluxv2', '')).toBe('fluxv2.servicebus.windows.net');
    expect(namespaceHost('fluxv2', 'https://login.chinacloudapi.cn/')).toBe(
      'fluxv2.servicebus.chinacloudapi.cn',
    );
    expect(namespaceHost('fluxv2', 'https://login.microsoftonline.us/')).toBe(
      'fluxv2.servicebus.usgovcloudapi.net',
    );
    expect(namespaceHost('fluxv2.servicebus.windows.net', 'https://login.chinacloudapi.cn/')).toBe(
      'fluxv2.servicebus.windows.net',
    );
  });

  it('encodes the message from the event and target alone', () => {
    expect(
      encodeAzureEventHubMessage(sampleEvent, { namespace: 'ns.servicebus.windows.net', hub: HUB }),
    ).toEqual({
      transport: 'eventhub',
      namespace: 'ns.servicebus.windows.net',
      hub: HUB,
      body: sampleEventJson,
    });
  });

  it('gives a static JWT its exp as expiry, capped at an hour from now', async () => {
    const soon = Math.floor(Date.now() / 1000) + 120;
    const claims = (exp: number) => Buffer.from(JSON.stringify({ exp })).toString('base64url');
    const shortLived = await staticTokenCredential(`h.${claims(soon)}.s`).getToken([]);
    expect(shortLived).toEqual({ token: `h.${claims(soon)}.s`, expiresOnTimestamp: soon * 1000 });
    const farFuture = await staticTokenCredential(`h.${claims(4_000_000_000)}.s`).getToken([]);
    expect(farFuture?.expiresOnTimestamp).toBeLessThanOrEqual(Date.now() + 3_600_000);
    const opaque = await staticTokenCredential('not-a-jwt').getToken([]);
    expect(opaque?.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3_500_000);
  });
});
