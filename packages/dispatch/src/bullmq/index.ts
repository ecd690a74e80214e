// The distributed engine: deliveries and duplicate-suppression windows in Redis, through BullMQ.
// bullmq and ioredis are optional peers, loaded on first use.
export type { DeliveryQueue } from '../queue/delivery-queue.js';
export { DEFAULT_SCHEDULE } from '../queue/retry-schedule.js';
export type { RateLimitStore } from '../rate-limit/rate-limit-store.js';
export { type BullmqQueueOptions, bullmqQueue } from './bullmq-queue.js';
export type { RedisConnection } from './redis-connection.js';
export {
  type RedisRateLimitStore,
  type RedisRateLimitStoreOptions,
  redisRateLimitStore,
} from './redis-rate-limit-store.js';
