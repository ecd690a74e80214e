import type { DeliveryQueue, DeliveryReport } from '@notiflux/dispatch';
import { type BullmqQueueOptions, bullmqQueue } from '@notiflux/dispatch/bullmq';
import { NotifierError } from '@notiflux/providers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { type RecordingServer, startRecordingServer } from '../support/recording-server.js';
import { type RedisTestServer, startRedisServer } from '../support/redis-server.js';
import { describeNeeding, isMissing } from '../support/test-services.js';
import { postToSink, sinkDelivery } from './sink-delivery.js';

let redis: RedisTestServer;
let sink: RecordingServer;
const opened: DeliveryQueue[] = [];
let prefixCount = 0;

beforeAll(async () => {
  if (isMissing('redis-server')) return;
  redis = await startRedisServer();
  sink = await startRecordingServer();
});

afterAll(async () => {
  await sink?.close();
  await redis?.dispose();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((queue) => queue.close(500)));
  sink.requests.length = 0;
  sink.respondWith({});
});

/** A queue on its own prefix (a fresh, empty queue) unless one is given to share. */
function openQueue(options: Partial<BullmqQueueOptions> = {}): DeliveryQueue {
  const queue = bullmqQueue({
    connection: redis.url,
    prefix: options.prefix ?? `t${++prefixCount}`,
    schedule: [20, 20],
    lockDurationMs: 1_000,
    stalledIntervalMs: 300,
    ...options,
  });
  opened.push(queue);
  return queue;
}

async function startQueue(options: Partial<BullmqQueueOptions> = {}) {
  const reports: DeliveryReport[] = [];
  const queue = openQueue(options);
  await queue.start({ post: postToSink(sink.url), report: (report) => reports.push(report) });
  return { queue, reports };
}

const pathsOf = (server: RecordingServer) => server.requests.map((request) => request.path).sort();

describeNeeding('redis-server')('on a real redis-server', () => {
  describe('bullmqQueue', () => {
    it('posts each delivery once, the id being the job id: a second enqueue of an id, even delivered, queues nothing', async () => {
      const { queue, reports } = await startQueue();
      await queue.enqueue([sinkDelivery('a'), sinkDelivery('b:1'), sinkDelivery('a'), sinkDelivery('42')]);
      await queue.drain();
      await queue.enqueue([sinkDelivery('a')]);
      await queue.drain();
      expect(pathsOf(sink)).toEqual(['/42', '/a', '/b%3A1']);
      expect(reports.map((report) => [report.id, report.state, report.attempts]).sort()).toEqual([
        ['42', 'delivered', 1],
        ['a', 'delivered', 1],
        ['b:1', 'delivered', 1],
      ]);
      expect(JSON.parse(sink.requests[0]!.body).message).toMatch(/^event /);
      expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, dead: 0 });
    });

    it('with dedupWindowMs 0 a delivered id can be queued again', async () => {
      const { queue } = await startQueue({ dedupWindowMs: 0 });
      await queue.enqueue([sinkDelivery('again')]);
      await queue.drain();
      await queue.enqueue([sinkDelivery('again')]);
      await queue.drain();
      expect(pathsOf(sink)).toEqual(['/again', '/again']);
    });

    it('retries retryable failures on the schedule, then reports delivered with the attempts made', async () => {
      sink.respondWith([{ status: 503 }, { status: 502 }]);
      const { queue, reports } = await startQueue();
      await queue.enqueue([sinkDelivery('flaky')]);
      await queue.drain();
      expect(sink.requests).toHaveLength(3);
      expect(reports).toMatchObject([{ id: 'flaky', state: 'delivered', attempts: 3 }]);
    });

    it('honours a Retry-After longer than the next step, as the delay of the delayed job', async () => {
      sink.respondWith([{ status: 429, headers: { 'retry-after': '30' } }]);
      const { queue } = await startQueue();
      const before = Date.now();
      await queue.enqueue([sinkDelivery('limited')]);
      const [pending] = await eventually(async () => {
        const queued = await queue.queued();
        return queued[0]?.state === 'delayed' ? queued : undefined;
      });
      expect(pending).toMatchObject({ id: 'limited', state: 'delayed', attempts: 1 });
      expect(pending!.nextAttemptAt).toBeGreaterThanOrEqual(before + 30_000);
      expect(await queue.counts()).toMatchObject({ delayed: 1, dead: 0 });
    });

    it('a non-retryable failure is dead at once; the schedule run out is dead too; another process lists and retries them', async () => {
      sink.respondWith((request) => (request.path === '/refused' ? { status: 400 } : { status: 500 }));
      const prefix = `t${++prefixCount}`;
      const { queue, reports } = await startQueue({ prefix });
      await queue.enqueue([sinkDelivery('refused'), sinkDelivery('down')]);
      await queue.drain();
      expect(sink.requests.filter((request) => request.path === '/refused')).toHaveLength(1);
      expect(sink.requests.filter((request) => request.path === '/down')).toHaveLength(3);
      const byId = Object.fromEntries(reports.map((report) => [report.id, report]));
      expect(byId.refused).toMatchObject({ state: 'dead', attempts: 1 });
      expect(byId.down).toMatchObject({ state: 'dead', attempts: 3 });
      expect(byId.refused!.error).toBeInstanceOf(NotifierError);
      expect(byId.refused!.error).toMatchObject({ code: 'HTTP_STATUS', status: 400, retryable: false });

      // A queue without a worker, as `notiflux deliveries` opens it.
      const reader = openQueue({ prefix });
      const dead = await reader.dead();
      expect(dead.map((report) => report.id).sort()).toEqual(['down', 'refused']);
      const down = dead.find((report) => report.id === 'down')!;
      expect(down).toMatchObject({ state: 'dead', attempts: 3, provider: { name: 'sink' } });
      expect(down.error).toMatchObject({
        code: 'HTTP_STATUS',
        status: 500,
        retryable: true,
        message: 'sink answered 500',
      });
      expect(await reader.counts()).toMatchObject({ dead: 2 });

      sink.respondWith(() => ({}));
      expect(await reader.retryDead('refused')).toBe(1);
      expect(await reader.retryDead('refused')).toBe(0);
      await eventually(() =>
        reports.find((report) => report.id === 'refused' && report.state === 'delivered'),
      );
      expect(await reader.retryDead()).toBe(1);
      await eventually(() => reports.find((report) => report.id === 'down' && report.state === 'delivered'));
      expect(await reader.dead()).toEqual([]);
    });

    it('keeps at most deadLimit.count dead deliveries', async () => {
      sink.respondWith(() => ({ status: 404 }));
      const { queue } = await startQueue({ deadLimit: { count: 2 } });
      for (const id of ['d1', 'd2', 'd3', 'd4']) {
        await queue.enqueue([sinkDelivery(id)]);
        await queue.drain();
      }
      const dead = await queue.dead();
      expect(dead.map((report) => report.id).sort()).toEqual(['d3', 'd4']);
    });

    it('drops a commit status older than one delivered in the meantime, even by another process', async () => {
      const prefix = `t${++prefixCount}`;
      sink.respondWith((request) =>
        request.path === '/old' && sink.requests.length === 1 ? { status: 503 } : {},
      );
      const first = await startQueue({ prefix, schedule: [1_500] });
      const supersede = (order: number) => ({ supersede: { key: 'repo@abc/ci', order } });
      await first.queue.enqueue([sinkDelivery('old', supersede(1))]);
      await eventually(async () => (await first.queue.counts()).delayed === 1);
      // Another worker delivers a newer status for the same commit while the old one waits.
      const other = await startQueue({ prefix, schedule: [1_500] });
      await first.queue.close();
      await other.queue.enqueue([sinkDelivery('new', supersede(2))]);
      await eventually(() => other.reports.find((report) => report.id === 'new'));
      await eventually(() => other.reports.find((report) => report.id === 'old'), 10_000);
      expect(other.reports.find((report) => report.id === 'old')).toMatchObject({
        state: 'dropped',
        reason: 'superseded',
      });
      expect(sink.requests.map((request) => request.path)).toEqual(['/old', '/new']);
    });

    it('a slow provider does not hold up the others', async () => {
      let releaseSlow!: () => void;
      const slowReleased = new Promise<void>((resolve) => {
        releaseSlow = resolve;
      });
      sink.respondWith(async (request) => {
        if (request.path === '/slow') await slowReleased;
        return {};
      });
      const { queue, reports } = await startQueue({ concurrency: 4 });
      await queue.enqueue([sinkDelivery('slow')]);
      await eventually(async () => (await queue.counts()).active === 1);
      await queue.enqueue(Array.from({ length: 20 }, (_, index) => sinkDelivery(`fast-${index}`)));
      await eventually(() => reports.length === 20);
      expect(reports.every((report) => report.id.startsWith('fast-') && report.state === 'delivered')).toBe(
        true,
      );
      releaseSlow();
      await queue.drain();
      expect(reports).toHaveLength(21);
    });

    it('close() hands unfinished jobs back at its deadline; the next worker posts them', async () => {
      const prefix = `t${++prefixCount}`;
      let answered = 0;
      sink.respondWith(async (request) => {
        if (request.path === '/stuck' && answered++ === 0)
          await new Promise((resolve) => setTimeout(resolve, 5_000));
        return {};
      });
      const first = await startQueue({ prefix });
      await first.queue.enqueue([sinkDelivery('stuck')]);
      await eventually(() => sink.requests.length === 1);
      await first.queue.close(200);
      expect(first.reports).toEqual([]);
      const reader = openQueue({ prefix });
      const [pending] = await reader.queued();
      expect(pending).toMatchObject({ id: 'stuck', attempts: 0 });
      const next = await startQueue({ prefix });
      await eventually(() => next.reports.length === 1);
      expect(next.reports[0]).toMatchObject({ id: 'stuck', state: 'delivered', attempts: 1 });
    });

    it('ready() follows Redis; deliveries queued before Redis went away are posted once it is back', async () => {
      const { queue, reports } = await startQueue();
      expect(await queue.ready()).toBe(true);
      await queue.enqueue(Array.from({ length: 10 }, (_, index) => sinkDelivery(`before-${index}`)));
      await queue.drain();
      await redis.stop();
      expect(await queue.ready()).toBe(false);
      await redis.start();
      await eventually(() => queue.ready());
      await queue.enqueue([sinkDelivery('after')]);
      await queue.drain();
      expect(reports.map((report) => report.id)).toContain('after');
      await queue.close();
      expect(await queue.ready()).toBe(false);
    });

    it('refuses bad options naming the field', () => {
      expect(() => bullmqQueue({ connection: redis.url, concurrency: 0 })).toThrow(/concurrency/);
      expect(() => bullmqQueue({ connection: redis.url, schedule: [-1] })).toThrow(/schedule/);
      expect(() => bullmqQueue({ connection: redis.url, deadLimit: { count: 1.5 } })).toThrow(
        /deadLimit.count/,
      );
      expect(() => bullmqQueue({} as BullmqQueueOptions)).toThrow(/connection/);
    });
  });
});
