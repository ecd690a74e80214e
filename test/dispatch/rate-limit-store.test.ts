import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { memoryRateLimitStore } from '@notiflux/dispatch';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from '../support/recording-server.js';
import { describeRateLimitStore } from './rate-limit-contract.js';

describeRateLimitStore('memoryRateLimitStore', () => memoryRateLimitStore());

const MINUTE = 60_000;
const INTERVAL = 5 * MINUTE;
const T0 = Date.UTC(2026, 11, 5, 9, 0, 0);

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function heapUsed(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** A key shaped like the dispatcher's: 64 lower-case hex digits. */
const keyOf = (index: number) => index.toString(16).padStart(64, '0');

describe('memoryRateLimitStore', () => {
  const stores: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });

  it('sweeps idle buckets when a take finds a sweep due, by the time it is given', async () => {
    const store = memoryRateLimitStore();
    stores.push(store);
    for (let index = 0; index < 1_000; index += 1) await store.take(keyOf(index), INTERVAL, T0);
    await store.take('busy', INTERVAL, T0 + 9 * MINUTE);
    expect(store.size).toBe(1_001);
    // The sweep of 15:00 forgets every bucket last refilled at 0:00; 'busy' (5:00) stays.
    await store.take('late', INTERVAL, T0 + 16 * MINUTE);
    expect(store.size).toBe(2);
  });

  it("sweeps from an unref'd timer too, reading its clock, so an idle process forgets its keys", async () => {
    let now = T0;
    const store = memoryRateLimitStore({ clock: () => now, sweepIntervalMs: 20 });
    stores.push(store);
    for (let index = 0; index < 100; index += 1) await store.take(keyOf(index), 1_000, T0);
    expect(store.size).toBe(100);
    now = T0 + 3_001;
    await waitFor(() => store.size === 0);
  });

  it("unref's its sweep timer, so the store never keeps a process alive", async () => {
    const spy = vi.spyOn(globalThis, 'setInterval');
    const store = memoryRateLimitStore({ sweepIntervalMs: 123_456 });
    stores.push(store);
    await store.take('k', INTERVAL, T0);
    const index = spy.mock.calls.findIndex((call) => call[1] === 123_456);
    const timer = spy.mock.results[index]?.value as NodeJS.Timeout | undefined;
    expect(timer).toBeDefined();
    expect(timer?.hasRef()).toBe(false);
    spy.mockRestore();
  });

  it('refuses a bad interval or time, naming it, and takes after close', async () => {
    const store = memoryRateLimitStore();
    await expect(store.take('k', 0, T0)).rejects.toThrow(/intervalMs must be > 0/);
    await expect(store.take('k', Number.NaN, T0)).rejects.toThrow(/intervalMs must be a finite number/);
    await expect(store.take('k', INTERVAL, Number.POSITIVE_INFINITY)).rejects.toThrow(/nowMs/);
    expect(() => memoryRateLimitStore({ sweepIntervalMs: -1 })).toThrow(/sweepIntervalMs/);
    await store.close();
    await expect(store.take('k', INTERVAL, T0)).rejects.toThrow(/closed/);
  });

  it('answers takeNow at once, with the decisions take would give, sharing its windows', async () => {
    const store = memoryRateLimitStore();
    stores.push(store);
    expect(store.takeNow('k', INTERVAL, T0)).toEqual({ allowed: true, resetAt: T0 + INTERVAL });
    expect(await store.take('k', INTERVAL, T0 + MINUTE)).toEqual({ allowed: false, resetAt: T0 + INTERVAL });
    expect(store.takeNow('k', INTERVAL, T0 + 2 * MINUTE)).toEqual({ allowed: false, resetAt: T0 + INTERVAL });
    expect(store.takeNow('k', INTERVAL, T0 + INTERVAL)).toEqual({
      allowed: true,
      resetAt: T0 + 2 * INTERVAL,
    });
    expect(() => store.takeNow('k', 0, T0)).toThrow(/intervalMs must be > 0/);
    await store.close();
    expect(() => store.takeNow('k', INTERVAL, T0)).toThrow(/closed/);
  });

  it('decides, peeks and sweeps as one plain bucket per key would, whatever the order of takes, intervals and clock', () => {
    // The semantics written out plainly: one token per key per window, windows fixed from the
    // key's first take (in the interval that take gave), refilled when a later window starts; a
    // clock that went back before the anchor re-anchors it, the window just taken staying taken;
    // forgotten once idle for two intervals. The store keeps most keys in a shorter form.
    interface ModelBucket {
      start: number;
      intervalMs: number;
      lastTick: number;
      available: number;
    }
    class Model {
      buckets = new Map<string, ModelBucket>();
      take(key: string, intervalMs: number, now: number) {
        let bucket = this.buckets.get(key);
        if (!bucket) {
          bucket = { start: now, intervalMs, lastTick: 0, available: 1 };
          this.buckets.set(key, bucket);
        }
        if (now < bucket.start) {
          bucket.start = now;
          bucket.lastTick = 0;
        }
        const tick = Math.floor((now - bucket.start) / bucket.intervalMs);
        const resetAt = bucket.start + (tick + 1) * bucket.intervalMs;
        if (bucket.lastTick < tick) {
          bucket.available = 1;
          bucket.lastTick = tick;
        }
        if (bucket.available === 0) return { allowed: false, resetAt };
        bucket.available = 0;
        return { allowed: true, resetAt };
      }
      idle(bucket: ModelBucket, now: number) {
        const lastRefill = Math.min(bucket.start + bucket.lastTick * bucket.intervalMs, now);
        return now - lastRefill > 2 * bucket.intervalMs;
      }
      peek(key: string, intervalMs: number, now: number) {
        const bucket = this.buckets.get(key);
        if (!bucket || this.idle(bucket, now)) return { allowed: true, resetAt: now + intervalMs };
        const start = Math.min(now, bucket.start);
        const tick = Math.floor((now - start) / bucket.intervalMs);
        const refilled = now < bucket.start || bucket.lastTick < tick;
        return { allowed: refilled || bucket.available > 0, resetAt: start + (tick + 1) * bucket.intervalMs };
      }
      sweep(now: number) {
        let idle = 0;
        for (const [key, bucket] of this.buckets) {
          if (this.idle(bucket, now)) {
            this.buckets.delete(key);
            idle += 1;
          }
        }
        return idle;
      }
    }
    const step = fc.record({
      op: fc.constantFrom('take', 'take', 'take', 'peek', 'sweep'),
      key: fc.constantFrom('a', 'b', 'c'),
      longInterval: fc.boolean(),
      // Often exactly onto a window's edge or a millisecond either side of it.
      advanceMs: fc.oneof(
        fc.integer({ min: -3 * INTERVAL, max: 3 * INTERVAL }),
        fc.constantFrom(
          0,
          1,
          -1,
          INTERVAL,
          INTERVAL - 1,
          INTERVAL + 1,
          2 * INTERVAL,
          -INTERVAL,
          2 * INTERVAL + 1,
        ),
      ),
    });
    fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
        // A sweep interval longer than any run: sweeps happen only when asked for.
        const store = memoryRateLimitStore({ sweepIntervalMs: 1_000 * INTERVAL });
        const model = new Model();
        let now = T0;
        try {
          for (const { op, key, longInterval, advanceMs } of steps) {
            now += advanceMs;
            const interval = longInterval ? 2 * INTERVAL : INTERVAL;
            if (op === 'take')
              expect(store.takeNow(key, interval, now)).toEqual(model.take(key, interval, now));
            else if (op === 'peek')
              expect(await store.peek(key, interval, now)).toEqual(model.peek(key, interval, now));
            else expect(store.sweep(now)).toBe(model.sweep(now));
            expect(store.size).toBe(model.buckets.size);
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: 500 },
    );
  });

  it('holds 1,000,000 keys and gives the memory back once the window has passed', async () => {
    const before = heapUsed();
    const store = memoryRateLimitStore();
    stores.push(store);
    const count = 1_000_000;
    for (let index = 0; index < count; index += 1) {
      const decision = await store.take(keyOf(index), INTERVAL, T0 + (index % 1_000));
      if (!decision.allowed) throw new Error(`key ${index} was refused on its first event`);
    }
    expect(store.size).toBe(count);
    const held = heapUsed() - before;
    // Over two intervals later every one of them is idle: the next take sweeps them all.
    await store.take('next', INTERVAL, T0 + 16 * MINUTE);
    expect(store.size).toBe(1);
    const after = heapUsed() - before;
    expect(held).toBeGreaterThan(50 * 1024 * 1024);
    expect(after).toBeLessThan(50 * 1024 * 1024);
  }, 120_000);
});
