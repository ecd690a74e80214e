// redisRateLimitStore: the RateLimitStore contract on a real redis-server, and the same decisions
// as memoryRateLimitStore for the same sequences of events, side by side.
import { memoryRateLimitStore } from '@notiflux/dispatch';
import { redisRateLimitStore } from '@notiflux/dispatch/bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisTestServer, startRedisServer } from '../support/redis-server.js';
import { describeNeeding, isMissing } from '../support/test-services.js';
import { describeRateLimitStore } from './rate-limit-contract.js';

let redis: RedisTestServer;
let prefixes = 0;
const freshStore = () => redisRateLimitStore({ connection: redis.url, prefix: `rl${++prefixes}` });

beforeAll(async () => {
  if (isMissing('redis-server')) return;
  redis = await startRedisServer();
});

afterAll(async () => {
  await redis?.dispose();
});

describeNeeding('redis-server')('on a real redis-server', () => {
  describeRateLimitStore('redisRateLimitStore', freshStore);

  /** A small deterministic generator, so a failing sequence can be replayed from its seed. */
  function seeded(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state * 1_664_525 + 1_013_904_223) >>> 0;
      return state / 2 ** 32;
    };
  }

  describe('redisRateLimitStore beside memoryRateLimitStore', () => {
    const INTERVAL = 300_000;
    const T0 = Date.UTC(2026, 11, 5, 9, 17, 23, 456);

    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
      it(`decides (take and peek) as the memory store over 300 events on 4 keys, idle gaps and clock steps back (seed ${seed})`, async () => {
        const random = seeded(seed);
        const memory = memoryRateLimitStore({ clock: () => T0 });
        const shared = freshStore();
        let now = T0;
        const differences: string[] = [];
        try {
          for (let step = 0; step < 300; step += 1) {
            const roll = random();
            // Mostly small steps, sometimes a long idle gap (past the sweep), rarely the clock back.
            if (roll < 0.05) now += Math.floor(random() * 4 * INTERVAL);
            else if (roll < 0.07) now -= Math.floor(random() * INTERVAL);
            else if (roll < 0.075) now -= 3 * INTERVAL;
            else now += Math.floor(random() * 90_000);
            const key = `k${Math.floor(random() * 4)}`;
            const [peekMemory, peekRedis] = await Promise.all([
              memory.peek(key, INTERVAL, now),
              shared.peek(key, INTERVAL, now),
            ]);
            if (peekMemory.allowed !== peekRedis.allowed || peekMemory.resetAt !== peekRedis.resetAt) {
              differences.push(
                `peek ${step} ${key} @${now - T0}: memory ${JSON.stringify(peekMemory)} redis ${JSON.stringify(peekRedis)}`,
              );
            }
            const [fromMemory, fromRedis] = await Promise.all([
              memory.take(key, INTERVAL, now),
              shared.take(key, INTERVAL, now),
            ]);
            if (fromMemory.allowed !== fromRedis.allowed || fromMemory.resetAt !== fromRedis.resetAt) {
              differences.push(
                `step ${step} ${key} @${now - T0}: memory ${JSON.stringify(fromMemory)} redis ${JSON.stringify(fromRedis)}`,
              );
            }
          }
        } finally {
          await memory.close();
          await shared.close();
        }
        expect(differences).toEqual([]);
      });
    }

    it('lets Redis expire idle keys by itself', async () => {
      const store = redisRateLimitStore({ connection: redis.url, prefix: 'expiry' });
      await store.take('idle', 100, Date.now());
      const { Redis } = await import('ioredis');
      const client = new Redis(redis.url);
      try {
        expect(await client.exists('expiry:key:idle')).toBe(1);
        const ttl = await client.pttl('expiry:key:idle');
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(400);
      } finally {
        client.disconnect();
        await store.close();
      }
    });
  });
});
