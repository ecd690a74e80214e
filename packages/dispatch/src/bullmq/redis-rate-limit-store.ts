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
 * A bucket whose last refilled window started 2 intervals ago or more counts as swept (a new
 * bucket starts at now), and Redis expires the key at that moment too, so idle keys leave Redis
 * by themselves. A clock gone back before t0 re-anchors the bucket at now.
 */
const TAKE_SCRIPT = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local bucket = redis.call('HMGET', KEYS[1], 't0', 'last')
local t0 = tonumber(bucket[1])
local last = tonumber(bucket[2])
if t0 == nil or last == nil or now < t0 or now - (t0 + last * interval) >= 2 * interval then
  redis.call('HSET', KEYS[1], 't0', ARGV[1], 'last', 0)
  redis.call('PEXPIRE', KEYS[1], 2 * interval)
  return {1, now + interval}
end
local window = math.floor((now - t0) / interval)
local resetAt = t0 + (window + 1) * interval
if window > last then
  redis.call('HSET', KEYS[1], 'last', window)
  redis.call('PEXPIRE', KEYS[1], math.max(1, 2 * interval - (now - (t0 + window * interval))))
  return {1, resetAt}
end
return {0, resetAt}
`;

interface ScriptedRedis extends Redis {
  notifluxTake(key: string, nowMs: string, intervalMs: string): Promise<[number, number]>;
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
      redis.defineCommand('notifluxTake', { numberOfKeys: 1, lua: TAKE_SCRIPT });
      return redis as ScriptedRedis;
    });
    return client;
  };

  return {
    async take(key: string, intervalMs: number, nowMs: number): Promise<RateLimitDecision> {
      if (closed) throw new Error('the rate-limit store is closed');
      if (!Number.isInteger(intervalMs) || intervalMs <= 0) {
        throw new TypeError('intervalMs must be a positive integer');
      }
      const now = Math.floor(nowMs);
      const redis = await open();
      const [allowed, resetAt] = await redis.notifluxTake(
        `${prefix}:${key}`,
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
