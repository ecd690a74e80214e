// The dispatch layer's in-process engine: memoryQueue deliveries per second (queue alone, and
// through the `generic` notifier to a local sink), and the heap that memoryRateLimitStore holds
// for many distinct keys and gives back once their window has passed. Imports the built package:
// run `pnpm -F @notiflux/dispatch build` first. Run alone: `node bench/dispatch-queue.mjs`;
// counts from BENCH_QUEUE_DELIVERIES (default 20000) and BENCH_RATE_LIMIT_KEYS (default 1000000).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createNotifier } from '@notiflux/providers';
import { memoryQueue, memoryRateLimitStore } from '../packages/dispatch/dist/index.js';
import { startServer } from './http-throughput.mjs';
import { sampleDeliveries } from './sample-event.mjs';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');

function heapUsed() {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Deliveries per second from enqueue to the last report, `post` doing the sending. */
async function deliveriesPerSecond(post, { count, concurrency, run }) {
  const queue = memoryQueue({ concurrency, schedule: [] });
  let delivered = 0;
  await queue.start({
    post,
    report: (report) => {
      if (report.state !== 'delivered') throw new Error(`delivery ${report.id} ended ${report.state}`);
      delivered++;
    },
  });
  const started = performance.now();
  await queue.enqueue(sampleDeliveries(count, run));
  await queue.drain();
  const seconds = (performance.now() - started) / 1000;
  await queue.close();
  if (delivered !== count) throw new Error(`${delivered} of ${count} delivered`);
  return count / seconds;
}

/** memoryQueue throughput: alone (a post that does nothing), and posting over HTTP to a sink. */
export async function benchDispatchQueue({ count = 20_000, concurrency = 32 } = {}) {
  const noop = async () => {};
  await deliveriesPerSecond(noop, { count: Math.min(count, 2_000), concurrency, run: 'warm-noop' });
  const queueAlone = await deliveriesPerSecond(noop, { count, concurrency, run: 'noop' });

  const server = await startServer();
  const notifier = createNotifier({ type: 'generic', address: server.url });
  try {
    const post = (delivery, signal) => notifier.post(delivery.event, { signal });
    const httpCount = Math.max(1, Math.floor(count / 4));
    await deliveriesPerSecond(post, { count: Math.min(httpCount, 1_000), concurrency, run: 'warm-http' });
    const throughHttp = await deliveriesPerSecond(post, { count: httpCount, concurrency, run: 'http' });
    return { count, httpCount, concurrency, queueAlone, throughHttp };
  } finally {
    await notifier.close();
    await server.stop();
  }
}

/** memoryRateLimitStore: heap held by `keys` distinct keys, and what is left once swept. */
export async function benchRateLimitHeap({ keys = 1_000_000, intervalMs = 300_000 } = {}) {
  const t0 = Date.UTC(2026, 0, 1);
  const keyOf = (index) => index.toString(16).padStart(64, '0');
  const before = heapUsed();
  const store = memoryRateLimitStore();
  const started = performance.now();
  for (let index = 0; index < keys; index++) await store.take(keyOf(index), intervalMs, t0);
  const takeNs = ((performance.now() - started) * 1e6) / keys;
  const held = heapUsed() - before;
  const sweepStarted = performance.now();
  // More than two intervals later: the next take sweeps every idle bucket.
  await store.take('next', intervalMs, t0 + 3 * intervalMs + 1);
  const sweepMs = performance.now() - sweepStarted;
  const left = heapUsed() - before;
  const remaining = store.size;
  await store.close();
  return { keys, takeNs, held, sweepMs, left, remaining };
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export async function reportDispatchQueue({ count, keys } = {}) {
  const queue = await benchDispatchQueue({ count });
  console.log(`memoryQueue, concurrency ${queue.concurrency}, from enqueue to the last report`);
  console.log(
    `    queue alone (no-op post), ${number.format(queue.count)} deliveries   ${number.format(queue.queueAlone)} deliveries/s`,
  );
  console.log(
    `    generic notifier to a local sink, ${number.format(queue.httpCount)} deliveries   ${number.format(queue.throughHttp)} deliveries/s`,
  );
  const heap = await benchRateLimitHeap({ keys });
  const goal = 50 * 1024 * 1024;
  console.log(`memoryRateLimitStore, ${number.format(heap.keys)} distinct keys`);
  console.log(`    take: ${heap.takeNs.toFixed(0)} ns each; heap held: ${mb(heap.held)}`);
  console.log(
    `    after the window: sweep ${heap.sweepMs.toFixed(0)} ms, ${heap.remaining} key left, heap growth ${mb(heap.left)}` +
      `   goal < ${mb(goal)}   ${heap.left < goal ? 'met' : 'NOT MET'}`,
  );
  return { queue, heap };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await reportDispatchQueue({
    count: Number(process.env.BENCH_QUEUE_DELIVERIES ?? 20_000),
    keys: Number(process.env.BENCH_RATE_LIMIT_KEYS ?? 1_000_000),
  });
}
