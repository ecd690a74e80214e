// The DeliveryQueue contract, met by bullmqQueue on a real redis-server: the same suite as
// memoryQueue's, each test on a fresh key prefix.
import { bullmqQueue } from '@notiflux/dispatch/bullmq';
import { afterAll, beforeAll } from 'vitest';
import { type RedisTestServer, startRedisServer } from '../support/redis-server.js';
import { describeNeeding, isMissing } from '../support/test-services.js';
import { describeDeliveryQueue } from './queue-contract.js';

let redis: RedisTestServer;
let prefixes = 0;

beforeAll(async () => {
  if (isMissing('redis-server')) return;
  redis = await startRedisServer();
});

afterAll(async () => {
  await redis?.dispose();
});

describeNeeding('redis-server')('on a real redis-server', () => {
  describeDeliveryQueue('bullmqQueue', (options) =>
    bullmqQueue({
      connection: redis.url,
      prefix: `contract${++prefixes}`,
      lockDurationMs: 2_000,
      stalledIntervalMs: 1_000,
      ...options,
    }),
  );
});
