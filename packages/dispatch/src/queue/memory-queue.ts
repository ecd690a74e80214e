import { setMaxListeners } from 'node:events';
import { NotifierError } from '@notiflux/providers';
import type { DeliveryReport, QueuedDelivery } from '../delivery.js';
import type { Logger } from '../dispatcher-types.js';
import { checkDeadLimit, DeadLetters, type DeadLimit } from './dead-letters.js';
import { DeliveredOrders } from './delivered-orders.js';
import type {
  DeliveryQueue,
  PendingDelivery,
  QueueCounts,
  QueueOptions,
  QueueWorker,
} from './delivery-queue.js';
import { enqueueHandedOver, type HandOverQueue } from './hand-over.js';
import { plainCopy } from './plain-copy.js';
import { checkSchedule, nextAttemptDelayMs } from './retry-schedule.js';

/** Timer functions the queue schedules later attempts with (tests may pass fake ones). */
export interface QueueTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface MemoryQueueOptions extends QueueOptions {
  /** How many dead deliveries are kept, and how long. */
  deadLimit?: DeadLimit;
  /** Milliseconds since the epoch: `nextAttemptAt`, durations, the age of dead deliveries. */
  clock?: () => number;
  /** For the jitter of the schedule, in [0, 1). */
  random?: () => number;
  timers?: QueueTimers;
  /** Told when `close` leaves deliveries unfinished and when a `report` listener throws. */
  logger?: Pick<Logger, 'warn' | 'error'>;
}

export interface MemoryQueue extends DeliveryQueue {
  /** Always there: this queue keeps its deliveries in this process. */
  enqueueNow(deliveries: readonly QueuedDelivery[]): void;
  /**
   * Deliveries accepted and not yet delivered, dead or dropped. After `close`, the ones it left
   * unfinished: they are lost with the process (close also logs their number as a warning).
   */
  readonly unfinished: number;
  /**
   * Stops taking work, waits up to `timeoutMs` (default 10 000) for in-flight posts, then aborts
   * them; their outcome is not reported.
   */
  close(timeoutMs?: number): Promise<void>;
}

export const DEFAULT_CONCURRENCY = 32;
export const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;
/** While posts are in flight, how often the deliveries that became ready start, in ms. */
const PUMP_TICK_MS = 1;
/** setTimeout's longest delay; longer waits (a huge Retry-After) are made of several. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Entry {
  delivery: QueuedDelivery;
  state: 'waiting' | 'active' | 'delayed';
  attempts: number;
  nextAttemptAt?: number;
  timer?: unknown;
}

const unrefTimers: QueueTimers = {
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return timer;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

function checkConcurrency(concurrency: number | undefined): number {
  if (concurrency === undefined) return DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError(`concurrency must be an integer >= 1, got ${String(concurrency)}`);
  }
  return concurrency;
}

/** A dead delivery's error is always a NotifierError; anything else a post threw is wrapped. */
function asNotifierError(error: unknown, providerType: string): NotifierError {
  if (error instanceof NotifierError) return error;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new NotifierError('REJECTED', `${providerType}: the post failed: ${detail}`, {
    providerType,
  });
}

function copyOf(delivery: QueuedDelivery, index: number): QueuedDelivery {
  if (typeof delivery !== 'object' || delivery === null) {
    throw new TypeError(`deliveries[${index}] must be a delivery object`);
  }
  if (typeof delivery.id !== 'string' || delivery.id === '') {
    throw new TypeError(`deliveries[${index}].id must be a non-empty string`);
  }
  const { supersede } = delivery;
  if (
    supersede !== undefined &&
    (typeof supersede.key !== 'string' ||
      typeof supersede.order !== 'number' ||
      Number.isNaN(supersede.order))
  ) {
    throw new TypeError(`deliveries[${index}].supersede must be { key: string, order: number }`);
  }
  // A copy, as a queue in Redis would hold: later changes by the caller do not reach the post,
  // and anything that is not plain data fails here rather than on another process.
  try {
    return plainCopy(delivery);
  } catch (error) {
    throw new TypeError(
      `deliveries[${index}] (${delivery.id}) must be plain data: ${(error as Error).message}`,
    );
  }
}

/**
 * The embedded delivery queue: deliveries wait in this process, are posted `concurrency` at a
 * time, retried later on the schedule, and kept when dead. Lost on exit, as Flux loses its
 * in-flight notifications on a restart. Timers are unref'd: a delivery waiting for its next
 * attempt does not keep the process alive.
 */
export function memoryQueue(options: MemoryQueueOptions = {}): MemoryQueue {
  const schedule = checkSchedule(options.schedule);
  const concurrency = checkConcurrency(options.concurrency);
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const timers = options.timers ?? unrefTimers;
  const logger = options.logger;

  const pending = new Map<string, Entry>();
  // Waiting entries in arrival order; `head` skips the ones taken, compacted now and then. A
  // taken slot is cleared at once: until the next compaction it would otherwise keep a finished
  // delivery (its event and all) alive for a thousand more, long enough for the garbage
  // collector to move each one to the old generation.
  let waiting: (Entry | undefined)[] = [];
  let head = 0;
  let active = 0;
  let delayed = 0;
  // Attempts not yet settled, and close's wait for the last of them.
  let running = 0;
  let runsSettled: (() => void) | undefined;
  // One signal for every post: close aborts all of them at once, and a controller per post
  // (with a listener per post on it) is a measurable share of a delivery's cost.
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const orders = new DeliveredOrders();
  const dead = new DeadLetters(checkDeadLimit(options.deadLimit), clock, (delivery) => {
    if (delivery.supersede) orders.release(delivery.supersede.key);
  });
  let worker: QueueWorker | undefined;
  let closing = false;
  let closed: Promise<void> | undefined;
  // Set once close has given up on what is left: nothing will change any more.
  let stopped = false;
  let idleWaiters: (() => void)[] = [];

  const report = (outcome: DeliveryReport): void => {
    try {
      worker?.report(outcome);
    } catch (error) {
      logger?.error({ err: error, id: outcome.id }, 'a delivery report listener threw');
    }
  };

  const outcomeOf = (entry: Entry, outcome: Omit<DeliveryReport, keyof QueuedDelivery>): DeliveryReport => {
    const { id, alert, provider, event } = entry.delivery;
    return { id, alert, provider, event, ...outcome };
  };

  /** The common outcome, as one literal: the spread of `outcomeOf` would be an object more per delivery. */
  const deliveredOutcome = (entry: Entry, durationMs: number): DeliveryReport => {
    const { id, alert, provider, event } = entry.delivery;
    return { id, alert, provider, event, state: 'delivered', attempts: entry.attempts, durationMs };
  };

  const settleIdle = (): void => {
    if (pending.size > 0 && !stopped) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const finish = (entry: Entry, outcome: DeliveryReport): void => {
    pending.delete(entry.delivery.id);
    if (entry.delivery.supersede) orders.release(entry.delivery.supersede.key);
    report(outcome);
  };

  const makeWaiting = (entry: Entry): void => {
    entry.state = 'waiting';
    entry.nextAttemptAt = undefined;
    entry.timer = undefined;
    waiting.push(entry);
  };

  const armTimer = (entry: Entry, delayMs: number): void => {
    if (delayMs > MAX_TIMER_MS) {
      entry.timer = timers.setTimeout(() => armTimer(entry, delayMs - MAX_TIMER_MS), MAX_TIMER_MS);
      return;
    }
    entry.timer = timers.setTimeout(() => {
      if (closing || entry.state !== 'delayed') return;
      delayed -= 1;
      makeWaiting(entry);
      schedulePump();
    }, delayMs);
  };

  // One async frame per attempt (each is a promise and a turn of the microtask queue).
  const attempt = async (entry: Entry, post: QueueWorker['post']): Promise<void> => {
    running += 1;
    try {
      entry.state = 'active';
      entry.attempts += 1;
      active += 1;
      const started = clock();
      let failure: { error: unknown } | undefined;
      try {
        await post(entry.delivery, stop.signal);
      } catch (error) {
        failure = { error };
      }
      const durationMs = Math.max(0, clock() - started);
      active -= 1;
      // Aborted by close: neither delivered nor dead, only unfinished (close counted it).
      if (stop.signal.aborted) return;
      const { supersede } = entry.delivery;
      if (failure === undefined) {
        if (supersede) orders.delivered(supersede.key, supersede.order);
        finish(entry, deliveredOutcome(entry, durationMs));
      } else {
        const delayMs = nextAttemptDelayMs(failure.error, entry.attempts, schedule, random);
        if (delayMs === undefined) {
          const error = asNotifierError(failure.error, entry.delivery.provider.type);
          const outcome = outcomeOf(entry, { state: 'dead', attempts: entry.attempts, error, durationMs });
          pending.delete(entry.delivery.id);
          dead.add(entry.delivery, outcome);
          report(outcome);
        } else {
          entry.state = 'delayed';
          entry.nextAttemptAt = clock() + delayMs;
          delayed += 1;
          if (!closing) armTimer(entry, delayMs);
        }
      }
      schedulePump();
      settleIdle();
    } finally {
      running -= 1;
      if (running === 0) runsSettled?.();
    }
  };

  const pump = (): void => {
    if (worker === undefined || closing) return;
    const { post } = worker;
    while (active < concurrency && head < waiting.length) {
      const entry = waiting[head] as Entry;
      waiting[head] = undefined;
      head += 1;
      // Checked right before each attempt: a newer status may have gone out since the last one.
      const { supersede } = entry.delivery;
      if (supersede && orders.superseded(supersede.key, supersede.order)) {
        finish(entry, outcomeOf(entry, { state: 'dropped', reason: 'superseded', attempts: entry.attempts }));
        continue;
      }
      void attempt(entry, post);
    }
    if (head > 1024 && head * 2 > waiting.length) {
      waiting = waiting.slice(head);
      head = 0;
    }
    settleIdle();
  };

  // Posts start in bursts, all that became ready together, so that their requests go out back to
  // back and a busy receiver wakes once for the burst rather than once per post. With no post in
  // flight, the burst starts at the end of the event loop's turn (one immediate): the deliveries of
  // the turn's events. With posts in flight (a busy hub), at the next tick of PUMP_TICK_MS (one
  // timer): the deliveries of every turn in between, and those whose posts ended. A busy hub turns
  // its loop several times a millisecond; bursts per tick rather than per turn halve the wake-ups
  // of the receiver on the event server benchmark. A post waits at most about a tick, and not even
  // that once enough are waiting to fill every free slot: the burst is then as large as it can be,
  // and waiting longer would only hold posts back.
  // At most one of the two is set: the pump waits for the tick, or for the end of the turn.
  let pumpTimer: NodeJS.Timeout | undefined;
  let pumpImmediate: NodeJS.Immediate | undefined;
  const scheduledPump = (): void => {
    pumpTimer = undefined;
    pumpImmediate = undefined;
    pump();
  };
  const schedulePump = (): void => {
    if (worker === undefined || pumpImmediate !== undefined) return;
    const burstIsFull = active === 0 || waiting.length - head >= concurrency - active;
    if (!burstIsFull) {
      pumpTimer ??= setTimeout(scheduledPump, PUMP_TICK_MS);
      return;
    }
    clearTimeout(pumpTimer);
    pumpTimer = undefined;
    pumpImmediate = setImmediate(scheduledPump);
  };

  const closedError = (what: string) =>
    new Error(`memoryQueue is closed: ${what} after close() is refused (nothing was queued)`);

  /** Queues `deliveries` as they are: copies, or deliveries made for this queue alone. */
  const keep = (deliveries: readonly QueuedDelivery[]): void => {
    for (const delivery of deliveries) {
      if (pending.has(delivery.id)) continue;
      // Queued again after it died: it leaves the dead set and starts afresh.
      if (dead.size > 0) dead.remove(delivery.id);
      if (delivery.supersede) orders.hold(delivery.supersede.key);
      const entry: Entry = { delivery, state: 'waiting', attempts: 0 };
      pending.set(delivery.id, entry);
      waiting.push(entry);
    }
    schedulePump();
  };

  const enqueueNow = (deliveries: readonly QueuedDelivery[]): void => {
    if (closing) throw closedError('enqueue()');
    if (!Array.isArray(deliveries)) throw new TypeError('deliveries must be an array');
    keep(deliveries.map(copyOf));
  };

  // Returned as a MemoryQueue: the hand-over method is for the dispatcher alone.
  const queue: MemoryQueue & HandOverQueue = {
    get unfinished() {
      return pending.size;
    },

    async start(queueWorker: QueueWorker): Promise<void> {
      if (worker !== undefined) throw new Error('memoryQueue: start() was already called');
      if (closing) throw closedError('start()');
      if (typeof queueWorker?.post !== 'function' || typeof queueWorker.report !== 'function') {
        throw new TypeError('memoryQueue: start() needs a worker with post() and report()');
      }
      worker = queueWorker;
      pump();
    },

    enqueueNow,

    [enqueueHandedOver](deliveries: readonly QueuedDelivery[]): void {
      if (closing) throw closedError('enqueue()');
      keep(deliveries);
    },

    async enqueue(deliveries: readonly QueuedDelivery[]): Promise<void> {
      enqueueNow(deliveries);
    },

    drain(): Promise<void> {
      if (pending.size === 0 || stopped) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },

    async queued(): Promise<PendingDelivery[]> {
      return [...pending.values()].map((entry) => {
        const listed: PendingDelivery = { ...entry.delivery, state: entry.state, attempts: entry.attempts };
        if (entry.nextAttemptAt !== undefined) listed.nextAttemptAt = entry.nextAttemptAt;
        return listed;
      });
    },

    async dead() {
      return dead.reports();
    },

    async retryDead(id?: string): Promise<number> {
      if (closing) throw closedError('retryDead()');
      const revived = dead.take(id);
      for (const delivery of revived) {
        // The supersede key stays held: it moves from the dead set back to the queue.
        const entry: Entry = { delivery, state: 'waiting', attempts: 0 };
        pending.set(delivery.id, entry);
        waiting.push(entry);
      }
      schedulePump();
      return revived.length;
    },

    async counts(): Promise<QueueCounts> {
      return { waiting: pending.size - active - delayed, active, delayed, dead: dead.size };
    },

    async ready(): Promise<boolean> {
      return !closing;
    },

    close(timeoutMs = DEFAULT_CLOSE_TIMEOUT_MS): Promise<void> {
      if (closed) return closed;
      if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
        return Promise.reject(new TypeError(`timeoutMs must be a number of ms >= 0, got ${timeoutMs}`));
      }
      // What was queued before close starts now, as it would have at the end of this turn:
      // close then waits for it like any post in flight.
      if (pumpTimer !== undefined || pumpImmediate !== undefined) {
        clearTimeout(pumpTimer);
        clearImmediate(pumpImmediate);
        scheduledPump();
      }
      closing = true;
      for (const entry of pending.values()) {
        if (entry.timer !== undefined) timers.clearTimeout(entry.timer);
        entry.timer = undefined;
      }
      closed = (async () => {
        if (running > 0) {
          await new Promise<void>((resolve) => {
            const deadline = setTimeout(resolve, Math.min(timeoutMs, MAX_TIMER_MS));
            runsSettled = () => {
              clearTimeout(deadline);
              resolve();
            };
          });
        }
        stop.abort(new Error('memoryQueue closed'));
        const unfinished = pending.size;
        if (unfinished > 0) {
          logger?.warn(
            { unfinished },
            `memoryQueue closed with ${unfinished} deliveries unfinished; they are lost with this process`,
          );
        }
        stopped = true;
        settleIdle();
      })();
      return closed;
    },
  };
  return queue;
}
