import type { Redis } from 'ioredis';
import type { RateLimitDecision, RateLimitStore } from '../rate-limit/rate-limit-store.js';
import { closeRedis, openRedis, type RedisConnection } from './redis-connection.js';

export interface RedisRateLimitStoreOptions {
  connection: RedisConnection;
  /** Key prefix, default `notiflux:ratelimit`; every process that shares windows uses the same. */
  prefix?: string;
  /** Told about Redis connection problems (the client reconnects by itself). */
  onError?: (error: Error) => void;
}

/**
 * One bucket per key as a hash { t0, last }: t0 anchors the fixed windows, `last` is the index of
 * the window whose token was taken last. The whole decision runs in Redis as one script, so two
 * processes taking the same key at once never both pass.
 *
 * Idle buckets are forgotten as go-limiter's sweeper forgets them: sweeps fall on one grid for the
 * whole store (every interval from the store's first take, kept in the grid hash), and a sweep
 * forgets a bucket whose last refilled window started more than two intervals before it. The
 * script works out whether such a sweep has passed, so decisions do not depend on when Redis
 * actually expires the key; the key expires soon after, so idle keys leave Redis by themselves.
 * A clock gone back before t0 re-anchors the bucket at now, its window's token already taken.
 */
const TAKE_SCRIPT = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
redis.call('HSETNX', KEYS[2], 'anchor', ARGV[1])
redis.call('HSETNX', KEYS[2], 'every', ARGV[2])
local grid = redis.call('HMGET', KEYS[2], 'anchor', 'every')
local anchor = tonumber(grid[1])
local every = tonumber(grid[2])
local ttl = 2 * interval + every
local bucket = redis.call('HMGET', KEYS[1], 't0', 'last')
local t0 = tonumber(bucket[1])
local last = tonumber(bucket[2])
if t0 ~= nil and last ~= nil then
  local lastRefill = t0 + last * interval
  local sweptAt = anchor + (math.floor((lastRefill + 2 * interval - anchor) / every) + 1) * every
  if now >= sweptAt then t0 = nil end
end
if t0 == nil or last == nil then
  redis.call('HSET', KEYS[1], 't0', ARGV[1], 'last', 0)
  redis.call('PEXPIRE', KEYS[1], ttl)
  return {1, now + interval}
end
if now < t0 then
  redis.call('HSET', KEYS[1], 't0', ARGV[1], 'last', 0)
  return {0, now + interval}
end
local window = math.floor((now - t0) / interval)
local resetAt = t0 + (window + 1) * interval
if window > last then
  redis.call('HSET', KEYS[1], 'last', window)
  redis.call('PEXPIRE', KEYS[1], ttl)
  return {1, resetAt}
end
return {0, resetAt}
`;

interface ScriptedRedis extends Redis {
  notifluxTake(key: string, grid: string, nowMs: string, intervalMs: string): Promise<[number, number]>;
}

/**
 * Duplicate-suppression windows kept in Redis, so that every process behind a load balancer
 * suppresses the same duplicates. Decisions are the in-memory store's for the same sequence.
 */
export function redisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  if (!options || typeof options !== 'object') {
    throw new TypeError('redisRateLimitStore options must be an object with a connection');
  }
  const prefix = options.prefix ?? 'notiflux:ratelimit';
  if (typeof prefix !== 'string' || prefix === '') throw new TypeError('prefix must be a non-empty string');
  const onError = options.onError ?? (() => {});
  let client: Promise<ScriptedRedis> | undefined;
  let closed = false;

  const open = () => {
    client ??= openRedis(options.connection, onError).then((redis) => {
      redis.defineCommand('notifluxTake', { numberOfKeys: 2, lua: TAKE_SCRIPT });
      return redis as ScriptedRedis;
    });
    return client;
  };

  return {
    async take(key: string, intervalMs: number, nowMs: number): Promise<RateLimitDecision> {
      if (closed) throw new Error('the rate-limit store is closed');
      if (typeof key !== 'string') throw new TypeError('key must be a string');
      if (!Number.isInteger(intervalMs) || intervalMs <= 0) {
        throw new TypeError(`intervalMs must be a positive integer, got ${String(intervalMs)}`);
      }
      if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) {
        throw new TypeError(`nowMs must be a finite number of ms, got ${String(nowMs)}`);
      }
      const now = Math.floor(nowMs);
      const redis = await open();
      const [allowed, resetAt] = await redis.notifluxTake(
        `${prefix}:key:${key}`,
        `${prefix}:sweep-grid`,
        String(now),
        String(intervalMs),
      );
      return { allowed: allowed === 1, resetAt: Number(resetAt) };
    },
    async close(): Promise<void> {
      closed = true;
      if (client) await closeRedis(await client);
    },
  };
}
