import type { DeliveryQueue, QueuedDelivery } from '@notiflux/dispatch';
import { bullmqQueue } from '@notiflux/dispatch/bullmq';
import { NotifierError } from '@notiflux/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';
import { eventually } from '../support/eventually.js';
import { type RedisTestServer, startRedisServer } from '../support/redis-server.js';
import { sampleEvent } from '../support/sample-events.js';
import { describeNeeding, isMissing } from '../support/test-services.js';

function delivery(id: string): QueuedDelivery {
  return {
    id,
    alert: { name: 'on-call', namespace: 'flux-system' },
    provider: { name: 'hook', namespace: 'flux-system', type: 'generic' },
    event: { ...sampleEvent, message: `event ${id}` },
  };
}

let redis: RedisTestServer;
let queue: DeliveryQueue;
const prefix = 'cli';

beforeAll(async () => {
  if (isMissing('redis-server')) return;
  redis = await startRedisServer();
  // A worker whose every post is refused for good: the deliveries end in the dead set.
  queue = bullmqQueue({ connection: redis.url, prefix, schedule: [] });
  let refusals = 0;
  await queue.start({
    post: async () => {
      refusals += 1;
      throw new NotifierError('HTTP_STATUS', `POST http://127.0.0.1:9/hook: 403 Forbidden (${refusals})`, {
        status: 403,
        providerType: 'generic',
      });
    },
    report: () => undefined,
  });
  await queue.enqueue([delivery('d-1'), delivery('d-2')]);
  await queue.drain();
  await queue.close(500);
});

afterAll(async () => {
  await redis?.dispose();
});

describeNeeding('redis-server')('on a real redis-server', () => {
  describe('notiflux deliveries', () => {
    it('lists queued and dead deliveries of the Redis queue', async () => {
      const result = await runCli(['deliveries', '--redis', redis.url, '--prefix', prefix]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('queued: 0\n');
      expect(result.stdout).toContain('dead: 2\n');
      expect(result.stdout).toMatch(
        / {2}d-1 {2}dead {2}Alert flux-system\/on-call → generic Provider flux-system\/hook {2}\(1 attempts\): HTTP_STATUS: .*403/,
      );
    });

    it('--dead --json gives the dead set with each error', async () => {
      const result = await runCli(
        ['deliveries', '--redis-env', 'REDIS_URL', '--prefix', prefix, '--dead', '--json'],
        {
          env: { REDIS_URL: redis.url },
        },
      );
      expect(result.code).toBe(0);
      const json = JSON.parse(result.stdout);
      expect(json.queued).toBeUndefined();
      expect(json.dead.map((report: { id: string }) => report.id).sort()).toEqual(['d-1', 'd-2']);
      expect(json.dead[0].error).toMatchObject({ name: 'NotifierError', code: 'HTTP_STATUS', status: 403 });
    });

    it('--retry ID queues one dead delivery again; an unknown id exits 1; --retry-all-dead the rest', async () => {
      const one = await runCli(['deliveries', '--redis', redis.url, '--prefix', prefix, '--retry', 'd-1']);
      expect(one).toMatchObject({ code: 0, stdout: 'queued again: 1\n' });
      const listed = await runCli(['deliveries', '--redis', redis.url, '--prefix', prefix, '--json']);
      const json = JSON.parse(listed.stdout);
      expect(json.queued.map((pending: { id: string }) => pending.id)).toEqual(['d-1']);
      expect(json.dead.map((report: { id: string }) => report.id)).toEqual(['d-2']);

      const unknown = await runCli([
        'deliveries',
        '--redis',
        redis.url,
        '--prefix',
        prefix,
        '--retry',
        'nope',
      ]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('no dead delivery nope');

      const all = await runCli([
        'deliveries',
        '--redis',
        redis.url,
        '--prefix',
        prefix,
        '--retry-all-dead',
        '--json',
      ]);
      expect(all.code).toBe(0);
      expect(JSON.parse(all.stdout)).toEqual({ retried: 1 });
      await eventually(async () => {
        const after = JSON.parse(
          (await runCli(['deliveries', '--redis', redis.url, '--prefix', prefix, '--json'])).stdout,
        );
        return after.dead.length === 0 && after.queued.length === 2;
      });
    });

    it('exits 2 without --redis, or with both retry flags', async () => {
      const none = await runCli(['deliveries']);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('--redis is required');
      const both = await runCli(['deliveries', '--redis', redis.url, '--retry', 'a', '--retry-all-dead']);
      expect(both.code).toBe(2);
    });
  });
});
