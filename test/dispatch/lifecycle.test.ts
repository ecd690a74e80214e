import { createDispatcher, type DeliveryReport, memoryQueue } from '@notiflux/dispatch';
import { afterEach, describe, expect, it } from 'vitest';
import { type RecordingServer, startRecordingServer } from '../support/recording-server.js';
import { alert, manifests, provider, rawEvent } from './manifest-builders.js';
import { recordingQueue } from './recording-queue.js';

const servers: RecordingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const config = (address: string, extra: object = {}) =>
  manifests({
    providers: [provider('hook', { type: 'generic', address, ...extra }, 'foo-ns')],
    alerts: [
      alert(
        'a',
        { providerRef: { name: 'hook' }, eventSources: [{ kind: 'Kustomization', name: '*' }] },
        'foo-ns',
      ),
    ],
  });

/** Computed by the build before the id's canonical JSON was rewritten: the text, so the ids, must stay. */
const PINNED_ID = 'e4c7d490ddb61cb0f1992d18c4d83dac';
const PINNED_METADATA_ID = '9ca8244973d78e5817c43e6032c0914a';

describe('delivery ids', () => {
  const idOf = async (event = rawEvent(), sourceMetadata?: Record<string, string>) => {
    const dispatcher = createDispatcher(config('http://127.0.0.1:9/'), {
      queue: recordingQueue(),
      rateLimit: { intervalMs: 0 },
    });
    const result = await dispatcher.dispatch(event, sourceMetadata ? { sourceMetadata } : {});
    await dispatcher.close();
    return result.status === 'accepted' ? result.deliveries[0]?.id : undefined;
  };

  it('are stable for the same request, whatever its key order, and differ for another', async () => {
    const first = await idOf();
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    const { involvedObject, ...rest } = rawEvent();
    expect(await idOf({ ...rest, involvedObject } as ReturnType<typeof rawEvent>)).toBe(first);
    expect(await idOf(rawEvent({ timestamp: '2022-10-28T07:26:20Z' }))).not.toBe(first);
    expect(await idOf(rawEvent(), { cluster: 'prod-eu' })).not.toBe(first);
    expect(await idOf(rawEvent(), { cluster: 'prod-us' })).not.toBe(
      await idOf(rawEvent(), { cluster: 'prod-eu' }),
    );
  });

  it('do not change between versions (queues in Redis keep them across an upgrade)', async () => {
    // Metadata in another order, and more keys than a short sort handles, give the same text.
    const metadata: Record<string, string> = {};
    for (let index = 20; index > 0; index--) metadata[`key-${index}`] = `value "${index}" é`;
    expect(await idOf()).toBe(PINNED_ID);
    expect(await idOf(rawEvent({ metadata }))).toBe(PINNED_METADATA_ID);
    const reversed = Object.fromEntries(Object.entries(metadata).reverse());
    expect(await idOf(rawEvent({ metadata: reversed }))).toBe(PINNED_METADATA_ID);
    const few = { b: '1', a: '2', 'c\u00e9': '3' };
    expect(await idOf(rawEvent({ metadata: few }))).toBe(
      await idOf(rawEvent({ metadata: { 'c\u00e9': '3', a: '2', b: '1' } })),
    );
  });

  it('queue a re-sent request once', async () => {
    const target = await startRecordingServer({ defaultResponse: { status: 200, delayMs: 200 } });
    servers.push(target);
    const dispatcher = createDispatcher(config(target.url), { rateLimit: { intervalMs: 0 } });
    const [first, second] = await Promise.all([
      dispatcher.dispatch(rawEvent()),
      dispatcher.dispatch(rawEvent()),
    ]);
    expect(first.status === 'accepted' && first.deliveries[0]?.id).toBe(
      second.status === 'accepted' && second.deliveries[0]?.id,
    );
    await dispatcher.drain();
    expect(target.requests).toHaveLength(1);
    await dispatcher.close();
  });
});

describe('queue delegation and close', () => {
  it('reports dead deliveries, retries them, and counts', async () => {
    const target = await startRecordingServer({ respondWith: [{ status: 400 }] });
    servers.push(target);
    const dispatcher = createDispatcher(config(target.url), { rateLimit: { intervalMs: 0 } });
    const reports: DeliveryReport[] = [];
    const listener = (report: DeliveryReport) => reports.push(report);
    dispatcher.on('delivery', listener);
    await dispatcher.dispatch(rawEvent());
    await dispatcher.drain();
    expect(reports).toMatchObject([{ state: 'dead', error: { code: 'HTTP_STATUS', status: 400 } }]);
    expect(await dispatcher.dead()).toHaveLength(1);
    expect(await dispatcher.counts()).toMatchObject({ dead: 1, waiting: 0, active: 0 });
    expect(await dispatcher.retryDead()).toBe(1);
    await dispatcher.drain();
    expect(reports.map((report) => report.state)).toEqual(['dead', 'delivered']);
    dispatcher.off('delivery', listener);
    await dispatcher.dispatch(rawEvent({ message: 'another' }));
    await dispatcher.drain();
    expect(reports).toHaveLength(2);
    expect(target.requests).toHaveLength(3);
    expect(await dispatcher.ready()).toBe(true);
    await dispatcher.close();
    expect(await dispatcher.ready()).toBe(false);
    await dispatcher.close(); // twice is fine
    await expect(dispatcher.dispatch(rawEvent({ message: 'late' }))).rejects.toThrow(/closed/);
  });

  it('close waits for posts in flight up to closeTimeoutMs', async () => {
    const target = await startRecordingServer({ defaultResponse: { status: 200, delayMs: 300 } });
    servers.push(target);
    const dispatcher = createDispatcher(config(target.url), {
      queue: memoryQueue(),
      rateLimit: { intervalMs: 0 },
      closeTimeoutMs: 5_000,
    });
    const reports: string[] = [];
    dispatcher.on('delivery', (report) => reports.push(report.state));
    await dispatcher.dispatch(rawEvent());
    while (target.requests.length === 0 && (await dispatcher.counts()).active === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await dispatcher.close();
    expect(reports).toEqual(['delivered']);
  });
});
