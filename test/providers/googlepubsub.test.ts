import { generateKeyPairSync } from 'node:crypto';
import dns from 'node:dns';
import net from 'node:net';
import { type Event, encodeFluxEventJson } from '@notiflux/core';
import { NotifierError, type ProviderSpec, type ProviderSpecFor } from '@notiflux/providers';
import {
  encodeGooglePubSubMessage,
  googlePubSubTopicName,
  googlepubsubProvider,
} from '@notiflux/providers/googlepubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnLoopback } from '../support/listen-on-loopback.js';
import { isLoopbackHost } from '../support/loopback-guard.js';
import { useProviderHarness } from '../support/provider-harness.js';
import { type PubSubEmulator, startPubSubEmulator } from '../support/pubsub-emulator.js';
import { rejection } from '../support/rejection.js';
import { sampleEvent, sampleEventJson } from '../support/sample-events.js';
import { describeNeeding, isMissing } from '../support/test-services.js';

const describeWithEmulator = describeNeeding('pubsub-emulator');

const { notifier } = useProviderHarness();
const PROJECT = 'test';

let emulator: PubSubEmulator;
let counter = 0;

beforeAll(async () => {
  // The setup file sets it too: without it the auth library would probe the metadata server.
  process.env.METADATA_SERVER_DETECTION = 'none';
  if (isMissing('pubsub-emulator')) return;
  emulator = await startPubSubEmulator();
  // The SDK reads it when a client is created (at the first post): all posts go to the emulator.
  process.env.PUBSUB_EMULATOR_HOST = emulator.host;
});

afterAll(async () => {
  delete process.env.PUBSUB_EMULATOR_HOST;
  await emulator?.stop();
});

/** A fresh topic with one subscription. */
async function freshTopic(): Promise<{ topic: string; subscription: string }> {
  counter += 1;
  const topic = `flux-events-${counter}`;
  const subscription = `flux-sub-${counter}`;
  await emulator.createTopic(PROJECT, topic);
  await emulator.createSubscription(PROJECT, subscription, topic);
  return { topic, subscription };
}

function pubsubNotifier(spec: Omit<ProviderSpecFor<'googlepubsub'>, 'type'>) {
  return notifier({ type: 'googlepubsub', ...spec }, { providers: [googlepubsubProvider] });
}

function fakeServiceAccount() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    json: JSON.stringify({
      type: 'service_account',
      project_id: PROJECT,
      private_key_id: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      private_key: privateKeyPem,
      client_email: 'flux-notifier@test.iam.gserviceaccount.com',
      client_id: '109876543210987654321',
      token_uri: 'https://oauth2.googleapis.com/token',
    }),
    privateKeyPem,
  };
}

/** Records every socket connect and DNS lookup the process makes while `work` runs. */
async function recordConnections(work: () => Promise<void>): Promise<string[]> {
  const targets: string[] = [];
  const connect = net.Socket.prototype.connect;
  const lookup = dns.lookup;
  net.Socket.prototype.connect = function recordingConnect(this: net.Socket, ...args: unknown[]) {
    const [first, second] = args;
    const options = Array.isArray(first) ? first[0] : first;
    if (options && typeof options === 'object') {
      const { host, path } = options as { host?: string; path?: string };
      targets.push(path ? `unix:${path}` : String(host ?? 'localhost'));
    } else {
      targets.push(typeof second === 'string' ? second : 'localhost');
    }
    return (connect as (...rest: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;
  // biome-ignore lint/suspicious/noExplicitAny: dns.lookup has several overloads
  (dns as any).lookup = (hostname: string, ...rest: unknown[]) => {
    targets.push(`dns:${hostname}`);
    // biome-ignore lint/suspicious/noExplicitAny: forwarding the original overloads
    return (lookup as any).call(dns, hostname, ...rest);
  };
  try {
    await work();
  } finally {
    net.Socket.prototype.connect = connect;
    // biome-ignore lint/suspicious/noExplicitAny: restoring the patched entry point
    (dns as any).lookup = lookup;
  }
  return targets;
}

/** Runs `work` with the client pointed at another emulator address. */
async function withEmulatorHost(host: string, work: () => Promise<void>): Promise<void> {
  process.env.PUBSUB_EMULATOR_HOST = host;
  try {
    await work();
  } finally {
    process.env.PUBSUB_EMULATOR_HOST = emulator.host;
  }
}

describeWithEmulator('googlepubsub: publishing to the emulator', () => {
  it('publishes the sample event as Go-canonical JSON with headers as attributes', async () => {
    const { topic, subscription } = await freshTopic();
    await pubsubNotifier({
      address: PROJECT,
      channel: topic,
      headers: { 'attr1-name': 'attr1-value' },
      secret: { headers: 'attr2-name: attr2-value' },
    }).post(sampleEvent);
    const [message, ...more] = await emulator.pull(PROJECT, subscription, 1);
    expect(more).toEqual([]);
    expect(message?.data).toBe(sampleEventJson);
    expect(JSON.parse(message?.data ?? '')).toEqual(sampleEvent);
    expect(message?.attributes).toEqual({ 'attr1-name': 'attr1-value', 'attr2-name': 'attr2-value' });
  });

  it('sends no attributes without headers', async () => {
    const { topic, subscription } = await freshTopic();
    await pubsubNotifier({ address: PROJECT, channel: topic }).post(sampleEvent);
    const [message] = await emulator.pull(PROJECT, subscription, 1);
    expect(message?.data).toBe(sampleEventJson);
    expect(message?.attributes ?? {}).toEqual({});
  });

  it('forwards info events, multi-line unicode messages and HTML characters unchanged', async () => {
    const { topic, subscription } = await freshTopic();
    const info: Event = {
      ...sampleEvent,
      severity: 'info',
      reason: 'ReconciliationSucceeded',
      message: 'Applied <b>revision</b> & "quoted"\nzweite Zeile: Größe ✓ 🚀\u2028end',
    };
    const publisher = pubsubNotifier({ address: PROJECT, channel: topic });
    await publisher.post(info);
    const [message] = await emulator.pull(PROJECT, subscription, 1);
    expect(message?.data).toBe(encodeFluxEventJson(info));
    expect(message?.data).toContain(
      'Applied \\u003cb\\u003erevision\\u003c/b\\u003e \\u0026 \\"quoted\\"\\nzweite',
    );
    expect(message?.data).toContain('Größe ✓ 🚀\\u2028end');
    expect(JSON.parse(message?.data ?? '')).toEqual(info);
  });

  it('publishes events without metadata, and with many metadata keys sorted', async () => {
    const { topic, subscription } = await freshTopic();
    const { metadata: _, ...withoutMetadata } = sampleEvent;
    const metadata: Record<string, string> = {};
    for (let index = 30; index > 0; index -= 1)
      metadata[`key-${String(index).padStart(2, '0')}`] = `value ${index}`;
    const publisher = pubsubNotifier({ address: PROJECT, channel: topic });
    await publisher.post(withoutMetadata);
    await publisher.post({ ...sampleEvent, metadata });
    const messages = await emulator.pull(PROJECT, subscription, 2);
    const bodies = messages.map((message) => message.data).sort((a, b) => a.length - b.length);
    expect(bodies[0]).toBe(encodeFluxEventJson(withoutMetadata));
    expect(bodies[0]).not.toContain('"metadata"');
    const keys = Object.keys(JSON.parse(bodies[1] ?? '{}').metadata);
    expect(keys).toHaveLength(30);
    expect(keys).toEqual([...keys].sort());
  });

  it('publishes long messages whole (Pub/Sub takes up to 10 MB)', async () => {
    const { topic, subscription } = await freshTopic();
    const long = { ...sampleEvent, message: 'x'.repeat(200_000) };
    await pubsubNotifier({ address: PROJECT, channel: topic }).post(long);
    const [message] = await emulator.pull(PROJECT, subscription, 1);
    expect(message?.data).toBe(encodeFluxEventJson(long));
  });

  it('takes a full topic name in channel, which wins over address', async () => {
    const { topic, subscription } = await freshTopic();
    await pubsubNotifier({ address: 'another-project', channel: `projects/${PROJECT}/topics/${topic}` }).post(
      sampleEvent,
    );
    const [message] = await emulator.pull(PROJECT, subscription, 1);
    expect(message?.data).toBe(sampleEventJson);
  });

  it('reuses one client across posts, and opens a new one after close()', async () => {
    const { topic, subscription } = await freshTopic();
    const publisher = pubsubNotifier({ address: PROJECT, channel: topic });
    await Promise.all([1, 2, 3].map((n) => publisher.post({ ...sampleEvent, reason: `R${n}` })));
    await publisher.close();
    await publisher.post({ ...sampleEvent, reason: 'R4' });
    const messages = await emulator.pull(PROJECT, subscription, 4);
    expect(messages.map((message) => JSON.parse(message.data).reason).sort()).toEqual([
      'R1',
      'R2',
      'R3',
      'R4',
    ]);
  });

  it('fails with REJECTED naming the topic when it does not exist', async () => {
    const error = await rejection(
      pubsubNotifier({ address: PROJECT, channel: 'no-such-topic' }).post(sampleEvent),
    );
    expect(error.code).toBe('REJECTED');
    expect(error.providerType).toBe('googlepubsub');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      /^googlepubsub: error publishing to GCP Pub\/Sub topic projects\/test\/topics\/no-such-topic: 5 NOT_FOUND: Topic not found$/,
    );
  });
});

describeWithEmulator('googlepubsub: credentials', () => {
  it('publishes with service-account JSON without contacting anything but the emulator', async () => {
    const { topic, subscription } = await freshTopic();
    const account = fakeServiceAccount();
    const targets = await recordConnections(async () => {
      await pubsubNotifier({
        address: PROJECT,
        channel: topic,
        token: account.json,
        headers: { cluster: 'prod-eu' },
      }).post(sampleEvent);
    });
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((target) => !isLoopbackHost(target))).toEqual([]);
    const [message] = await emulator.pull(PROJECT, subscription, 1);
    expect(message?.data).toBe(sampleEventJson);
    expect(message?.attributes).toEqual({ cluster: 'prod-eu' });
  });

  it('never shows the credentials in errors or encode()', async () => {
    const account = fakeServiceAccount();
    const publisher = pubsubNotifier({ address: PROJECT, channel: 'missing-topic', token: account.json });
    const error = await rejection(publisher.post(sampleEvent));
    expect(error.code).toBe('REJECTED');
    const keyLine = account.privateKeyPem.split('\n')[1] ?? '';
    expect(keyLine.length).toBeGreaterThan(20);
    const shown = [
      error.message,
      String(error.cause),
      error.stack ?? '',
      JSON.stringify(await publisher.encode(sampleEvent)),
    ];
    for (const text of shown) {
      expect(text).not.toContain(keyLine);
      expect(text).not.toContain('PRIVATE KEY');
    }
  });

  it('rejects credentials JSON of an unknown kind at the first post, without echoing it', async () => {
    const token = JSON.stringify({ type: 'mystery_credentials', secret_field: 'hunter2-very-secret' });
    const error = await rejection(
      pubsubNotifier({ address: PROJECT, channel: 'any-topic', token }).post(sampleEvent),
    );
    expect(error.code).toBe('REJECTED');
    expect(error.message).toMatch(/^googlepubsub: cannot use the credentials in token: /);
    expect(error.message).not.toContain('hunter2');
  });
});

describe('googlepubsub: deadlines', () => {
  it('fails within the timeout when nothing listens (NETWORK or TIMEOUT)', async () => {
    const probe = net.createServer();
    const port = await listenOnLoopback(probe);
    await new Promise((resolve) => probe.close(resolve));
    await withEmulatorHost(`127.0.0.1:${port}`, async () => {
      const started = performance.now();
      const error = await rejection(
        pubsubNotifier({ address: PROJECT, channel: 'down', timeout: '1s' }).post(sampleEvent),
      );
      expect(['NETWORK', 'TIMEOUT']).toContain(error.code);
      expect(error.retryable).toBe(true);
      expect(error.message).toContain('projects/test/topics/down');
      expect(performance.now() - started).toBeLessThan(3_000);
    });
  });

  it('times out against a server that accepts connections but never answers', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    const port = await listenOnLoopback(silent);
    try {
      await withEmulatorHost(`127.0.0.1:${port}`, async () => {
        const started = performance.now();
        const error = await rejection(
          pubsubNotifier({ address: PROJECT, channel: 'silent', timeout: '700ms' }).post(sampleEvent),
        );
        expect(error.code).toBe('TIMEOUT');
        expect(error.message).toContain('projects/test/topics/silent');
        expect(performance.now() - started).toBeLessThan(2_500);
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('stops at once when the caller aborts', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    const port = await listenOnLoopback(silent);
    try {
      await withEmulatorHost(`127.0.0.1:${port}`, async () => {
        const controller = new AbortController();
        const posting = pubsubNotifier({ address: PROJECT, channel: 'silent' }).post(sampleEvent, {
          signal: controller.signal,
        });
        setTimeout(() => controller.abort(), 300);
        const started = performance.now();
        const error = await rejection(posting);
        expect(error.code).toBe('ABORTED');
        expect(performance.now() - started).toBeLessThan(2_000);
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describeWithEmulator('googlepubsub: spec validation', () => {
  const invalid = (spec: Omit<ProviderSpec, 'type'>) => {
    try {
      // Deliberately incomplete specs: the run-time checks are under test.
      pubsubNotifier(spec as Omit<ProviderSpecFor<'googlepubsub'>, 'type'>);
    } catch (error) {
      expect(error).toBeInstanceOf(NotifierError);
      expect((error as NotifierError).code).toBe('INVALID_SPEC');
      return (error as NotifierError).message;
    }
    throw new Error('expected INVALID_SPEC');
  };

  it('requires the project ID and the topic, with upstream messages', () => {
    expect(invalid({ channel: 'flux-events' })).toBe(
      'invalid googlepubsub provider spec: address: GCP project ID cannot be empty',
    );
    expect(invalid({ address: '', channel: 'flux-events' })).toBe(
      'invalid googlepubsub provider spec: address: GCP project ID cannot be empty',
    );
    expect(invalid({ address: 'project-id', channel: '' })).toBe(
      'invalid googlepubsub provider spec: channel: GCP Pub/Sub topic ID cannot be empty',
    );
    expect(invalid({})).toBe(
      'invalid googlepubsub provider spec: address: GCP project ID cannot be empty; channel: GCP Pub/Sub topic ID cannot be empty',
    );
  });

  it('rejects a project that is not an ID and a topic that is neither an ID nor a full name', () => {
    expect(invalid({ address: 'https://pubsub.googleapis.com', channel: 't' })).toContain(
      'address: must be a GCP project ID',
    );
    expect(invalid({ address: 'p', channel: 'projects/p/subscriptions/s' })).toContain(
      'channel: must be a Pub/Sub topic ID (flux-events) or a full topic name',
    );
  });

  it('rejects a token that is not usable JSON credentials, without quoting it', () => {
    const notJson = 'ya29.not-json-at-all-secret';
    const message = invalid({ address: 'p', channel: 't', token: notJson });
    expect(message).toContain('token: must be Google JSON credentials');
    expect(message).not.toContain('ya29');
    expect(invalid({ address: 'p', channel: 't', token: '["a"]' })).toContain(
      'token: must be Google JSON credentials',
    );
    expect(invalid({ address: 'p', channel: 't', token: '{"client_email":"a@b"}' })).toContain('"type"');
    expect(
      invalid({ address: 'p', channel: 't', token: '{"type":"service_account","client_email":"a@b"}' }),
    ).toContain('token: service-account credentials need "client_email" and "private_key"');
  });

  it('reads the project and the token from the Secret (whose values encode() hides)', async () => {
    const { topic, subscription } = await freshTopic();
    const account = fakeServiceAccount();
    const publisher = pubsubNotifier({ channel: topic, secret: { address: PROJECT, token: account.json } });
    await publisher.post(sampleEvent);
    const [message] = await emulator.pull(PROJECT, subscription, 1);
    expect(message?.data).toBe(sampleEventJson);
    // The core treats every Secret value as a secret, the project ID too.
    const [shown] = await publisher.encode(sampleEvent);
    expect(shown).toMatchObject({ project: '<redacted>', topic: `projects/<redacted>/topics/${topic}` });
  });
});

describe('googlepubsub: encode', () => {
  it('shows the message post would publish, without the credentials', async () => {
    const account = fakeServiceAccount();
    const publisher = pubsubNotifier({
      address: 'my-project',
      channel: 'flux-events',
      token: account.json,
      headers: { foo: 'bar' },
    });
    expect(await publisher.encode(sampleEvent)).toEqual([
      {
        transport: 'pubsub',
        project: 'my-project',
        topic: 'projects/my-project/topics/flux-events',
        body: sampleEventJson,
        attributes: { foo: 'bar' },
      },
    ]);
  });

  it('exports a pure encoder and the topic-name rule', () => {
    expect(encodeGooglePubSubMessage(sampleEvent, { address: 'p', channel: 'projects/q/topics/t' })).toEqual({
      transport: 'pubsub',
      project: 'q',
      topic: 'projects/q/topics/t',
      body: sampleEventJson,
      attributes: {},
    });
    expect(googlePubSubTopicName({ address: 'p', channel: 't' })).toBe('projects/p/topics/t');
  });

  it('reproduces upstream serializer vectors byte for byte', () => {
    const onlyMetadata = {
      involvedObject: {},
      severity: '',
      timestamp: '',
      message: '',
      reason: '',
      metadata: { foo: 'bar' },
      reportingController: '',
    } as unknown as Event;
    const empty = {
      involvedObject: {},
      severity: '',
      timestamp: '',
      message: '',
      reason: '',
      reportingController: '',
    } as unknown as Event;
    expect(encodeGooglePubSubMessage(onlyMetadata, { address: 'p', channel: 't' }).body).toBe(
      '{"involvedObject":{},"severity":"","timestamp":null,"message":"","reason":"","metadata":{"foo":"bar"},"reportingController":""}',
    );
    expect(encodeGooglePubSubMessage(empty, { address: 'p', channel: 't' }).body).toBe(
      '{"involvedObject":{},"severity":"","timestamp":null,"message":"","reason":"","reportingController":""}',
    );
  });
});
