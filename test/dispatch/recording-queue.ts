import type { DeliveryQueue, DeliveryReport, QueuedDelivery, QueueWorker } from '@notiflux/dispatch';

/** A queue that keeps what it is given and posts only when told, for tests of what gets queued. */
export interface RecordingQueue extends DeliveryQueue {
  enqueued: QueuedDelivery[];
  /** Posts every delivery enqueued so far through the dispatcher's worker, once. */
  postAll(): Promise<void>;
}

export function recordingQueue(): RecordingQueue {
  let worker: QueueWorker | undefined;
  const enqueued: QueuedDelivery[] = [];
  return {
    enqueued,
    async start(w) {
      worker = w;
    },
    async enqueue(deliveries) {
      enqueued.push(...deliveries);
    },
    async postAll() {
      if (!worker) throw new Error('not started');
      for (const delivery of enqueued) await worker.post(delivery, new AbortController().signal);
    },
    async drain() {},
    async queued() {
      return [];
    },
    async dead(): Promise<DeliveryReport[]> {
      return [];
    },
    async retryDead() {
      return 0;
    },
    async counts() {
      return { waiting: enqueued.length, active: 0, delayed: 0, dead: 0 };
    },
    async ready() {
      return true;
    },
    async close() {},
  };
}
