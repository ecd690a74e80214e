import { NotifierError } from '@notiflux/providers';
import type { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DeliveryReport, QueuedDelivery } from '../delivery.js';
import type { Logger } from '../dispatcher-types.js';
import { checkDeadLimit, type DeadLimit } from '../queue/dead-letters.js';
import type {
  DeliveryQueue,
  PendingDelivery,
  QueueCounts,
  QueueOptions,
  QueueWorker,
} from '../queue/delivery-queue.js';
import { checkSchedule, nextAttemptDelayMs } from '../queue/retry-schedule.js';
import { jobIdOf } from './job-id.js';
import { loadBullmq } from './optional-peers.js';
import { closeRedis, openRedis, pingRedis, type RedisConnection } from './redis-connection.js';
import { rebuildFailure, storedFailureMessage } from './stored-failure.js';
import { type SupersedeRegister, supersedeRegister } from './supersede-register.js';

export interface BullmqQueueOptions extends QueueOptions {
  /** Where Redis is: a `redis://` URL or ioredis options. */
  connection: RedisConnection;
  /** BullMQ's key prefix, default `notiflux`. Processes sharing work use the same prefix and name. */
  prefix?: string;
  /** The BullMQ queue name, default `deliveries`. */
  name?: string;
  /** How many dead deliveries BullMQ's failed set keeps, and for how long: default 1000 and 7 days. */
  deadLimit?: DeadLimit;
  /**
   * How long a delivered id is remembered, so that the same delivery queued again (a producer
   * re-sending the event) is not posted twice: default 1 hour. 0 forgets at once.
   */
  dedupWindowMs?: number;
  /** How long a worker's lock on a job lasts without renewal, default 30 s (renewed every half). */
  lockDurationMs?: number;
  /** How often each worker looks for jobs whose worker died, default 30 s. */
  stalledIntervalMs?: number;
  /** A job found stalled more often than this is dead (a delivery that kills its worker), default 3. */
  maxStalledCount?: number;
  /** How long `close()` waits for in-flight posts by default, 10 s. */
  closeTimeoutMs?: number;
  /** Redis and worker problems (the client reconnects by itself), stalled jobs. */
  logger?: Pick<Logger, 'warn'>;
  /** For the schedule's jitter; tests pin it. */
  random?: () => number;
}

/** What a processed job returns; BullMQ stores it as the job's return value. */
interface JobResult {
  outcome: 'delivered' | 'superseded';
  attempts: number;
  durationMs?: number;
}

interface Resources {
  bullmq: typeof import('bullmq');
  redis: Redis;
  queue: Queue<QueuedDelivery>;
  supersede: SupersedeRegister;
}

const BACKOFF_TYPE = 'notiflux-schedule';
const DRAIN_POLL_MS = 50;
/** After the close deadline, posts are aborted; this long more for their jobs to be handed back. */
const CLOSE_GRACE_MS = 2_000;
const CLOSING = 'the queue is closing';
const LOCK_LOST = 'the job lock was lost';
const LOCK_LOST_MESSAGE = /^could not renew lock for job (.+)$/;

/** A failure worth another attempt later: the delay is decided here, where the error is known. */
class RetryLater extends Error {
  override readonly name = 'RetryLater';
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

function positiveInteger(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new TypeError(`${field} must be a positive integer`);
  }
  return value;
}

function nonNegative(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${field} must be a number >= 0`);
  }
  return value;
}

/** Only the stored fields, as plain data: BullMQ keeps the job as JSON. */
function plainDelivery(delivery: QueuedDelivery): QueuedDelivery {
  const { id, alert, provider, event, supersede } = delivery;
  return supersede === undefined ? { id, alert, provider, event } : { id, alert, provider, event, supersede };
}

function reportOf(delivery: QueuedDelivery): Omit<DeliveryReport, 'state' | 'attempts'> {
  return { id: delivery.id, alert: delivery.alert, provider: delivery.provider, event: delivery.event };
}

/**
 * Deliveries queued in Redis through BullMQ, shared by every process that opens the same prefix
 * and name: each delivery is posted by one worker at a time, a dead worker's jobs are taken over,
 * and everything queued survives restarts of the processes (and of Redis, with persistence).
 */
export function bullmqQueue(options: BullmqQueueOptions): DeliveryQueue {
  if (!options || typeof options !== 'object') {
    throw new TypeError('bullmqQueue options must be an object with a connection');
  }
  if (options.connection === undefined)
    throw new TypeError('connection is required (a redis:// URL or ioredis options)');
  const schedule = checkSchedule(options.schedule);
  const concurrency = positiveInteger(options.concurrency, 'concurrency', 32);
  const prefix = options.prefix ?? 'notiflux';
  const name = options.name ?? 'deliveries';
  if (typeof prefix !== 'string' || prefix === '' || prefix.includes(' ')) {
    throw new TypeError('prefix must be a non-empty string without spaces');
  }
  if (typeof name !== 'string' || name === '' || name.includes(':')) {
    throw new TypeError('name must be a non-empty string without ":"');
  }
  const { count: deadCount, ageMs: deadAgeMs } = checkDeadLimit(options.deadLimit);
  const dedupWindowMs = nonNegative(options.dedupWindowMs, 'dedupWindowMs', 3_600_000);
  const lockDuration = positiveInteger(options.lockDurationMs, 'lockDurationMs', 30_000);
  const stalledInterval = positiveInteger(options.stalledIntervalMs, 'stalledIntervalMs', 30_000);
  const maxStalledCount = nonNegative(options.maxStalledCount, 'maxStalledCount', 3);
  const closeTimeoutMs = nonNegative(options.closeTimeoutMs, 'closeTimeoutMs', 10_000);
  const random = options.random ?? Math.random;
  const warn = (message: string, fields: object = {}) => options.logger?.warn(fields, message);
  const onError = (error: Error) => warn('redis: connection problem', { error: error.message });

  // A retry is never later than the whole schedule plus the longest Retry-After we would honour;
  // a mark kept a day past that drops every late retry.
  const supersedeTtlMs = schedule.reduce((sum, delay) => sum + delay, 0) * 1.2 + 86_400_000;
  const jobOptions = {
    attempts: schedule.length + 1,
    backoff: { type: BACKOFF_TYPE },
    removeOnComplete: dedupWindowMs === 0 ? true : { age: Math.ceil(dedupWindowMs / 1000) },
    removeOnFail: { age: Math.ceil(deadAgeMs / 1000), count: deadCount },
  };

  let resources: Promise<Resources> | undefined;
  let worker: Worker<QueuedDelivery, JobResult> | undefined;
  let started = false;
  let closed = false;
  let closing: Promise<void> | undefined;
  const inFlight = new Map<string, AbortController>();
  /**
   * Jobs this process took and has not reported on yet: Redis shows a job finished a moment
   * before its report is out, and drain() waits for the report.
   */
  const unreported = new Set<string>();
  /** Job ids queued by this process and not yet seen final, for drain(). */
  const pending = new Set<string>();
  const drainWaiters = new Set<() => void>();

  const open = (): Promise<Resources> => {
    resources ??= (async () => {
      const bullmq = await loadBullmq();
      const redis = await openRedis(options.connection, onError);
      const queue = new bullmq.Queue<QueuedDelivery>(name, { connection: redis, prefix });
      queue.on('error', onError);
      return {
        bullmq,
        redis,
        queue,
        supersede: supersedeRegister(redis, `${prefix}:${name}`, supersedeTtlMs),
      };
    })();
    return resources;
  };

  const checkOpen = () => {
    if (closed) throw new Error('the queue is closed');
  };

  const process = (post: QueueWorker['post'], { bullmq, supersede }: Resources) => {
    return async (job: Job<QueuedDelivery, JobResult>, token?: string): Promise<JobResult> => {
      const delivery = job.data;
      const attempt = job.attemptsMade + 1;
      const jobId = job.id ?? jobIdOf(delivery.id);
      // From here on, whatever the outcome (a superseded status too), Redis may show the job
      // finished a moment before this process reports it: drain() waits for the report.
      unreported.add(jobId);
      // Should BullMQ never emit the outcome here (the lock went to another worker), stop waiting.
      setTimeout(() => unreported.delete(jobId), lockDuration).unref();
      if (delivery.supersede) {
        let superseded: boolean;
        try {
          superseded = await supersede.isSuperseded(delivery.supersede.key, delivery.supersede.order);
        } catch {
          // Redis hiccup before anything was posted: a retryable failure, not a dead delivery.
          const error = new NotifierError(
            'NETWORK',
            'the queue could not read the newest commit status from Redis',
            {
              retryable: true,
            },
          );
          throw new RetryLater(
            storedFailureMessage(error),
            nextAttemptDelayMs(error, attempt, schedule, random) ?? 1_000,
          );
        }
        // Attempts actually made: this one posted nothing.
        if (superseded) return { outcome: 'superseded', attempts: job.attemptsMade };
      }
      const controller = new AbortController();
      inFlight.set(jobId, controller);
      const startedAt = performance.now();
      try {
        await post(delivery, controller.signal);
      } catch (error) {
        if (controller.signal.reason === CLOSING) {
          // Handed back at once, without counting an attempt: the next worker posts it.
          await job.moveToDelayed(Date.now(), token);
          unreported.delete(jobId);
          throw new bullmq.DelayedError();
        }
        const message = storedFailureMessage(error);
        if (controller.signal.reason === LOCK_LOST) throw new bullmq.UnrecoverableError(message);
        const delayMs = nextAttemptDelayMs(error, attempt, schedule, random);
        if (delayMs === undefined) throw new bullmq.UnrecoverableError(message);
        throw new RetryLater(message, delayMs);
      } finally {
        inFlight.delete(jobId);
      }
      const durationMs = Math.round(performance.now() - startedAt);
      if (delivery.supersede) {
        // Delivered whatever happens next: a mark not written only lets an older retry through.
        await supersede
          .recordDelivered(delivery.supersede.key, delivery.supersede.order)
          .catch((error: Error) =>
            warn('could not record a delivered commit status', { error: error.message }),
          );
      }
      return { outcome: 'delivered', attempts: attempt, durationMs };
    };
  };

  const report = (queueWorker: QueueWorker, outcome: DeliveryReport) => {
    try {
      queueWorker.report(outcome);
    } catch (error) {
      warn('delivery report handler threw', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };

  return {
    async start(queueWorker: QueueWorker): Promise<void> {
      checkOpen();
      if (started) throw new Error('start() was already called: a queue serves one dispatcher');
      started = true;
      const opened = await open();
      const { bullmq, redis } = opened;
      const created = new bullmq.Worker<QueuedDelivery, JobResult>(name, process(queueWorker.post, opened), {
        connection: redis,
        prefix,
        concurrency,
        lockDuration,
        stalledInterval,
        maxStalledCount,
        // Marking a job done is retried this soon when Redis is briefly away: well within the
        // lock, so that a post already made is not made again by another worker.
        runRetryDelay: Math.min(15_000, Math.max(100, Math.floor(lockDuration / 4))),
        settings: {
          // The processor decided the delay (schedule, jitter, Retry-After); -1 is "dead now".
          backoffStrategy: (_attemptsMade: number, _type?: string, error?: Error) =>
            error instanceof RetryLater ? error.delayMs : -1,
        },
      });
      worker = created;
      created.on('completed', (job, result) => {
        pending.delete(job.id ?? '');
        unreported.delete(job.id ?? '');
        const base = reportOf(job.data);
        if (result.outcome === 'superseded') {
          report(queueWorker, { ...base, state: 'dropped', reason: 'superseded', attempts: result.attempts });
        } else {
          report(queueWorker, {
            ...base,
            state: 'delivered',
            attempts: result.attempts,
            ...(result.durationMs !== undefined ? { durationMs: result.durationMs } : {}),
          });
        }
      });
      created.on('failed', (job) => {
        unreported.delete(job?.id ?? '');
        // Also emitted for attempts that will be retried: only a finished job is dead.
        if (!job?.finishedOn) return;
        pending.delete(job.id ?? '');
        report(queueWorker, {
          ...reportOf(job.data),
          state: 'dead',
          attempts: job.attemptsMade,
          error: rebuildFailure(job.failedReason),
        });
      });
      created.on('stalled', (jobId) =>
        warn('a delivery stalled (its worker died or hung); taken over', { jobId }),
      );
      created.on('error', (error) => {
        const lost = LOCK_LOST_MESSAGE.exec(error.message)?.[1];
        // Another worker may take the job over: stop posting it here, so two posts overlap as
        // little as possible.
        if (lost !== undefined) inFlight.get(lost)?.abort(LOCK_LOST);
        warn('queue worker problem', { error: error.message });
      });
      await created.waitUntilReady();
    },

    async enqueue(deliveries: readonly QueuedDelivery[]): Promise<void> {
      checkOpen();
      if (deliveries.length === 0) return;
      const { queue } = await open();
      await queue.addBulk(
        deliveries.map((delivery) => ({
          name: 'delivery',
          data: plainDelivery(delivery),
          opts: { ...jobOptions, jobId: jobIdOf(delivery.id) },
        })),
      );
      for (const delivery of deliveries) pending.add(jobIdOf(delivery.id));
    },

    async drain(): Promise<void> {
      // After close nothing will change any more here: resolve, as memoryQueue does.
      if (closed || pending.size === 0) return;
      const { redis } = await open();
      const keyPrefix = `${prefix}:${name}:`;
      await new Promise<void>((resolve) => {
        const waiter = () => resolve();
        drainWaiters.add(waiter);
        const poll = async () => {
          if (closed) return;
          try {
            const ids = [...pending];
            const pipeline = redis.pipeline();
            for (const id of ids) pipeline.hmget(keyPrefix + id, 'timestamp', 'finishedOn');
            const answers = (await pipeline.exec()) ?? [];
            ids.forEach((id, index) => {
              const [error, fields] = answers[index] ?? [];
              const [timestamp, finishedOn] = (fields as (string | null)[] | undefined) ?? [];
              // Gone (removed once final) or finished: nothing left to wait for.
              if (!error && (timestamp === null || finishedOn !== null) && !unreported.has(id)) {
                pending.delete(id);
              }
            });
          } catch {
            // Redis unreachable: keep waiting, it may come back.
          }
          if (pending.size === 0) {
            drainWaiters.delete(waiter);
            resolve();
          } else {
            setTimeout(poll, DRAIN_POLL_MS);
          }
        };
        void poll();
      });
    },

    async queued(): Promise<PendingDelivery[]> {
      const { queue, redis } = await open();
      const [waiting, active, delayed] = await Promise.all([
        queue.getJobs(['waiting', 'prioritized']),
        queue.getActive(),
        queue.getDelayed(),
      ]);
      const dueScores = await Promise.all(
        delayed.map((job) => redis.zscore(`${prefix}:${name}:delayed`, job.id ?? '')),
      );
      const pendingOf = (
        job: { data: QueuedDelivery; attemptsMade: number },
        state: PendingDelivery['state'],
      ) => ({
        ...plainDelivery(job.data),
        state,
        attempts: job.attemptsMade,
      });
      return [
        ...waiting.map((job) => pendingOf(job, 'waiting')),
        ...active.map((job) => pendingOf(job, 'active')),
        ...delayed.map((job, index) => {
          const score = dueScores[index];
          // BullMQ scores a delayed job by its due time in ms times 4096, plus a counter.
          return score == null
            ? pendingOf(job, 'delayed')
            : { ...pendingOf(job, 'delayed'), nextAttemptAt: Math.floor(Number(score) / 0x1000) };
        }),
      ];
    },

    async dead(): Promise<DeliveryReport[]> {
      const { queue } = await open();
      const failed = await queue.getFailed();
      return failed.map((job) => ({
        ...reportOf(job.data),
        state: 'dead' as const,
        attempts: job.attemptsMade,
        error: rebuildFailure(job.failedReason),
      }));
    },

    async retryDead(id?: string): Promise<number> {
      checkOpen();
      const { queue } = await open();
      const jobs =
        id === undefined
          ? await queue.getFailed()
          : await queue.getJob(jobIdOf(id)).then((job) => (job ? [job] : []));
      let retried = 0;
      for (const job of jobs) {
        if (!job.id || (id !== undefined && !(await job.isFailed()))) continue;
        try {
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          pending.add(job.id);
          retried += 1;
        } catch {
          // Retried or removed by another process meanwhile.
        }
      }
      return retried;
    },

    async counts(): Promise<QueueCounts> {
      const { queue } = await open();
      const counts = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
      return {
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        dead: counts.failed ?? 0,
      };
    },

    async ready(): Promise<boolean> {
      if (closed) return false;
      try {
        const { redis } = await open();
        return await pingRedis(redis);
      } catch {
        return false;
      }
    },

    close(timeoutMs: number = closeTimeoutMs): Promise<void> {
      closing ??= (async () => {
        closed = true;
        for (const waiter of drainWaiters) waiter();
        drainWaiters.clear();
        if (worker) {
          const stopped = worker.close();
          let giveUpTimer: NodeJS.Timeout | undefined;
          // At the deadline, posts still running are aborted and their jobs handed back; a post
          // that ignores its signal is left to the stalled check of the next worker.
          const abortTimer = setTimeout(() => {
            for (const controller of inFlight.values()) controller.abort(CLOSING);
          }, timeoutMs);
          await Promise.race([
            stopped.catch(() => undefined),
            new Promise((resolve) => {
              giveUpTimer = setTimeout(resolve, timeoutMs + CLOSE_GRACE_MS);
            }),
          ]);
          clearTimeout(abortTimer);
          clearTimeout(giveUpTimer);
        }
        if (resources) {
          const { queue, redis } = await resources.catch(() => ({ queue: undefined, redis: undefined }));
          await queue?.close().catch(() => undefined);
          if (redis) await closeRedis(redis);
        }
      })();
      return closing;
    },
  };
}
