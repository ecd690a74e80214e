/**
 * Duplicate suppression windows, with go-limiter's semantics (one token per key per interval,
 * fixed windows anchored at the key's first event, buckets swept once idle for two intervals).
 * `memoryRateLimitStore` keeps them in this process; `redisRateLimitStore` shares them between
 * processes.
 */
export interface RateLimitStore {
  /**
   * Takes the token of `key`'s current window at `nowMs`. `allowed` is false when the window's
   * token was already taken; `resetAt` is the start of the next window (ms since the epoch).
   */
  take(key: string, intervalMs: number, nowMs: number): Promise<RateLimitDecision>;
  /**
   * `take`, answered at once, for a store that decides in this process. Optional: the dispatcher
   * uses it when it is there, and saves a turn of the microtask queue on every event.
   */
  takeNow?(key: string, intervalMs: number, nowMs: number): RateLimitDecision;
  /**
   * What `take` would answer at `nowMs`, without taking the token (for dry runs). Optional: a
   * store without it is taken to allow.
   */
  peek?(key: string, intervalMs: number, nowMs: number): Promise<RateLimitDecision>;
  close?(): Promise<void>;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Start of the next window, ms since the epoch. */
  resetAt: number;
}
