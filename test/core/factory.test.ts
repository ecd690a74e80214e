import {
  createNotifierFactory,
  type Deadline,
  defineProvider,
  importOptionalPeer,
  NotifierError,
  type OutgoingMessage,
  requiredString,
} from '@notiflux/core';
import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../support/sample-events.js';

/** A broker-style provider whose connection records what it was given. */
function recordingBroker() {
  const delivered: OutgoingMessage[] = [];
  let opened = 0;
  let closed = 0;
  const definition = defineProvider({
    type: 'test-broker',
    spec: { address: requiredString('the server'), channel: requiredString('the subject') },
    encode: (event, spec) => [
      { transport: 'nats', server: spec.address, subject: spec.channel, body: event.message },
    ],
    async connect() {
      opened++;
      return {
        async deliver(message: OutgoingMessage, deadline: Deadline) {
          expect(deadline.signal.aborted).toBe(false);
          delivered.push(message);
        },
        async close() {
          closed++;
        },
      };
    },
  });
  return { definition, delivered, counts: () => ({ opened, closed }) };
}

async function rejection(promise: Promise<unknown>): Promise<NotifierError> {
  try {
    await promise;
  } catch (error) {
    return error as NotifierError;
  }
  throw new Error('expected a rejection');
}

describe('notifier lifecycle', () => {
  it('connects on the first post, reuses the connection, and closes it', async () => {
    const broker = recordingBroker();
    const notifier = createNotifierFactory([broker.definition])({
      type: 'test-broker',
      address: 'nats://127.0.0.1:4222',
      channel: 'flux',
    });
    expect(broker.counts()).toEqual({ opened: 0, closed: 0 });
    await notifier.post(sampleEvent);
    await notifier.post(sampleEvent);
    expect(broker.counts()).toEqual({ opened: 1, closed: 0 });
    expect(broker.delivered).toEqual([
      { transport: 'nats', server: 'nats://127.0.0.1:4222', subject: 'flux', body: sampleEvent.message },
      { transport: 'nats', server: 'nats://127.0.0.1:4222', subject: 'flux', body: sampleEvent.message },
    ]);
    await notifier.close();
    expect(broker.counts()).toEqual({ opened: 1, closed: 1 });
    await notifier.post(sampleEvent);
    expect(broker.counts()).toEqual({ opened: 2, closed: 1 });
  });

  it('encodes without connecting', async () => {
    const broker = recordingBroker();
    const notifier = createNotifierFactory([broker.definition])({
      type: 'test-broker',
      address: 'nats://127.0.0.1:4222',
      channel: 'flux',
    });
    expect(await notifier.encode(sampleEvent)).toEqual([
      { transport: 'nats', server: 'nats://127.0.0.1:4222', subject: 'flux', body: sampleEvent.message },
    ]);
    expect(broker.counts().opened).toBe(0);
  });

  it('rejects an invalid event before connecting or sending', async () => {
    const broker = recordingBroker();
    const notifier = createNotifierFactory([broker.definition])({
      type: 'test-broker',
      address: 'x',
      channel: 'y',
    });
    await expect(notifier.post({ ...sampleEvent, severity: 'loud' } as never)).rejects.toMatchObject({
      code: 'INVALID_EVENT',
    });
    await expect(notifier.encode({ ...sampleEvent, timestamp: 'now' })).rejects.toMatchObject({
      code: 'INVALID_EVENT',
    });
    expect(broker.counts().opened).toBe(0);
  });

  it('rejects with ABORTED when the caller aborted before posting', async () => {
    const broker = recordingBroker();
    const notifier = createNotifierFactory([broker.definition])({
      type: 'test-broker',
      address: 'x',
      channel: 'y',
    });
    await expect(notifier.post(sampleEvent, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ABORTED',
    });
    expect(broker.delivered).toHaveLength(0);
  });

  it('lets callers add their own provider types next to the built-in ones', async () => {
    const broker = recordingBroker();
    const createNotifier = createNotifierFactory([]);
    expect(() => createNotifier({ type: 'test-broker', address: 'x', channel: 'y' })).toThrow(NotifierError);
    const notifier = createNotifier(
      { type: 'test-broker', address: 'x', channel: 'y' },
      { providers: [broker.definition] },
    );
    await notifier.post(sampleEvent);
    expect(broker.delivered).toHaveLength(1);
  });

  it('wraps unexpected provider failures as NotifierError with a redacted cause', async () => {
    const leaky = defineProvider({
      type: 'leaky',
      spec: { token: requiredString('the key') },
      encode: () => [],
      async send(_event, { spec }) {
        throw new Error(`SDK exploded while using ${spec.token}`, {
          cause: new Error(`inner ${spec.token}`),
        });
      },
    });
    const notifier = createNotifierFactory([leaky])({ type: 'leaky', token: 'sk-live-12345' });
    const error = await rejection(notifier.post(sampleEvent));
    expect(error).toBeInstanceOf(NotifierError);
    expect(error.code).toBe('NETWORK');
    expect(error.message).toBe('leaky: SDK exploded while using <redacted>');
    expect(String((error.cause as Error).message)).toBe('SDK exploded while using <redacted>');
    expect(String(((error.cause as Error).cause as Error).message)).toBe('inner <redacted>');
  });
});

describe('importOptionalPeer', () => {
  it('names the package to install when an optional SDK is absent', async () => {
    const sdkless = defineProvider({
      type: 'sdkless',
      encode: () => [],
      async connect() {
        await importOptionalPeer(
          '@notiflux-test/absent-sdk',
          () => import('@notiflux-test/absent-sdk' as string),
          'sdkless',
        );
        throw new Error('unreachable');
      },
    });
    const notifier = createNotifierFactory([sdkless])({ type: 'sdkless' });
    const error = await rejection(notifier.post(sampleEvent));
    expect(error).toBeInstanceOf(NotifierError);
    expect(error.code).toBe('MISSING_DEPENDENCY');
    expect(error.providerType).toBe('sdkless');
    expect(error.message).toContain('npm install @notiflux-test/absent-sdk');
  });

  it('passes other import failures through', async () => {
    const boom = new Error('syntax error in SDK');
    await expect(importOptionalPeer('some-sdk', () => Promise.reject(boom))).rejects.toBe(boom);
  });
});
