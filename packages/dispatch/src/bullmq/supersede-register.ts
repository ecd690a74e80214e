import type { Redis } from 'ioredis';

/**
 * Per supersede key, the newest `order` delivered so far, shared by every process. Recording is a
 * compare-and-set in one script: an older delivery finishing late never lowers the mark.
 */
const RECORD_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]))
local order = tonumber(ARGV[1])
if current ~= nil and current >= order then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

interface ScriptedRedis extends Redis {
  notifluxRecordOrder(key: string, order: string, ttlMs: string): Promise<number>;
}

export interface SupersedeRegister {
  /** Whether a delivery with a newer order was already delivered under `key`. */
  isSuperseded(key: string, order: number): Promise<boolean>;
  /** Records a delivered order (kept only when newer than the one there). */
  recordDelivered(key: string, order: number): Promise<void>;
}

/**
 * `ttlMs` bounds how long a mark is kept: longer than any retry can be late (the schedule's
 * whole length), so no retry outlives the mark that would drop it.
 */
export function supersedeRegister(redis: Redis, prefix: string, ttlMs: number): SupersedeRegister {
  redis.defineCommand('notifluxRecordOrder', { numberOfKeys: 1, lua: RECORD_SCRIPT });
  const scripted = redis as ScriptedRedis;
  const keyOf = (key: string) => `${prefix}:supersede:${key}`;
  return {
    async isSuperseded(key, order) {
      const newest = await redis.get(keyOf(key));
      return newest !== null && Number(newest) > order;
    },
    async recordDelivered(key, order) {
      await scripted.notifluxRecordOrder(keyOf(key), String(order), String(Math.ceil(ttlMs)));
    },
  };
}
