import type { RateLimitStore } from '@notiflux/dispatch';
import { afterEach, describe, expect, it } from 'vitest';

/** Makes a fresh, empty store for one test (Redis: a new key prefix). */
export type MakeStore = () => RateLimitStore | Promise<RateLimitStore>;

const MINUTE = 60_000;
const INTERVAL = 5 * MINUTE;
/** An arbitrary moment off any round grid, so windows visibly anchor at the first event. */
const T0 = Date.UTC(2026, 11, 5, 9, 17, 23, 456);

/** `m:ss` after T0. */
function at(clock: string): number {
  const [minutes, seconds] = clock.split(':').map(Number);
  return T0 + minutes! * MINUTE + seconds! * 1_000;
}

interface Step {
  at: string;
  key?: string;
  allowed: boolean;
  /** The start of the next window, `m:ss` after T0. */
  resetAt: string;
}

/**
 * go-limiter's memory store as Flux configures it (interval I, one token, sweep every I, buckets
 * idle over 2·I forgotten). Every step takes the token of `key` (default 'k') at `at`.
 * The garbage-collection cases use moments where a sweep on a fixed grid and an exact expiry
 * after 2·I agree, so a store may implement either.
 */
const cases: { name: string; steps: Step[] }[] = [
  {
    name: 'one token per fixed window anchored at the first event (0:00 / 4:59 / 5:00 / 5:01 / 9:59 / 10:00)',
    steps: [
      { at: '0:00', allowed: true, resetAt: '5:00' },
      { at: '4:59', allowed: false, resetAt: '5:00' },
      { at: '5:00', allowed: true, resetAt: '10:00' },
      { at: '5:01', allowed: false, resetAt: '10:00' },
      { at: '9:59', allowed: false, resetAt: '10:00' },
      { at: '10:00', allowed: true, resetAt: '15:00' },
    ],
  },
  {
    name: 'a window is not "five minutes since the last accepted event"',
    steps: [
      { at: '0:00', allowed: true, resetAt: '5:00' },
      { at: '4:59', allowed: false, resetAt: '5:00' },
      { at: '5:00', allowed: true, resetAt: '10:00' },
    ],
  },
  {
    name: 'keys have their own buckets and anchors',
    steps: [
      { at: '0:00', key: 'a', allowed: true, resetAt: '5:00' },
      { at: '2:00', key: 'b', allowed: true, resetAt: '7:00' },
      { at: '4:00', key: 'a', allowed: false, resetAt: '5:00' },
      { at: '6:00', key: 'b', allowed: false, resetAt: '7:00' },
      { at: '6:00', key: 'a', allowed: true, resetAt: '10:00' },
      { at: '7:00', key: 'b', allowed: true, resetAt: '12:00' },
    ],
  },
  {
    name: 'windows skipped without events still count: the token refills in whichever later window',
    steps: [
      { at: '0:00', allowed: true, resetAt: '5:00' },
      { at: '8:00', allowed: true, resetAt: '10:00' },
      { at: '8:30', allowed: false, resetAt: '10:00' },
    ],
  },
  {
    name: 'a bucket idle for more than two intervals is forgotten: the next event anchors a new one',
    steps: [
      { at: '0:00', allowed: true, resetAt: '5:00' },
      // Kept, the bucket would give the window [15:00, 20:00).
      { at: '16:00', allowed: true, resetAt: '21:00' },
      { at: '20:30', allowed: false, resetAt: '21:00' },
      { at: '21:00', allowed: true, resetAt: '26:00' },
    ],
  },
  {
    name: 'a bucket used within two intervals is kept with its anchor',
    steps: [
      { at: '0:00', allowed: true, resetAt: '5:00' },
      { at: '6:00', allowed: true, resetAt: '10:00' },
      { at: '14:00', allowed: true, resetAt: '15:00' },
      { at: '14:30', allowed: false, resetAt: '15:00' },
    ],
  },
  {
    name: 'a clock going back before the anchor re-anchors the bucket at now, the token still taken',
    steps: [
      { at: '10:00', allowed: true, resetAt: '15:00' },
      { at: '9:00', allowed: false, resetAt: '14:00' },
      { at: '13:59', allowed: false, resetAt: '14:00' },
      { at: '14:00', allowed: true, resetAt: '19:00' },
    ],
  },
  {
    name: 'a clock going back within the bucket refills nothing',
    steps: [
      { at: '0:00', allowed: true, resetAt: '5:00' },
      { at: '7:00', allowed: true, resetAt: '10:00' },
      { at: '3:00', allowed: false, resetAt: '5:00' },
      { at: '7:30', allowed: false, resetAt: '10:00' },
    ],
  },
];

/** The duplicate-suppression semantics every RateLimitStore owes the dispatcher. */
export function describeRateLimitStore(name: string, makeStore: MakeStore): void {
  describe(`RateLimitStore contract: ${name}`, () => {
    const stores: RateLimitStore[] = [];
    const fresh = async () => {
      const store = await makeStore();
      stores.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((store) => store.close?.()));
    });

    for (const { name: caseName, steps } of cases) {
      it(caseName, async () => {
        const store = await fresh();
        const seen = [];
        for (const step of steps) {
          const decision = await store.take(step.key ?? 'k', INTERVAL, at(step.at));
          seen.push({ ...step, allowed: decision.allowed, resetAt: decision.resetAt });
        }
        expect(seen).toEqual(steps.map((step) => ({ ...step, resetAt: at(step.resetAt) })));
      });
    }

    it('takes the interval from each call: two intervals in one store', async () => {
      const store = await fresh();
      expect(await store.take('short', 1_000, T0)).toEqual({ allowed: true, resetAt: T0 + 1_000 });
      expect(await store.take('long', 60_000, T0)).toEqual({ allowed: true, resetAt: T0 + 60_000 });
      expect((await store.take('short', 1_000, T0 + 1_000)).allowed).toBe(true);
      expect((await store.take('long', 60_000, T0 + 1_000)).allowed).toBe(false);
    });

    it('gives one token per window to concurrent takes of one key', async () => {
      const store = await fresh();
      const decisions = await Promise.all(
        Array.from({ length: 20 }, () => store.take('burst', INTERVAL, T0)),
      );
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(1);
    });
  });
}
