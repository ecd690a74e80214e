// The distributed engine: bullmqQueue and redisRateLimitStore (built in its own issue).
export type { DeliveryQueue } from '../queue/delivery-queue.js';
export { DEFAULT_SCHEDULE } from '../queue/retry-schedule.js';
