import type { DeliveryReport, QueuedDelivery } from '../delivery.js';

/**
 * Posts one delivery through the notifier of its Provider (and Alert, for `otel`). Rejects with
 * the `NotifierError` of the post; the queue decides from it whether to retry later.
 */
export type PostDelivery = (delivery: QueuedDelivery, signal: AbortSignal) => Promise<void>;

export interface QueueWorker {
  post: PostDelivery;
  /** Called once per final outcome (delivered, dead, dropped as superseded). */
  report: (report: DeliveryReport) => void;
}

export interface QueueCounts {
  /** Ready to be posted. */
  waiting: number;
  /** Being posted now. */
  active: number;
  /** Waiting for a later queue-level attempt. */
  delayed: number;
  dead: number;
}

/** A delivery not yet final, as `queued()` lists it. */
export interface PendingDelivery extends QueuedDelivery {
  state: 'waiting' | 'active' | 'delayed';
  /** Queue-level attempts made so far. */
  attempts: number;
  /** When the next attempt is due (ms since the epoch), for `delayed`. */
  nextAttemptAt?: number;
}

export interface QueueOptions {
  /** Delays in ms between queue-level attempts; its length is the number of retries. */
  schedule?: number[];
  /** Parallel posts per process, default 32. */
  concurrency?: number;
}

/**
 * Where deliveries wait, are posted, retried and die. `memoryQueue` keeps them in this process;
 * `bullmqQueue` in Redis, shared by every process that opens it. A queue works without a worker
 * (listing and retrying dead deliveries); `start` makes it post.
 */
export interface DeliveryQueue {
  /** Binds the queue to the dispatcher that posts its deliveries. Called once. */
  start(worker: QueueWorker): Promise<void>;
  /** Queues deliveries; one whose id is already queued (and not final) is not queued twice. */
  enqueue(deliveries: readonly QueuedDelivery[]): Promise<void>;
  /**
   * `enqueue`, done at once (throwing what `enqueue` rejects with), for a queue that keeps its
   * deliveries in this process. Optional: the dispatcher uses it when it is there, and saves a
   * turn of the microtask queue on every event.
   */
  enqueueNow?(deliveries: readonly QueuedDelivery[]): void;
  /** Resolves when every delivery accepted so far is delivered, dead or dropped. */
  drain(): Promise<void>;
  queued(): Promise<PendingDelivery[]>;
  dead(): Promise<DeliveryReport[]>;
  /** Queues dead deliveries again (one by id, or all); resolves with how many. */
  retryDead(id?: string): Promise<number>;
  counts(): Promise<QueueCounts>;
  /** Whether the queue can take deliveries now (Redis reachable, not closed). */
  ready(): Promise<boolean>;
  /** Stops taking work and waits for in-flight posts up to `timeoutMs`. */
  close(timeoutMs?: number): Promise<void>;
}
