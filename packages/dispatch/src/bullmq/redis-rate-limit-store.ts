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
 * One bucket per key as a hash { t0, last, seen }: t0 anchors the fixed windows, `last` is the
 * index of the window whose token was taken last, `seen` the sweep count when it was last
 * changed. The whole decision runs in Redis as one script, so two processes taking the same key
 * at once never both pass.
 *
 * Idle buckets are forgotten as go-limiter's sweeper forgets them, worked out lazily: the grid
 * hash plays the store-wide sweeper (next sweep due, period = the first take's interval, sweeps
 * so far, the moment the last one stood for), advanced by each take exactly as the in-process
 * store advances its own; a bucket changed before the last sweep is gone if that sweep found it
 * idle (its last refilled window started more than two intervals before). So decisions never
 * depend on when Redis really drops the key; each key also expires by itself a little later,
 * so idle keys leave Redis. A clock gone back before t0 re-anchors the bucket at now, its
 * window's token already taken.
 */
const TAKE_SCRIPT = `
local function int(n) return string.format('%.0f', n) end
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local grid = redis.call('HMGET', KEYS[2], 'next', 'every', 'sweeps', 'last')
local nextAt = tonumber(grid[1])
local every = tonumber(grid[2])
local sweeps = tonumber(grid[3]) or 0
local lastSweep = tonumber(grid[4])
if nextAt == nil or every == nil then
  every = interval
  nextAt = now + every
  redis.call('HSET', KEYS[2], 'next', int(nextAt), 'every', int(every), 'sweeps', '0')
elseif now < nextAt - 2 * every then
  nextAt = now + every
  redis.call('HSET', KEYS[2], 'next', int(nextAt))
elseif now >= nextAt then
  lastSweep = nextAt + math.floor((now - nextAt) / every) * every
  sweeps = sweeps + 1
  redis.call('HSET', KEYS[2], 'next', int(lastSweep + every), 'sweeps', int(sweeps), 'last', int(lastSweep))
end
local ttl = int(2 * interval + 2 * every)
local bucket = redis.call('HMGET', KEYS[1], 't0', 'last', 'seen')
local t0 = tonumber(bucket[1])
local last = tonumber(bucket[2])
local seen = tonumber(bucket[3]) or 0
if t0 ~= nil and last ~= nil and lastSweep ~= nil and sweeps > seen then
  local lastRefill = math.min(t0 + last * interval, lastSweep)
  if lastSweep - lastRefill > 2 * interval then t0 = nil end
end
if t0 == nil or last == nil then
  redis.call('HSET', KEYS[1], 't0', int(now), 'last', '0', 'seen', int(sweeps))
  redis.call('PEXPIRE', KEYS[1], ttl)
  return {1, now + interval}
end
if now < t0 then
  redis.call('HSET', KEYS[1], 't0', int(now), 'last', '0', 'seen', int(sweeps))
  redis.call('PEXPIRE', KEYS[1], ttl)
  return {0, now + interval}
end
local window = math.floor((now - t0) / interval)
local resetAt = t0 + (window + 1) * interval
if window > last then
  redis.call('HSET', KEYS[1], 'last', int(window), 'seen', int(sweeps))
  redis.call('PEXPIRE', KEYS[1], ttl)
  return {1, resetAt}
end
return {0, resetAt}
`;

/**
 * What the take script would answer, read only (no sweep is run, no token taken): a bucket gone
 * in a past sweep, idle now, or missing allows.
 */
const PEEK_SCRIPT = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local grid = redis.call('HMGET', KEYS[2], 'sweeps', 'last')
local sweeps = tonumber(grid[1]) or 0
local lastSweep = tonumber(grid[2])
local bucket = redis.call('HMGET', KEYS[1], 't0', 'last', 'seen')
local t0 = tonumber(bucket[1])
local last = tonumber(bucket[2])
local seen = tonumber(bucket[3]) or 0
if t0 == nil or last == nil or now < t0 then return {1, now + interval} end
local lastRefill = t0 + last * interval
if lastSweep ~= nil and sweeps > seen and lastSweep - math.min(lastRefill, lastSweep) > 2 * interval then
  return {1, now + interval}
end
if now - math.min(lastRefill, now) > 2 * interval then return {1, now + interval} end
local window = math.floor((now - t0) / interval)
local allowed = 0
if window > last then allowed = 1 end
return {allowed, t0 + (window + 1) * interval}
`;

interface ScriptedRedis extends Redis {
  notifluxPeek(key: string, grid: string, nowMs: string, intervalMs: string): Promise<[number, number]>;
  notifluxTake(key: string, grid: string, nowMs: string, intervalMs: string): Promise<[number, number]>;
}

/**
 * Duplicate-suppression windows kept in Redis, so that every process behind a load balancer
 * suppresses the same duplicates. Decisions are the in-memory store's for the same sequence.
 */
export interface RedisRateLimitStore extends RateLimitStore {
  peek(key: string, intervalMs: number, nowMs: number): Promise<RateLimitDecision>;
  /** Closes its Redis connection. */
  close(): Promise<void>;
}

export function redisRateLimitStore(options: RedisRateLimitStoreOptions): RedisRateLimitStore {
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
      redis.defineCommand('notifluxPeek', { numberOfKeys: 2, lua: PEEK_SCRIPT });
      return redis as ScriptedRedis;
    });
    return client;
  };

  const check = (key: string, intervalMs: number, nowMs: number) => {
    if (closed) throw new Error('the rate-limit store is closed');
    if (typeof key !== 'string') throw new TypeError('key must be a string');
    if (!Number.isInteger(intervalMs) || intervalMs <= 0) {
      throw new TypeError(`intervalMs must be a positive integer, got ${String(intervalMs)}`);
    }
    if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) {
      throw new TypeError(`nowMs must be a finite number of ms, got ${String(nowMs)}`);
    }
  };

  return {
    async take(key: string, intervalMs: number, nowMs: number): Promise<RateLimitDecision> {
      check(key, intervalMs, nowMs);
      const redis = await open();
      const [allowed, resetAt] = await redis.notifluxTake(
        `${prefix}:key:${key}`,
        `${prefix}:sweep-grid`,
        String(Math.floor(nowMs)),
        String(intervalMs),
      );
      return { allowed: allowed === 1, resetAt: Number(resetAt) };
    },
    async peek(key: string, intervalMs: number, nowMs: number): Promise<RateLimitDecision> {
      check(key, intervalMs, nowMs);
      const redis = await open();
      const [allowed, resetAt] = await redis.notifluxPeek(
        `${prefix}:key:${key}`,
        `${prefix}:sweep-grid`,
        String(Math.floor(nowMs)),
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
