import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Event, encodeFluxEventJson } from '@notiflux/core';
import { NotifierError } from '@notiflux/providers';
import { encodeNatsMessage, natsAuthOf, natsProvider, parseNatsServers } from '@notiflux/providers/nats';
import { type ConnectionOptions, connect, nkeys } from 'nats';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listenOnLoopback } from '../support/listen-on-loopback.js';
import { withoutPeer, withPeerMissing } from '../support/missing-peer.js';
import { type NatsTestServer, startNatsServer } from '../support/nats-server.js';
import { useProviderHarness } from '../support/provider-harness.js';
import { rejection } from '../support/rejection.js';
import { sampleEvent, sampleEventJson } from '../support/sample-events.js';
import { createTestPki, type TestPki } from '../support/test-certificates.js';
import { describeNeeding } from '../support/test-services.js';

const describeWithNats = describeNeeding('nats-server');

const { notifier: createNotifier } = useProviderHarness();
const notifier = (spec: Record<string, unknown>) =>
  createNotifier({ type: 'nats', ...spec } as never, { providers: [natsProvider] });

const infoEvent: Event = {
  ...sampleEvent,
  severity: 'info',
  reason: 'ReconciliationSucceeded',
  message: 'Reconciliation finished in 1.2s, next run in 10m0s',
};

// ---------------------------------------------------------------------------------------------
// A subscriber on the real server, to see exactly what was published.

interface Received {
  subject: string;
  data: Uint8Array;
}

async function subscribe(url: string, subject: string, options: Partial<ConnectionOptions> = {}) {
  const nc = await connect({ servers: url, ...options });
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const sub = nc.subscribe(subject, {
    callback: (_error, message) => {
      received.push({ subject: message.subject, data: message.data });
      for (const wake of waiters.splice(0)) wake();
    },
  });
  await nc.flush();
  return {
    received,
    async next(count = 1, timeoutMs = 3_000): Promise<Received[]> {
      const until = Date.now() + timeoutMs;
      while (received.length < count && Date.now() < until) {
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      // A round trip more, so a stray duplicate would have arrived too.
      await nc.flush();
      return received;
    },
    async close() {
      sub.unsubscribe();
      await nc.close();
    },
  };
}

const text = (data: Uint8Array | undefined) => Buffer.from(data ?? new Uint8Array()).toString('utf8');

// ---------------------------------------------------------------------------------------------
// JWT (operator mode) material, signed with the nkeys the `nats` client ships.

function base64url(data: Uint8Array | string): string {
  return Buffer.from(data).toString('base64url');
}

function signJwt(
  signer: ReturnType<typeof nkeys.createUser>,
  subject: string,
  name: string,
  nats: Record<string, unknown>,
): string {
  const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'ed25519-nkey' }));
  const claims = {
    jti: randomBytes(16).toString('hex').toUpperCase(),
    iat: Math.floor(Date.now() / 1000),
    iss: signer.getPublicKey(),
    name,
    sub: subject,
    nats: { ...nats, version: 2 },
  };
  const payload = base64url(JSON.stringify(claims));
  const signature = signer.sign(new TextEncoder().encode(`${header}.${payload}`));
  return `${header}.${payload}.${base64url(signature)}`;
}

function operatorSetup() {
  const operator = nkeys.createOperator();
  const account = nkeys.createAccount();
  const user = nkeys.createUser();
  const operatorJwt = signJwt(operator, operator.getPublicKey(), 'notiflux-test', { type: 'operator' });
  const unlimited = { subs: -1, data: -1, payload: -1 };
  const accountJwt = signJwt(operator, account.getPublicKey(), 'flux', {
    type: 'account',
    limits: { ...unlimited, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 },
    default_permissions: { pub: {}, sub: {} },
  });
  const userJwt = signJwt(account, user.getPublicKey(), 'notification-controller', {
    type: 'user',
    pub: {},
    sub: {},
    ...unlimited,
  });
  const seed = new TextDecoder().decode(user.getSeed());
  const creds = [
    '-----BEGIN NATS USER JWT-----',
    userJwt,
    '------END NATS USER JWT------',
    '',
    '************************* IMPORTANT *************************',
    'NKEY Seed printed below can be used to sign and prove identity.',
    '',
    '-----BEGIN USER NKEY SEED-----',
    seed,
    '------END USER NKEY SEED------',
    '',
  ].join('\n');
  const config = [
    `operator: ${operatorJwt}`,
    'resolver: MEMORY',
    `resolver_preload: { ${account.getPublicKey()}: ${accountJwt} }`,
  ].join('\n');
  return { config, creds, seed };
}

function userSeed(): { seed: string; publicKey: string } {
  const user = nkeys.createUser();
  return { seed: new TextDecoder().decode(user.getSeed()), publicKey: user.getPublicKey() };
}

async function expectNotifierError(promise: Promise<unknown>): Promise<NotifierError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(NotifierError);
  return error as NotifierError;
}

/** A TCP listener on 127.0.0.1 that accepts and never answers: a server that hangs. */
async function startSilentServer() {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  const port = await listenOnLoopback(server);
  return {
    url: `nats://127.0.0.1:${port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function closedLoopbackPort(): Promise<number> {
  const probe = createServer();
  const port = await listenOnLoopback(probe);
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

// ---------------------------------------------------------------------------------------------

describeWithNats('nats without auth', () => {
  let server: NatsTestServer;
  beforeAll(async () => {
    server = await startNatsServer({ monitoring: true });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('publishes the event as Go-canonical JSON on the subject, and nothing else', async () => {
    const subscriber = await subscribe(server.url, 'flux.>');
    try {
      await notifier({ address: server.url, channel: 'flux.events' }).post(sampleEvent);
      const received = await subscriber.next();
      expect(received).toHaveLength(1);
      expect(received[0]?.subject).toBe('flux.events');
      expect(text(received[0]?.data)).toBe(sampleEventJson);
      expect(JSON.parse(text(received[0]?.data))).toEqual(sampleEvent);
    } finally {
      await subscriber.close();
    }
  });

  it("uses the nats module given in CreateOptions.sdk; the optional peer's import never happens", async () => {
    const real = await vi.importActual<typeof import('nats')>('nats');
    await withPeerMissing('nats', async (imports) => {
      const fresh = await import('@notiflux/providers/nats');
      const connects = vi.fn();
      const injected = {
        ...real,
        connect: (...args: Parameters<typeof real.connect>) => {
          connects();
          return real.connect(...args);
        },
      };
      const spec = { type: 'nats', address: server.url, channel: 'flux.injected' } as never;
      const subscriber = await subscribe(server.url, 'flux.injected');
      try {
        await createNotifier(spec, { providers: [fresh.natsProvider], sdk: { nats: injected } }).post(
          sampleEvent,
        );
        const received = await subscriber.next();
        expect(received.map(({ data }) => text(data))).toEqual([sampleEventJson]);
      } finally {
        await subscriber.close();
      }
      expect(connects).toHaveBeenCalledTimes(1);
      expect(imports).not.toHaveBeenCalled();

      // Without the injection, the notifier imports the peer (which the mock refuses).
      await rejection(createNotifier(spec, { providers: [fresh.natsProvider] }).post(sampleEvent));
      expect(imports).toHaveBeenCalledTimes(1);
    });
  });

  it('fails with MISSING_DEPENDENCY naming the nats package when it is not installed', async () => {
    const spec = { type: 'nats', address: server.url, channel: 'flux.none' } as never;
    const error = await rejection(
      createNotifier(spec, { providers: [withoutPeer(natsProvider)] }).post(sampleEvent),
    );
    expect(error).toMatchObject({ code: 'MISSING_DEPENDENCY', providerType: 'nats' });
    expect(error.message).toBe(
      'the nats provider needs the optional package "nats", which is not installed: run `npm install nats`',
    );
  });

  it('accepts an address without scheme or port parts it does not need', async () => {
    const subscriber = await subscribe(server.url, 'flux.short');
    try {
      await notifier({ address: `127.0.0.1:${server.port}`, channel: 'flux.short' }).post(infoEvent);
      const received = await subscriber.next();
      expect(received).toHaveLength(1);
      expect(text(received[0]?.data)).toBe(encodeFluxEventJson(infoEvent));
      expect(JSON.parse(text(received[0]?.data))).toMatchObject({
        severity: 'info',
        reason: 'ReconciliationSucceeded',
      });
    } finally {
      await subscriber.close();
    }
  });

  it('sends multi-line, unicode and HTML-special text, no metadata and many metadata keys byte for byte', async () => {
    const events: Event[] = [
      { ...sampleEvent, message: 'line one\nline two\n\ttabbed "quoted" \\ back' },
      { ...sampleEvent, message: 'Déploiement échoué 🚨 — 日本語 <b>&amp;</b> *md* `code` \u2028 sep' },
      { ...sampleEvent, metadata: undefined },
      {
        ...sampleEvent,
        metadata: Object.fromEntries(
          Array.from({ length: 40 }, (_, index) => [`key-${39 - index}`, `v${index}`]),
        ),
      },
      { ...sampleEvent, message: 'x'.repeat(100_000) },
    ];
    const subscriber = await subscribe(server.url, 'flux.edge');
    try {
      const sender = notifier({ address: server.url, channel: 'flux.edge' });
      for (const event of events) await sender.post(event);
      const received = await subscriber.next(events.length);
      expect(received.map((message) => text(message.data))).toEqual(events.map(encodeFluxEventJson));
      const [, unicode, noMetadata, manyKeys, long] = received.map((message) => text(message.data));
      expect(unicode).toContain('\\u003cb\\u003e\\u0026amp;\\u003c/b\\u003e');
      expect(unicode).toContain('\\u2028');
      expect(unicode).toContain('🚨');
      expect(noMetadata).not.toContain('"metadata"');
      const keys = Object.keys(JSON.parse(manyKeys ?? '{}').metadata);
      expect(keys).toEqual([...keys].sort());
      expect(keys).toHaveLength(40);
      // No shortening: NATS takes up to 1 MiB by default.
      expect(JSON.parse(long ?? '{}').message).toHaveLength(100_000);
    } finally {
      await subscriber.close();
    }
  });

  it('reuses one named connection for later posts, and opens a new one after close()', async () => {
    const subscriber = await subscribe(server.url, 'flux.reuse');
    // The server removes closed connections (also those of earlier tests) a moment later: poll.
    const publishers = async (expected: number) => {
      let named: unknown[] = [];
      for (let poll = 0; poll < 40; poll += 1) {
        const response = await fetch(`${server.monitorUrl}/connz?limit=1000`);
        const connz = (await response.json()) as { connections?: { name?: string }[] };
        named = (connz.connections ?? []).filter(
          (connection) => connection.name === 'NATS Provider Publisher',
        );
        if (named.length === expected) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return named.length;
    };
    try {
      const sender = notifier({ address: server.url, channel: 'flux.reuse' });
      await sender.post(sampleEvent);
      await sender.post(infoEvent);
      expect(await publishers(1)).toBe(1);
      await sender.close();
      expect(await publishers(0)).toBe(0);
      await sender.post(sampleEvent);
      const received = await subscriber.next(3);
      expect(received.map((message) => text(message.data))).toEqual([
        sampleEventJson,
        encodeFluxEventJson(infoEvent),
        sampleEventJson,
      ]);
    } finally {
      await subscriber.close();
    }
  });

  it('tries the servers in the order given', async () => {
    const down = await closedLoopbackPort();
    const second = await startNatsServer();
    const subscriber = await subscribe(server.url, 'flux.list');
    try {
      await notifier({ address: `nats://127.0.0.1:${down}, ${server.url}`, channel: 'flux.list' }).post(
        sampleEvent,
      );
      // Both up: always the first (a shuffled list would reach the second one about every other time).
      for (let round = 0; round < 6; round += 1) {
        await notifier({ address: `${server.url},${second.url}`, channel: 'flux.list' }).post(sampleEvent);
      }
      expect(await subscriber.next(7)).toHaveLength(7);
    } finally {
      await subscriber.close();
      await second.dispose();
    }
  });

  it('ignores username and password when only one of them is set', async () => {
    const subscriber = await subscribe(server.url, 'flux.half');
    try {
      await notifier({ address: server.url, channel: 'flux.half', username: 'flux' }).post(sampleEvent);
      expect(await subscriber.next()).toHaveLength(1);
    } finally {
      await subscriber.close();
    }
  });
});

describeWithNats('nats with username and password', () => {
  let server: NatsTestServer;
  beforeAll(async () => {
    server = await startNatsServer({
      config: `authorization {
  users = [
    { user: "flux", password: "s3cr3t-pass" }
    { user: "limited", password: "limited-pass", permissions: { publish: { allow: ["allowed.>"] } } }
  ]
}`,
    });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('authenticates with username and password, also from the Secret', async () => {
    const subscriber = await subscribe(server.url, 'flux.auth', { user: 'flux', pass: 's3cr3t-pass' });
    try {
      await notifier({
        address: server.url,
        channel: 'flux.auth',
        username: 'flux',
        password: 's3cr3t-pass',
      }).post(sampleEvent);
      await notifier({
        address: 'nats://unused:1',
        channel: 'flux.auth',
        secret: { address: server.url, username: ' flux ', password: 's3cr3t-pass\n' },
      }).post(infoEvent);
      const received = await subscriber.next(2);
      expect(received.map((message) => text(message.data))).toEqual([
        sampleEventJson,
        encodeFluxEventJson(infoEvent),
      ]);
    } finally {
      await subscriber.close();
    }
  });

  it('fails with REJECTED on a wrong password, without showing it', async () => {
    const error = await expectNotifierError(
      notifier({
        address: server.url,
        channel: 'flux.auth',
        username: 'flux',
        password: 'wrong-pass-1234',
      }).post(sampleEvent),
    );
    expect(error.code).toBe('REJECTED');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      /^nats: error publishing event to subject flux\.auth: error connecting to server: /,
    );
    expect(error.message.toLowerCase()).toContain('authorization violation');
    expect(`${error.message} ${String(error.cause)} ${error.stack}`).not.toContain('wrong-pass-1234');
  });

  it('fails with REJECTED when the server needs credentials and none are set', async () => {
    const error = await expectNotifierError(
      notifier({ address: server.url, channel: 'flux.auth' }).post(sampleEvent),
    );
    expect(error.code).toBe('REJECTED');
  });

  it('fails with REJECTED on a publish permission violation for the subject', async () => {
    const sender = notifier({
      address: server.url,
      channel: 'denied.events',
      username: 'limited',
      password: 'limited-pass',
    });
    const started = performance.now();
    const error = await expectNotifierError(sender.post(sampleEvent));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error.code).toBe('REJECTED');
    expect(error.message).toMatch(
      /^nats: error publishing event to subject denied\.events: error publishing message to server: .*PERMISSIONS_VIOLATION/i,
    );
    expect(error.message).not.toContain('limited-pass');

    // The same user may publish where it is allowed, on the same kind of connection.
    const subscriber = await subscribe(server.url, 'allowed.events', { user: 'flux', pass: 's3cr3t-pass' });
    try {
      await notifier({
        address: server.url,
        channel: 'allowed.events',
        username: 'limited',
        password: 'limited-pass',
      }).post(sampleEvent);
      expect(await subscriber.next()).toHaveLength(1);
    } finally {
      await subscriber.close();
    }
  });
});

describeWithNats('nats with an NKey', () => {
  const user = userSeed();
  let server: NatsTestServer;
  beforeAll(async () => {
    server = await startNatsServer({ config: `authorization { users = [ { nkey: ${user.publicKey} } ] }` });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('signs the server nonce with the seed from secret.nkey, and it wins over username/password', async () => {
    const subscriber = await subscribe(server.url, 'flux.nkey', {
      authenticator: (await import('nats')).nkeyAuthenticator(new TextEncoder().encode(user.seed)),
    });
    try {
      await notifier({ address: server.url, channel: 'flux.nkey', secret: { nkey: user.seed } }).post(
        sampleEvent,
      );
      await notifier({
        address: server.url,
        channel: 'flux.nkey',
        username: 'flux',
        password: 'ignored-pass',
        secret: { nkey: `${user.seed}\n` },
      }).post(infoEvent);
      const received = await subscriber.next(2);
      expect(received.map((message) => text(message.data))).toEqual([
        sampleEventJson,
        encodeFluxEventJson(infoEvent),
      ]);
    } finally {
      await subscriber.close();
    }
  });

  it('fails with REJECTED for an NKey the server does not know, without showing the seed', async () => {
    const stranger = userSeed();
    const sender = notifier({ address: server.url, channel: 'flux.nkey', secret: { nkey: stranger.seed } });
    const error = await expectNotifierError(sender.post(sampleEvent));
    expect(error.code).toBe('REJECTED');
    expect(`${error.message} ${String(error.cause)}`).not.toContain(stranger.seed);
    expect(JSON.stringify(await sender.encode(sampleEvent))).not.toContain(stranger.seed);
  });
});

describeWithNats('nats with a credentials file (JWT)', () => {
  const setup = operatorSetup();
  const nkeyUser = userSeed();
  let server: NatsTestServer;
  beforeAll(async () => {
    server = await startNatsServer({ config: setup.config });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('authenticates with the user JWT and seed of secret.creds, which wins over nkey and username/password', async () => {
    const { credsAuthenticator } = await import('nats');
    const subscriber = await subscribe(server.url, 'flux.jwt', {
      authenticator: credsAuthenticator(new TextEncoder().encode(setup.creds)),
    });
    try {
      await notifier({ address: server.url, channel: 'flux.jwt', secret: { creds: setup.creds } }).post(
        sampleEvent,
      );
      await notifier({
        address: server.url,
        channel: 'flux.jwt',
        username: 'flux',
        password: 'ignored-pass',
        secret: { creds: setup.creds, nkey: nkeyUser.seed },
      }).post(infoEvent);
      const received = await subscriber.next(2);
      expect(received.map((message) => text(message.data))).toEqual([
        sampleEventJson,
        encodeFluxEventJson(infoEvent),
      ]);
    } finally {
      await subscriber.close();
    }
  });

  it('fails with REJECTED without credentials, and the creds never show in errors or encode', async () => {
    const error = await expectNotifierError(
      notifier({ address: server.url, channel: 'flux.jwt' }).post(sampleEvent),
    );
    expect(error.code).toBe('REJECTED');
    const sender = notifier({ address: server.url, channel: 'flux.jwt', secret: { creds: setup.creds } });
    expect(JSON.stringify(await sender.encode(sampleEvent))).not.toContain(setup.seed);
  });
});

describeWithNats('nats over TLS', () => {
  let pki: TestPki;
  let dir: string;
  let server: NatsTestServer;
  beforeAll(async () => {
    pki = await createTestPki();
    dir = await mkdtemp(join(tmpdir(), 'notiflux-nats-tls-'));
    const files = {
      ca: join(dir, 'ca.pem'),
      cert: join(dir, 'server.pem'),
      key: join(dir, 'server-key.pem'),
    };
    await writeFile(files.ca, pki.ca.cert);
    await writeFile(files.cert, pki.server.cert);
    await writeFile(files.key, pki.server.key);
    // Mutual TLS: the server also checks the client certificate against the CA.
    server = await startNatsServer({
      config: `tls { cert_file: "${files.cert}", key_file: "${files.key}", ca_file: "${files.ca}", verify: true }`,
    });
  });
  afterAll(async () => {
    await server?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('connects with tls:// and the spec’s tls CA and client certificate', async () => {
    const tls = { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key };
    const subscriber = await subscribe(server.url, 'flux.tls', { tls });
    try {
      await notifier({ address: `tls://127.0.0.1:${server.port}`, channel: 'flux.tls', tls }).post(
        sampleEvent,
      );
      const received = await subscriber.next();
      expect(received.map((message) => text(message.data))).toEqual([sampleEventJson]);
    } finally {
      await subscriber.close();
    }
  });

  it('fails without the client certificate, and without trusting the CA', async () => {
    // The server drops the handshake after the client finished it; the client only sees
    // silence, so the post ends with the timeout rather than hanging.
    const started = performance.now();
    const noClientCert = await expectNotifierError(
      notifier({ address: server.url, channel: 'flux.tls', tls: { ca: pki.ca.cert }, timeout: '800ms' }).post(
        sampleEvent,
      ),
    );
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(noClientCert.code).toBe('TIMEOUT');
    const untrusted = await expectNotifierError(
      notifier({
        address: `tls://127.0.0.1:${server.port}`,
        channel: 'flux.tls',
        tls: { cert: pki.client.cert, key: pki.client.key },
        timeout: '3s',
      }).post(sampleEvent),
    );
    expect(untrusted.code).toBe('NETWORK');
    expect(untrusted.message).toContain('error connecting to server');
  });
});

describeWithNats('nats when the server is away', () => {
  it('fails with NETWORK at once when nothing listens', async () => {
    const port = await closedLoopbackPort();
    const started = performance.now();
    const error = await expectNotifierError(
      notifier({ address: `nats://127.0.0.1:${port}`, channel: 'flux.events', timeout: '5s' }).post(
        sampleEvent,
      ),
    );
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(error.code).toBe('NETWORK');
    expect(error.message).toMatch(
      /^nats: error publishing event to subject flux\.events: error connecting to server: /,
    );
  });

  it('fails with TIMEOUT within the timeout when the server never answers', async () => {
    const silent = await startSilentServer();
    try {
      const started = performance.now();
      const error = await expectNotifierError(
        notifier({ address: silent.url, channel: 'flux.events', timeout: '700ms' }).post(sampleEvent),
      );
      const elapsed = performance.now() - started;
      expect(error.code).toBe('TIMEOUT');
      expect(elapsed).toBeGreaterThanOrEqual(600);
      expect(elapsed).toBeLessThan(2_000);
    } finally {
      await silent.close();
    }
  });

  it('does not hang while the server is down, and delivers a later post once it is back', async () => {
    const server = await startNatsServer();
    let subscriber: Awaited<ReturnType<typeof subscribe>> | undefined;
    try {
      const sender = notifier({ address: server.url, channel: 'flux.restart', timeout: '4s' });
      subscriber = await subscribe(server.url, 'flux.restart');
      await sender.post(sampleEvent);
      expect(await subscriber.next()).toHaveLength(1);
      await subscriber.close();
      subscriber = undefined;

      await server.stop();
      const started = performance.now();
      const error = await expectNotifierError(sender.post(infoEvent));
      expect(performance.now() - started).toBeLessThan(4_500);
      // TIMEOUT while the client waits to reconnect; NETWORK when the publish raced the disconnect.
      expect(['TIMEOUT', 'NETWORK']).toContain(error.code);

      await server.start();
      subscriber = await subscribe(server.url, 'flux.restart');
      // The client retries every 2 s on its own; the same notifier's next post waits for it.
      const later = { ...sampleEvent, message: 'after the restart' };
      await sender.post(later);
      const bodies = (await subscriber.next()).map((message) => text(message.data));
      // Exactly the later post: the one that failed while the server was down is not sent after all.
      expect(bodies).toEqual([encodeFluxEventJson(later)]);
    } finally {
      await subscriber?.close();
      await server.dispose();
    }
  });

  it('closes within the timeout while the server is down', async () => {
    const server = await startNatsServer();
    try {
      const sender = notifier({ address: server.url, channel: 'flux.close', timeout: '1s' });
      await sender.post(sampleEvent);
      await server.stop();
      const started = performance.now();
      await sender.close();
      expect(performance.now() - started).toBeLessThan(1_500);
    } finally {
      await server.dispose();
    }
  });

  it('honours the caller’s AbortSignal', async () => {
    const silent = await startSilentServer();
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const error = await expectNotifierError(
        notifier({ address: silent.url, channel: 'flux.events', timeout: '10s' }).post(sampleEvent, {
          signal: controller.signal,
        }),
      );
      expect(error.code).toBe('ABORTED');
    } finally {
      await silent.close();
    }
  });
});

describe('nats spec', () => {
  const invalid = (spec: Record<string, unknown>): NotifierError => {
    try {
      notifier(spec);
    } catch (error) {
      expect(error).toBeInstanceOf(NotifierError);
      expect((error as NotifierError).code).toBe('INVALID_SPEC');
      return error as NotifierError;
    }
    throw new Error('expected INVALID_SPEC');
  };

  it('requires the server and the subject, with upstream’s texts', () => {
    expect(invalid({ channel: 'test' }).message).toContain('address: NATS server (address) cannot be empty');
    expect(invalid({ address: '  ', channel: 'test' }).message).toContain(
      'address: NATS server (address) cannot be empty',
    );
    expect(invalid({ address: 'nats', channel: '' }).message).toContain(
      'channel: NATS subject (channel) cannot be empty',
    );
    expect(invalid({ address: 'nats' }).message).toContain('channel: NATS subject (channel) cannot be empty');
    expect(invalid({ address: 'nats', channel: 'flux events' }).message).toContain('channel:');
  });

  it('rejects addresses that are not NATS servers, and credentials in the URL', () => {
    expect(invalid({ address: 'http://127.0.0.1:4222', channel: 'x' }).message).toContain(
      'address: unsupported scheme',
    );
    expect(invalid({ address: 'nats://127.0.0.1:4222/path', channel: 'x' }).message).toContain('address:');
    expect(invalid({ address: ',', channel: 'x' }).message).toContain(
      'address: NATS server (address) cannot be empty',
    );
    const withPassword = invalid({ address: 'nats://flux:hunter2-pass@127.0.0.1:4222', channel: 'x' });
    expect(withPassword.message).toContain('address: must not carry credentials');
    expect(withPassword.message).not.toContain('hunter2-pass');
    const withToken = invalid({ address: 'nats://s3cr3t-token@127.0.0.1:4222', channel: 'x' });
    expect(withToken.message).toContain('address: must not carry credentials');
    expect(withToken.message).not.toContain('s3cr3t-token');
  });

  it('checks the shape of secret.nkey and secret.creds without showing them', () => {
    const badSeed = invalid({ address: 'nats', channel: 'x', secret: { nkey: 'UABC-not-a-seed' } });
    expect(badSeed.message).toContain('secret.nkey: must be an NKey user seed');
    expect(badSeed.message).not.toContain('UABC-not-a-seed');
    const badCreds = invalid({ address: 'nats', channel: 'x', secret: { creds: 'just-a-token-value' } });
    expect(badCreds.message).toContain('secret.creds: must be the content of a NATS credentials file');
    expect(badCreds.message).not.toContain('just-a-token-value');
  });

  it('parses server lists, default scheme and port, and tls://', () => {
    expect(parseNatsServers('nats, tls://broker.example:4443,nats://[::1]')).toEqual([
      { tls: false, hostPort: 'nats:4222', url: 'nats://nats:4222' },
      { tls: true, hostPort: 'broker.example:4443', url: 'tls://broker.example:4443' },
      { tls: false, hostPort: '[::1]:4222', url: 'nats://[::1]:4222' },
    ]);
  });

  it('picks credentials in upstream’s priority order', () => {
    const creds = operatorSetup().creds;
    const { seed } = userSeed();
    const both = { username: 'u', password: 'p' };
    expect(natsAuthOf({ secret: {} })).toEqual({ kind: 'none' });
    expect(natsAuthOf({ ...both, secret: {} })).toEqual({ kind: 'userpass', user: 'u', pass: 'p' });
    expect(natsAuthOf({ username: 'u', secret: {} })).toEqual({ kind: 'none' });
    expect(natsAuthOf({ ...both, secret: { nkey: seed } })).toEqual({ kind: 'nkey', seed });
    expect(natsAuthOf({ ...both, secret: { nkey: seed, creds } })).toMatchObject({ kind: 'creds' });
    // The upstream test seed.
    expect(
      natsAuthOf({ secret: { nkey: 'SUAGMJH5XLGZKQQWAWKRZJIGMOU4HPFUYLXJMXOO5NLFEO2OOQJ5LPRDPM' } }),
    ).toMatchObject({ kind: 'nkey' });
  });
});

describe('nats encode', () => {
  it('shows the first server, the subject and the exact payload, without connecting or showing secrets', async () => {
    const { seed } = userSeed();
    const sender = notifier({
      address: 'nats://127.0.0.1:4222, tls://127.0.0.2',
      channel: 'flux.events',
      username: 'flux',
      password: 'enc-pass-123',
      secret: { nkey: seed },
    });
    const encoded = await sender.encode(sampleEvent);
    expect(encoded).toEqual([
      { transport: 'nats', server: 'nats://127.0.0.1:4222', subject: 'flux.events', body: sampleEventJson },
    ]);
    expect(JSON.stringify(encoded)).not.toContain('enc-pass-123');
    expect(encodeNatsMessage(infoEvent, { address: 'nats', channel: 'c' })).toEqual({
      transport: 'nats',
      server: 'nats://nats:4222',
      subject: 'c',
      body: encodeFluxEventJson(infoEvent),
    });
  });
});
