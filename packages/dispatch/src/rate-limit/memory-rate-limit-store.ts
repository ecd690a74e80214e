import type { RateLimitDecision, RateLimitStore } from './rate-limit-store.js';

export interface MemoryRateLimitStoreOptions {
  /**
   * Read by the background sweep only; `take` sweeps with the time it is given. Pass the
   * dispatcher's clock so both agree. Default `Date.now`.
   */
  clock?: () => number;
  /**
   * How often idle buckets are swept, in ms. Default: the interval of the first `take`, as Flux
   * configures its limiter (sweep every interval, forget buckets idle for two).
   */
  sweepIntervalMs?: number;
}

/** A bucket forgotten once its last refilled window started more than this many intervals ago. */
const IDLE_INTERVALS = 2;

/**
 * One key's token. Windows are fixed, anchored at the first event: `[start + k·I, start + (k+1)·I)`.
 * `lastTick` is the window whose token was last refilled; `available` is 1 or 0.
 */
class Bucket {
  lastTick = 0;
  available = 1;

  constructor(
    public start: number,
    readonly intervalMs: number,
  ) {}

  /** The bucket a key held in the short form `start` stands for: its first window taken. */
  static taken(start: number, intervalMs: number): Bucket {
    const bucket = new Bucket(start, intervalMs);
    bucket.available = 0;
    return bucket;
  }

  take(nowMs: number): RateLimitDecision {
    // A clock that went back before the anchor re-anchors the bucket at now, keeping the token
    // state: the window just taken stays taken.
    if (nowMs < this.start) {
      this.start = nowMs;
      this.lastTick = 0;
    }
    const tick = Math.floor((nowMs - this.start) / this.intervalMs);
    const resetAt = this.start + (tick + 1) * this.intervalMs;
    if (this.lastTick < tick) {
      this.available = 1;
      this.lastTick = tick;
    }
    if (this.available > 0) {
      this.available -= 1;
      return { allowed: true, resetAt };
    }
    return { allowed: false, resetAt };
  }

  /** What `take` would answer at `nowMs`, leaving the bucket as it is. */
  peek(nowMs: number): RateLimitDecision {
    const start = Math.min(nowMs, this.start);
    const tick = Math.floor((nowMs - start) / this.intervalMs);
    const refilled = nowMs < this.start || this.lastTick < tick;
    return { allowed: refilled || this.available > 0, resetAt: start + (tick + 1) * this.intervalMs };
  }

  /** Whether the bucket has been idle long enough at `nowMs` to be forgotten. */
  idleAt(nowMs: number): boolean {
    const lastRefill = Math.min(this.start + this.lastTick * this.intervalMs, nowMs);
    return nowMs - lastRefill > IDLE_INTERVALS * this.intervalMs;
  }
}

export interface MemoryRateLimitStore extends RateLimitStore {
  /** Buckets held now (idle ones not yet swept included). */
  readonly size: number;
  /** Forgets idle buckets as of `nowMs`, as the periodic sweep does; returns how many. */
  sweep(nowMs: number): number;
  /** Always there: the windows are in this process. */
  takeNow(key: string, intervalMs: number, nowMs: number): RateLimitDecision;
  peek(key: string, intervalMs: number, nowMs: number): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

function checkTime(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${name} must be a finite number of ms, got ${String(value)}`);
  }
}

/**
 * Duplicate-suppression windows in this process, with the semantics of go-limiter's memory store
 * as Flux configures it: one token per key per window, windows fixed from the key's first event,
 * idle buckets swept every interval. Sweeps run when a `take` finds one due (by the time it is
 * given) and from an unref'd timer, so an idle process forgets its keys too and can still exit.
 */
export function memoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): MemoryRateLimitStore {
  const clock = options.clock ?? Date.now;
  if (options.sweepIntervalMs !== undefined) {
    checkTime(options.sweepIntervalMs, 'sweepIntervalMs');
    if (options.sweepIntervalMs <= 0) throw new TypeError('sweepIntervalMs must be > 0');
  }
  // Most keys are taken once and never again (each event's key differs from the last), so a key
  // whose only take was its first holds the number its window starts at rather than a Bucket:
  // `Bucket.taken(start, standardIntervalMs)` is what it stands for. That is a quarter of the
  // memory per key, and on a busy hub every key outlives many collections of the young
  // generation, so each byte held is a byte the collector copies and later marks again. A key is
  // made a Bucket when it needs one: a take in a later window, a clock that went back, or an
  // interval other than the store's usual one.
  let buckets = new Map<string, Bucket | number>();
  /** The interval of the first take: what a key held as a number was taken with. */
  let standardIntervalMs: number | undefined;
  let sweepIntervalMs = options.sweepIntervalMs;
  let nextSweepAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  /** `Bucket.idleAt` for either form. */
  const idleAt = (held: Bucket | number, nowMs: number): boolean =>
    typeof held === 'number'
      ? nowMs - Math.min(held, nowMs) > IDLE_INTERVALS * (standardIntervalMs as number)
      : held.idleAt(nowMs);

  const sweep = (nowMs: number): number => {
    let idle = 0;
    for (const held of buckets.values()) if (idleAt(held, nowMs)) idle += 1;
    if (idle === 0) return 0;
    if (idle > buckets.size / 2) {
      // Copy the survivors so the table's memory is given back, not only its entries.
      const kept = new Map<string, Bucket | number>();
      for (const [key, held] of buckets) if (!idleAt(held, nowMs)) kept.set(key, held);
      buckets = kept;
    } else {
      for (const [key, held] of buckets) if (idleAt(held, nowMs)) buckets.delete(key);
    }
    return idle;
  };

  // Sweeps fall on a fixed grid from the first take, as a ticker would; a late sweep judges
  // idleness as of the grid point it stands for, not later.
  const sweepIfDue = (nowMs: number): void => {
    if (sweepIntervalMs === undefined || nextSweepAt === undefined) return;
    if (nowMs < nextSweepAt - 2 * sweepIntervalMs) {
      // The clock went back: restart the grid from now.
      nextSweepAt = nowMs + sweepIntervalMs;
      return;
    }
    if (nowMs < nextSweepAt) return;
    const gridPoint = nextSweepAt + Math.floor((nowMs - nextSweepAt) / sweepIntervalMs) * sweepIntervalMs;
    sweep(gridPoint);
    nextSweepAt = gridPoint + sweepIntervalMs;
  };

  const startSweeping = (nowMs: number, intervalMs: number): void => {
    standardIntervalMs = intervalMs;
    sweepIntervalMs ??= intervalMs;
    nextSweepAt = nowMs + sweepIntervalMs;
    timer = setInterval(() => sweepIfDue(clock()), sweepIntervalMs);
    timer.unref();
  };

  const takeNow = (key: string, intervalMs: number, nowMs: number): RateLimitDecision => {
    if (closed) throw new Error('memoryRateLimitStore is closed: take() after close()');
    if (typeof key !== 'string') throw new TypeError('key must be a string');
    checkTime(intervalMs, 'intervalMs');
    if (intervalMs <= 0) throw new TypeError(`intervalMs must be > 0, got ${intervalMs}`);
    checkTime(nowMs, 'nowMs');
    if (nextSweepAt === undefined) startSweeping(nowMs, intervalMs);
    else sweepIfDue(nowMs);
    const held = buckets.get(key);
    if (held === undefined) {
      if (intervalMs === standardIntervalMs) {
        // A new bucket's take at its anchor: allowed, and its first window is taken.
        buckets.set(key, nowMs);
        return { allowed: true, resetAt: nowMs + intervalMs };
      }
      const bucket = new Bucket(nowMs, intervalMs);
      buckets.set(key, bucket);
      return bucket.take(nowMs);
    }
    if (typeof held === 'number') {
      const interval = standardIntervalMs as number;
      // Again within its first window: refused, and nothing changes.
      if (nowMs >= held && nowMs < held + interval) return { allowed: false, resetAt: held + interval };
      const bucket = Bucket.taken(held, interval);
      buckets.set(key, bucket);
      return bucket.take(nowMs);
    }
    return held.take(nowMs);
  };

  return {
    get size() {
      return buckets.size;
    },
    sweep,
    takeNow,
    async take(key: string, intervalMs: number, nowMs: number): Promise<RateLimitDecision> {
      return takeNow(key, intervalMs, nowMs);
    },
    async peek(key: string, intervalMs: number, nowMs: number): Promise<RateLimitDecision> {
      const held = buckets.get(key);
      if (held === undefined || idleAt(held, nowMs)) return { allowed: true, resetAt: nowMs + intervalMs };
      const bucket = typeof held === 'number' ? Bucket.taken(held, standardIntervalMs as number) : held;
      return bucket.peek(nowMs);
    },
    async close(): Promise<void> {
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      buckets = new Map();
    },
  };
}
