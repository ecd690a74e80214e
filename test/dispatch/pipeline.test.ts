import { createDispatcher, type DeliveryReport, duplicateKey } from '@notiflux/dispatch';
import { type Event, NotifierError } from '@notiflux/providers';
import { afterEach, describe, expect, it } from 'vitest';
import { type RecordingServer, startRecordingServer } from '../support/recording-server.js';
import { alert, manifests, provider, rawErrorEvent, rawEvent } from './manifest-builders.js';
import { recordingQueue } from './recording-queue.js';

const servers: RecordingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(): Promise<RecordingServer> {
  const started = await startRecordingServer();
  servers.push(started);
  return started;
}

const appsAlert = (name: string, extra: object = {}, providerName = 'hook') =>
  alert(
    name,
    { providerRef: { name: providerName }, eventSources: [{ kind: 'Kustomization', name: '*' }], ...extra },
    'apps',
  );

describe('dispatch: from an event to the request a provider receives', () => {
  it('cleans, merges and posts through the memory queue, reporting each outcome', async () => {
    const hook = await server();
    const dispatcher = createDispatcher(
      manifests({
        providers: [provider('hook', { type: 'generic', address: `${hook.url}/hook` }, 'apps')],
        alerts: [appsAlert('webapp', { eventMetadata: { env: 'prod' } })],
      }),
    );
    const reports: DeliveryReport[] = [];
    dispatcher.on('delivery', (report) => reports.push(report));
    const result = await dispatcher.dispatch(rawErrorEvent, { sourceMetadata: { cluster: 'prod-eu' } });
    expect(result.status).toBe('accepted');
    await dispatcher.drain();
    expect(hook.requests).toHaveLength(1);
    const body = JSON.parse(hook.requests[0]?.body ?? '');
    expect(body.metadata).toEqual({
      cluster: 'prod-eu',
      env: 'prod',
      revision: 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1',
      summary: 'Cluster: prod-eu',
    });
    expect(reports).toMatchObject([
      { state: 'delivered', attempts: 1, alert: { name: 'webapp', namespace: 'apps' } },
    ]);
    expect(result.status === 'accepted' && result.deliveries[0]?.id).toBe(reports[0]?.id);
    await dispatcher.close();
  });

  it("keeps the queued delivery apart from the caller's result: changes to the result never reach the post", async () => {
    const hook = await server();
    const dispatcher = createDispatcher(
      manifests({
        providers: [provider('hook', { type: 'generic', address: `${hook.url}/hook` }, 'apps')],
        alerts: [appsAlert('webapp', { eventMetadata: { env: 'prod' } })],
      }),
    );
    const result = await dispatcher.dispatch(rawErrorEvent);
    if (result.status !== 'accepted') throw new Error(`not accepted: ${result.status}`);
    const [delivery] = result.deliveries;
    const event = delivery?.event as Event;
    // The queue keeps the dispatcher's own copy: none of the event's three objects is shared.
    event.message = 'changed by the caller';
    (event.metadata as Record<string, string>).env = 'changed';
    event.involvedObject.name = 'changed';
    // The Alert and Provider are the configuration's own, shared by every delivery: frozen.
    expect(Object.isFrozen(delivery?.alert)).toBe(true);
    expect(Object.isFrozen(delivery?.provider)).toBe(true);
    expect(() => {
      (delivery?.alert as { name: string }).name = 'changed';
    }).toThrow(TypeError);
    await dispatcher.drain();
    const body = JSON.parse(hook.requests[0]?.body ?? '');
    expect(body.message).toBe(rawErrorEvent.message);
    expect(body.metadata.env).toBe('prod');
    expect(body.involvedObject.name).toBe(rawErrorEvent.involvedObject.name);
    await dispatcher.close();
  });

  it('rejects an invalid event with INVALID_EVENT before counting it', async () => {
    const queue = recordingQueue();
    const dispatcher = createDispatcher(
      manifests({
        providers: [provider('hook', { type: 'generic', address: 'http://127.0.0.1:9/' }, 'apps')],
        alerts: [appsAlert('webapp')],
      }),
      { queue },
    );
    const invalid = { ...rawErrorEvent, severity: 'fatal' } as unknown as Event;
    await expect(dispatcher.dispatch(invalid)).rejects.toMatchObject({ code: 'INVALID_EVENT' });
    await expect(dispatcher.dispatch(invalid)).rejects.toBeInstanceOf(NotifierError);
    // Not counted: the valid event still passes once.
    expect((await dispatcher.dispatch(rawErrorEvent)).status).toBe('accepted');
    expect((await dispatcher.dispatch(rawErrorEvent)).status).toBe('suppressed');
    await dispatcher.close();
  });
});

describe('duplicate suppression', () => {
  it('reproduces the upstream key vectors', () => {
    const { 'kustomize.toolkit.fluxcd.io/token': _token, ...withoutToken } = rawErrorEvent.metadata ?? {};
    const clean = (metadata: Record<string, string>) => ({
      ...rawErrorEvent,
      metadata: Object.fromEntries(Object.entries(metadata).filter(([key]) => !key.startsWith('source.'))),
    });
    expect(duplicateKey(clean(withoutToken))).toBe(
      '5171932d0171d840d12182736734889075214d63bbddf27cdc3fa2c9d396ee43',
    );
    expect(duplicateKey(clean(rawErrorEvent.metadata ?? {}))).toBe(
      '798237cd2393d00d1274a0d820cc477e8480491b36e56cd4e9870a2d451d3f27',
    );
  });

  it('uses fixed windows from the first event, with the injected clock; 0 turns it off', async () => {
    let now = 1_000_000;
    const queue = recordingQueue();
    const dispatcher = createDispatcher(
      manifests({
        providers: [provider('hook', { type: 'generic', address: 'http://127.0.0.1:9/' }, 'apps')],
        alerts: [appsAlert('webapp')],
      }),
      { queue, clock: () => now },
    );
    const statusAt = async (
      ms: number,
      event: Event = rawErrorEvent,
      sourceMetadata?: Record<string, string>,
    ) => {
      now = 1_000_000 + ms;
      return (await dispatcher.dispatch(event, sourceMetadata ? { sourceMetadata } : {})).status;
    };
    const minute = 60_000;
    expect(await statusAt(0)).toBe('accepted');
    const suppressed = await dispatcher.dispatch(rawErrorEvent);
    expect(suppressed).toMatchObject({
      status: 'suppressed',
      key: duplicateKey({ ...rawErrorEvent, metadata: { ...rawErrorEvent.metadata } }),
      rateLimit: { limit: 1, remaining: 0, resetAt: 1_000_000 + 5 * minute },
    });
    expect(await statusAt(4 * minute + 59_000)).toBe('suppressed');
    // Severity, reason and timestamp are not part of the key.
    expect(
      await statusAt(4 * minute, {
        ...rawErrorEvent,
        severity: 'info',
        reason: 'Other',
        timestamp: '2023-01-01T00:00:00Z',
      }),
    ).toBe('suppressed');
    // Another cluster's identical event is not a duplicate.
    expect(await statusAt(4 * minute, rawErrorEvent, { cluster: 'prod-us' })).toBe('accepted');
    expect(await statusAt(5 * minute)).toBe('accepted');
    expect(await statusAt(5 * minute + 1_000)).toBe('suppressed');
    expect(await statusAt(9 * minute + 59_000)).toBe('suppressed');
    expect(await statusAt(10 * minute)).toBe('accepted');
    // A new revision is a new key.
    const next = {
      ...rawErrorEvent,
      metadata: { ...rawErrorEvent.metadata, 'kustomize.toolkit.fluxcd.io/revision': 'main@sha1:1' },
    };
    expect(await statusAt(10 * minute + 1, next)).toBe('accepted');
    await dispatcher.close();

    const off = createDispatcher(
      manifests({
        providers: [provider('hook', { type: 'generic', address: 'http://127.0.0.1:9/' }, 'apps')],
        alerts: [appsAlert('webapp')],
      }),
      { queue: recordingQueue(), rateLimit: { intervalMs: 0 } },
    );
    expect((await off.dispatch(rawErrorEvent)).status).toBe('accepted');
    const again = await off.dispatch(rawErrorEvent);
    expect(again.status).toBe('accepted');
    expect(again.rateLimit).toBeUndefined();
    await off.close();
  });

  it('counts an event that matches no Alert', async () => {
    const dispatcher = createDispatcher(
      manifests({
        providers: [provider('hook', { type: 'generic', address: 'http://127.0.0.1:9/' }, 'apps')],
        alerts: [appsAlert('webapp')],
      }),
      { queue: recordingQueue() },
    );
    const elsewhere = rawEvent({ involvedObject: { kind: 'HelmRelease', name: 'x', namespace: 'other' } });
    expect((await dispatcher.dispatch(elsewhere)).status).toBe('no-match');
    expect((await dispatcher.dispatch(elsewhere)).status).toBe('suppressed');
    await dispatcher.close();
  });
});

describe('memoryRateLimitStore.peek', () => {
  it('answers what take would, without taking the token', async () => {
    const { memoryRateLimitStore } = await import('@notiflux/dispatch');
    const store = memoryRateLimitStore({ clock: () => 0 });
    const interval = 300_000;
    expect(await store.peek('k', interval, 1_000)).toEqual({ allowed: true, resetAt: 301_000 });
    expect(await store.peek('k', interval, 1_000)).toMatchObject({ allowed: true });
    expect(await store.take('k', interval, 1_000)).toEqual({ allowed: true, resetAt: 301_000 });
    expect(await store.peek('k', interval, 300_999)).toEqual({ allowed: false, resetAt: 301_000 });
    expect(await store.peek('k', interval, 301_000)).toEqual({ allowed: true, resetAt: 601_000 });
    // Peeking did not take the next window's token.
    expect(await store.take('k', interval, 301_000)).toEqual({ allowed: true, resetAt: 601_000 });
    expect(await store.peek('k', interval, 400_000)).toMatchObject({ allowed: false });
    await store.close();
  });
});

describe('options', () => {
  it('refuses a negative or non-finite rate-limit interval', () => {
    for (const intervalMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createDispatcher(manifests({}), { rateLimit: { intervalMs } })).toThrow(
        'rateLimit.intervalMs must be a number of milliseconds >= 0 (0 turns it off)',
      );
    }
  });
});
