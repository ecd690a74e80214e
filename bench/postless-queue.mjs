// A DeliveryQueue for the benches that posts nothing, so a round measures what comes before the
// posts. By default it drops what it is given; with `reportDelivered`, it reports each delivery
// delivered as it is queued, so the server's own counters (which a bench may read) stay true to
// what happened.
export function postlessQueue({ reportDelivered = false } = {}) {
  let worker;
  const counts = { waiting: 0, active: 0, delayed: 0, dead: 0 };
  return {
    async start(queueWorker) {
      worker = queueWorker;
    },
    async enqueue(deliveries) {
      if (!reportDelivered) return;
      for (const { id, alert, provider, event } of deliveries) {
        worker.report({ id, alert, provider, event, state: 'delivered', attempts: 0, durationMs: 0 });
      }
    },
    async drain() {},
    async queued() {
      return [];
    },
    async dead() {
      return [];
    },
    async retryDead() {
      return 0;
    },
    async counts() {
      return counts;
    },
    async ready() {
      return true;
    },
    async close() {},
  };
}
