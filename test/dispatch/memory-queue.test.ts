import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { QueuedDelivery } from '@notiflux/dispatch';
import { DEFAULT_SCHEDULE, memoryQueue } from '@notiflux/dispatch';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from '../support/recording-server.js';
import { describeDeliveryQueue, type QueueHarness, startQueueHarness } from './queue-contract.js';

describeDeliveryQueue('memoryQueue', (options) => memoryQueue(options));

function recordingLogger() {
  const lines: { level: string; object: object; message?: string }[] = [];
  const log = (level: string) => (object: object, message?: string) => lines.push({ level, object, message });
  return { lines, warn: log('warn'), error: log('error') };
}

/** Timers that only record what the queue asked for; a test fires them. */
function manualTimers() {
  const scheduled: { callback: () => void; ms: number; cleared: boolean }[] = [];
  return {
    scheduled,
    setTimeout(callback: () => void, ms: number) {
      const timer = { callback, ms, cleared: false };
      scheduled.push(timer);
      return timer;
    },
    clearTimeout(handle: unknown) {
      (handle as { cleared: boolean }).cleared = true;
    },
  };
}

/** Starts `queue` with a worker whose posts wait until released: the ids posted, and the releases. */
async function holdingQueue(queue: ReturnType<typeof memoryQueue>) {
  const posted: string[] = [];
  const held: (() => void)[] = [];
  await queue.start({
    post: (delivery) => {
      posted.push(delivery.id);
      return new Promise<void>((resolve) => held.push(resolve));
    },
    report: () => undefined,
  });
  /** Releases every post, closes the queue and waits for it (under fake timers). */
  const finish = async () => {
    for (const release of held) release();
    const closed = queue.close();
    await vi.runAllTimersAsync();
    await closed;
  };
  return { queue, posted, held, finish };
}

describe('memoryQueue', () => {
  let h: QueueHarness;
  beforeEach(async () => {
    h = await startQueueHarness((options) => memoryQueue(options));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await h.close();
  });

  it('uses the default schedule with ±10 % jitter, through the timers and clock it is given', async () => {
    const timers = manualTimers();
    let now = 1_000_000;
    const jitter = [0, 0.999_999];
    const queue = await h.started(
      memoryQueue({ timers, clock: () => now, random: () => jitter.shift() ?? 0.5 }),
    );
    h.answer('hook', { status: 503 }, { status: 502 });
    const delivery = h.delivery('hook');
    await queue.enqueue([delivery]);
    await waitFor(() => timers.scheduled.length === 1);
    expect(timers.scheduled[0]!.ms).toBe(DEFAULT_SCHEDULE[0]! * 0.9);
    expect((await queue.queued())[0]).toMatchObject({
      state: 'delayed',
      attempts: 1,
      nextAttemptAt: now + 4_500,
    });

    now += 4_500;
    timers.scheduled[0]!.callback();
    await waitFor(() => timers.scheduled.length === 2);
    expect(timers.scheduled[1]!.ms).toBe(Math.round(DEFAULT_SCHEDULE[1]! * (1 + 0.1 * (2 * 0.999_999 - 1))));
    timers.scheduled[1]!.callback();
    await queue.drain();
    expect(h.reportOf(delivery.id)).toMatchObject({ state: 'delivered', attempts: 3 });
  });

  it("unref's its retry timers, so a delivery waiting for a later attempt lets the process exit", async () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const queue = await h.started(memoryQueue({ schedule: [60_000], random: () => 0.5 }));
    h.answer('hook', { status: 503 });
    await queue.enqueue([h.delivery('hook')]);
    await waitFor(async () => (await queue.counts()).delayed === 1);
    const index = spy.mock.calls.findIndex((call) => call[1] === 60_000);
    const retryTimer = spy.mock.results[index]?.value as NodeJS.Timeout | undefined;
    expect(retryTimer).toBeDefined();
    expect(retryTimer?.hasRef()).toBe(false);
  });

  it('close tells how many deliveries it left unfinished, and logs it', async () => {
    const logger = recordingLogger();
    const queue = await h.started(memoryQueue({ concurrency: 1, schedule: [60_000], logger }));
    h.answer('retry-me', { status: 503 });
    await queue.enqueue([h.delivery('retry-me')]);
    await waitFor(async () => (await queue.counts()).delayed === 1);
    h.hold('held');
    await queue.enqueue([h.delivery('held'), h.delivery('held')]);
    await waitFor(() => h.requestsTo('held').length === 1);
    expect(queue.unfinished).toBe(3);

    await queue.close(20);
    expect(queue.unfinished).toBe(3);
    expect(logger.lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        object: { unfinished: 3 },
        message: expect.stringMatching(/lost/),
      }),
    ]);
    // Nothing more will happen: drain does not wait for the lost deliveries.
    await queue.drain();
    expect(h.reports).toEqual([]);
  });

  it('keeps at most deadLimit.count dead deliveries, dropping the oldest', async () => {
    const queue = await h.started(memoryQueue({ deadLimit: { count: 2 } }));
    h.answer('gone', { status: 404 }, { status: 404 }, { status: 404 });
    const deliveries = [h.delivery('gone'), h.delivery('gone'), h.delivery('gone')];
    for (const delivery of deliveries) {
      await queue.enqueue([delivery]);
      await queue.drain();
    }
    expect((await queue.dead()).map((report) => report.id)).toEqual([deliveries[1]!.id, deliveries[2]!.id]);
    expect((await queue.counts()).dead).toBe(2);
    expect(await queue.retryDead(deliveries[0]!.id)).toBe(0);
  });

  it('forgets dead deliveries older than deadLimit.ageMs', async () => {
    let now = 5_000_000;
    const queue = await h.started(memoryQueue({ deadLimit: { ageMs: 1_000 }, clock: () => now }));
    h.answer('gone', { status: 404 }, { status: 404 });
    const first = h.delivery('gone');
    await queue.enqueue([first]);
    await queue.drain();
    now += 600;
    const second = h.delivery('gone');
    await queue.enqueue([second]);
    await queue.drain();
    now += 500;
    expect((await queue.dead()).map((report) => report.id)).toEqual([second.id]);
    now += 600;
    expect(await queue.dead()).toEqual([]);
    expect((await queue.counts()).dead).toBe(0);
  });

  it('takes a dead id enqueued again out of the dead set and posts it afresh', async () => {
    const queue = await h.started(memoryQueue());
    h.answer('gone', { status: 404 });
    const delivery = h.delivery('gone');
    await queue.enqueue([delivery]);
    await queue.drain();
    await queue.enqueue([delivery]);
    await queue.drain();
    expect(h.reports.map((report) => report.state)).toEqual(['dead', 'delivered']);
    expect(await queue.dead()).toEqual([]);
  });

  it('forgets a supersede key once no delivery it holds carries it', async () => {
    const queue = await h.started(memoryQueue({ schedule: [30] }));
    const newer = h.delivery('status', { supersede: { key: 'sha/ci', order: 2 } });
    await queue.enqueue([newer]);
    await queue.drain();
    // Not a retry: a late event for the same commit status is posted, as Flux would.
    const late = h.delivery('status', { supersede: { key: 'sha/ci', order: 1 } });
    await queue.enqueue([late]);
    await queue.drain();
    expect(h.reports.map((report) => report.state)).toEqual(['delivered', 'delivered']);
  });

  it('keeps a superseded check for a dead delivery that is retried by hand', async () => {
    const queue = await h.started(memoryQueue({ schedule: [] }));
    h.answer('status-old', { status: 503 });
    const older = h.delivery('status-old', { supersede: { key: 'sha/ci', order: 1 } });
    await queue.enqueue([older]);
    await queue.drain();
    const newer = h.delivery('status-new', { supersede: { key: 'sha/ci', order: 2 } });
    await queue.enqueue([newer]);
    await queue.drain();
    expect(await queue.retryDead()).toBe(1);
    await queue.drain();
    expect(h.reports.map((report) => [report.id, report.state])).toEqual([
      [older.id, 'dead'],
      [newer.id, 'delivered'],
      [older.id, 'dropped'],
    ]);
  });

  it('waits for start before posting; drain waits with it', async () => {
    const queue = memoryQueue();
    const delivery = h.delivery('hook');
    await queue.enqueue([delivery]);
    expect(await queue.counts()).toMatchObject({ waiting: 1 });
    let drained = false;
    const draining = queue.drain().then(() => {
      drained = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    await h.started(queue);
    await draining;
    expect(h.reportOf(delivery.id)).toMatchObject({ state: 'delivered' });
    await expect(queue.start(h.worker())).rejects.toThrow(/already/);
  });

  it('starts the posts queued in one turn of the event loop together, once that turn is over', async () => {
    const queue = await h.queue();
    const first = h.delivery('hook');
    const second = h.delivery('hook');
    void queue.enqueue([first]);
    void queue.enqueue([second]);
    expect(h.posted).toEqual([]);
    // An immediate queued after the enqueues runs after the queue's own: both posts have started.
    const startedByThen = await new Promise<string[]>((resolve) =>
      setImmediate(() => resolve(h.posted.map((delivery) => delivery.id))),
    );
    expect(startedByThen).toEqual([first.id, second.id]);
    await queue.drain();
    expect(h.reports.map((report) => report.state)).toEqual(['delivered', 'delivered']);
  });

  it('queues at once with enqueueNow, which throws what enqueue rejects with', async () => {
    const queue = await h.started(memoryQueue());
    const delivery = h.delivery('hook');
    queue.enqueueNow([delivery, { ...delivery }]);
    expect(await queue.counts()).toMatchObject({ waiting: 1 });
    expect(() => queue.enqueueNow([{ ...delivery, id: '' }])).toThrow(/deliveries\[0\]\.id/);
    await queue.drain();
    expect(h.reportOf(delivery.id)).toMatchObject({ state: 'delivered', attempts: 1 });
    await queue.close();
    expect(() => queue.enqueueNow([h.delivery('hook')])).toThrow(/closed/);
  });

  it('keeps no delivery alive once it is final', async () => {
    setFlagsFromString('--expose-gc');
    const collectGarbage = runInNewContext('gc') as () => void;
    const queue = memoryQueue();
    const posted: WeakRef<object>[] = [];
    await queue.start({
      post: async (delivery) => void posted.push(new WeakRef(delivery.event)),
      report: () => undefined,
    });
    for (let batch = 0; batch < 30; batch += 1) {
      queue.enqueueNow(Array.from({ length: 100 }, () => h.delivery('hook')));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await queue.drain();
    expect(posted).toHaveLength(3_000);
    // A WeakRef holds its target until the end of the turn that made it.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    collectGarbage();
    expect(posted.filter((reference) => reference.deref() !== undefined).length).toBeLessThan(10);
    await queue.close();
  });

  describe('under fake timers', () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('while posts are in flight, starts what became ready at the next millisecond tick, together', async () => {
      const { queue, posted, finish } = await holdingQueue(memoryQueue());
      const [first, second, third] = [h.delivery('hook'), h.delivery('hook'), h.delivery('hook')];
      // None in flight: the end of this turn (an immediate).
      queue.enqueueNow([first]);
      vi.advanceTimersToNextTimer();
      expect(posted).toEqual([first.id]);
      // One in flight: neither a later turn nor the one after starts them; the tick does, both at once.
      queue.enqueueNow([second]);
      vi.advanceTimersByTime(0);
      queue.enqueueNow([third]);
      vi.advanceTimersByTime(0);
      expect(posted).toEqual([first.id]);
      vi.advanceTimersByTime(1);
      expect(posted).toEqual([first.id, second.id, third.id]);
      await finish();
    });

    it('starts a burst at the end of the turn, without the tick, once it can fill every free slot', async () => {
      const { queue, posted, held, finish } = await holdingQueue(memoryQueue({ concurrency: 4 }));
      const [a, b, c, d, e] = [
        h.delivery('a'),
        h.delivery('b'),
        h.delivery('c'),
        h.delivery('d'),
        h.delivery('e'),
      ];
      queue.enqueueNow([a]);
      vi.advanceTimersToNextTimer();
      // One in flight, three slots free: one waiting delivery waits for the tick...
      queue.enqueueNow([b]);
      vi.advanceTimersByTime(0);
      expect(posted).toHaveLength(1);
      // ...three fill them, and go at the end of the turn.
      queue.enqueueNow([c, d]);
      vi.advanceTimersByTime(0);
      expect(posted).toEqual([a.id, b.id, c.id, d.id]);
      // All slots taken: the next waits for one to free.
      queue.enqueueNow([e]);
      vi.advanceTimersByTime(5);
      expect(posted).toHaveLength(4);
      for (const release of held.splice(0)) release();
      await vi.runAllTimersAsync();
      expect(posted).toHaveLength(5);
      await finish();
    });
  });

  it('posts what was queued in the turn that close began in, and waits for it', async () => {
    const queue = await h.started(memoryQueue());
    h.answer('slowish', { delayMs: 100 });
    const delivery = h.delivery('slowish');
    void queue.enqueue([delivery]);
    await queue.close(10_000);

    expect(h.requestsTo('slowish')).toHaveLength(1);
    expect(h.reportOf(delivery.id)).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(queue.unfinished).toBe(0);
  });

  it('goes on when a report listener throws, and logs it', async () => {
    const logger = recordingLogger();
    const queue = memoryQueue({ logger });
    let reports = 0;
    await queue.start({
      post: h.worker().post,
      report: () => {
        reports += 1;
        throw new Error('listener bug');
      },
    });
    await queue.enqueue([h.delivery('hook'), h.delivery('hook')]);
    await queue.drain();
    await queue.close();
    expect(reports).toBe(2);
    expect(logger.lines.map((line) => line.level)).toEqual(['error', 'error']);
  });

  it('refuses what is not a plain-data delivery, naming it', async () => {
    const queue = memoryQueue();
    const delivery = h.delivery('hook');
    const withClosure = { ...delivery, event: { ...delivery.event, render: () => 'x' } } as QueuedDelivery;
    await expect(queue.enqueue([delivery, withClosure])).rejects.toThrow(/deliveries\[1\].*plain data/);
    await expect(queue.enqueue([{ ...delivery, id: '' }])).rejects.toThrow(/deliveries\[0\]\.id/);
    await expect(
      queue.enqueue([{ ...delivery, supersede: { key: 'k' } as QueuedDelivery['supersede'] }]),
    ).rejects.toThrow(/deliveries\[0\]\.supersede/);
    expect(await queue.counts()).toMatchObject({ waiting: 0 });
    expect(() => memoryQueue({ concurrency: 0 })).toThrow(/concurrency/);
    expect(() => memoryQueue({ deadLimit: { count: -1 } })).toThrow(/deadLimit\.count/);
    expect(() => memoryQueue({ schedule: [Number.NaN] })).toThrow(/schedule/);
  });

  it("does not see the caller's later changes to a queued delivery", async () => {
    const queue = memoryQueue();
    const delivery = h.delivery('hook');
    const original = delivery.event.message;
    await queue.enqueue([delivery]);
    delivery.event.message = 'changed after enqueue';
    await h.started(queue);
    await queue.drain();
    expect(JSON.parse(h.requestsTo('hook')[0]!.body).message).toBe(original);
  });

  it('keeps the copy structuredClone would: an own __proto__ key stays a key, a Date stays a Date', async () => {
    const queue = memoryQueue();
    const posted: QueuedDelivery[] = [];
    await queue.start({ post: async (delivery) => void posted.push(delivery), report: () => undefined });
    const delivery = h.delivery('hook');
    const metadata = JSON.parse('{"__proto__": {"polluted": "yes"}, "list": [1, "two", null]}');
    const odd = { ...delivery, id: 'odd', event: { ...delivery.event, metadata, at: new Date(0) } };
    await queue.enqueue([odd as unknown as QueuedDelivery]);
    await queue.drain();
    await queue.close();
    const copy = posted[0] as unknown as typeof odd;
    expect(copy).toEqual(structuredClone(odd));
    expect(copy.event.metadata).not.toBe(metadata);
    expect(Object.getPrototypeOf(copy.event.metadata)).toBe(Object.prototype);
    expect(Object.keys(copy.event.metadata)).toEqual(['__proto__', 'list']);
    expect(copy.event.at).toBeInstanceOf(Date);
  });
});
