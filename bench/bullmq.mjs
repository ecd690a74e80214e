// The durable engine: deliveries per second through bullmqQueue (the `generic` notifier posting to
// a local sink) against raw BullMQ (Queue.addBulk and a Worker posting the same bytes with undici
// to the same sink), same Redis, same concurrency, same run; then deliveries with one of two
// worker processes killed (SIGKILL) at random: all delivered, duplicates counted.
// Imports the built package: run `pnpm -F @notiflux/dispatch build` first, and needs
// `redis-server` (apt-get install -y redis-server). Run alone: `node bench/bullmq.mjs`; counts
// from BENCH_BULLMQ_DELIVERIES (default 5000) and BENCH_BULLMQ_KILL_DELIVERIES (default 10000).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNotifier } from '@notiflux/providers';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { bullmqQueue } from '../packages/dispatch/dist/bullmq.js';
import { startServer } from './http-throughput.mjs';
import { sampleDeliveries, sampleEvent, sampleEventJson } from './sample-event.mjs';

for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy']) {
  delete process.env[name];
}

const body = Buffer.from(sampleEventJson);
const headers = { 'Content-Type': 'application/json', 'Gotk-Component': sampleEvent.reportingController };

async function freePort() {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  probe.close();
  return port;
}

/** A throwaway redis-server on 127.0.0.1. */
async function startRedis() {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'notiflux-bench-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  child.once('error', (error) => {
    console.error(`redis-server could not start (apt-get install -y redis-server): ${error.message}`);
    process.exit(1);
  });
  let output = '';
  for await (const chunk of child.stdout) {
    output += chunk;
    if (output.includes('Ready to accept connections')) break;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** bullmqQueue: deliveries/s from the first enqueue to the last report. */
async function throughBullmqQueue(redisUrl, sinkUrl, { count, concurrency, run }) {
  const notifier = createNotifier({ type: 'generic', address: sinkUrl });
  const queue = bullmqQueue({ connection: redisUrl, prefix: `bench-${run}`, concurrency, schedule: [] });
  let delivered = 0;
  let resolveAll;
  const all = new Promise((resolve) => {
    resolveAll = resolve;
  });
  await queue.start({
    post: (delivery, signal) => notifier.post(delivery.event, { signal }),
    report: (report) => {
      if (report.state !== 'delivered') throw new Error(`delivery ${report.id} ended ${report.state}`);
      if (++delivered === count) resolveAll();
    },
  });
  const started = performance.now();
  const items = sampleDeliveries(count, run);
  for (let start = 0; start < count; start += 500) await queue.enqueue(items.slice(start, start + 500));
  await all;
  const seconds = (performance.now() - started) / 1000;
  await queue.close();
  await notifier.close();
  return count / seconds;
}

/** Raw BullMQ: the floor for the same work, bytes precomputed, one undici pool. */
async function throughRawBullmq(redisUrl, sinkUrl, { count, concurrency, run }) {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const agent = new Agent();
  const name = `raw-${run}`;
  const queue = new Queue(name, { connection });
  let completed = 0;
  let resolveAll;
  const all = new Promise((resolve) => {
    resolveAll = resolve;
  });
  const worker = new Worker(
    name,
    async () => {
      const response = await request(sinkUrl, { method: 'POST', headers, body, dispatcher: agent });
      await response.body.dump();
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
    },
    { connection, concurrency },
  );
  worker.on('completed', () => {
    if (++completed === count) resolveAll();
  });
  await worker.waitUntilReady();
  const started = performance.now();
  const items = sampleDeliveries(count, run);
  for (let start = 0; start < count; start += 500) {
    await queue.addBulk(
      items.slice(start, start + 500).map((delivery) => ({
        name: 'delivery',
        data: delivery,
        opts: { jobId: delivery.id, removeOnComplete: true },
      })),
    );
  }
  await all;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.close();
  await agent.close();
  connection.disconnect();
  return count / seconds;
}

/** A worker process of the kill run: `node bench/bullmq.mjs worker <redisUrl> <sinkUrl>`. */
async function workerProcess(redisUrl, sinkUrl) {
  const agent = new Agent();
  const queue = bullmqQueue({
    connection: redisUrl,
    prefix: 'bench-kill',
    concurrency: 16,
    schedule: [100, 500, 1_000],
    lockDurationMs: 2_000,
    stalledIntervalMs: 1_000,
  });
  await queue.start({
    post: async (delivery, signal) => {
      const response = await request(`${sinkUrl}/${delivery.id}`, {
        method: 'POST',
        headers,
        body,
        dispatcher: agent,
        signal,
      });
      await response.body.dump();
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
    },
    report: () => {},
  });
  process.stdout.write('ready\n');
}

function startWorker(redisUrl, sinkUrl) {
  const child = spawn(process.execPath, [new URL(import.meta.url).pathname, 'worker', redisUrl, sinkUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise((resolve) => child.stdout.once('data', resolve));
  return { child, ready };
}

/** Deliveries with one of two worker processes killed at random: none lost, duplicates counted. */
async function killRun(redisUrl, count) {
  const posts = new Map();
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = req.url.slice(1);
      posts.set(id, (posts.get(id) ?? 0) + 1);
      res.end();
    });
  });
  sink.listen(0, '127.0.0.1');
  await once(sink, 'listening');
  const sinkUrl = `http://127.0.0.1:${sink.address().port}`;
  const workers = [startWorker(redisUrl, sinkUrl), startWorker(redisUrl, sinkUrl)];
  await Promise.all(workers.map((worker) => worker.ready));
  const producer = bullmqQueue({ connection: redisUrl, prefix: 'bench-kill', schedule: [100, 500, 1_000] });
  const items = sampleDeliveries(count, 'kill');
  const started = performance.now();
  for (let start = 0; start < count; start += 500) await producer.enqueue(items.slice(start, start + 500));
  // Kill one when a random share of the work is done.
  const killAt = Math.floor(count * (0.2 + Math.random() * 0.6));
  while (posts.size < killAt) await new Promise((resolve) => setTimeout(resolve, 5));
  const victim = workers[Math.floor(Math.random() * 2)];
  victim.child.kill('SIGKILL');
  const killedAfter = posts.size;
  for (;;) {
    const counts = await producer.counts();
    if (posts.size >= count && counts.waiting + counts.active + counts.delayed === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  const counts = await producer.counts();
  await producer.close();
  for (const worker of workers) worker.child.kill('SIGKILL');
  sink.close();
  const lost = items.filter((delivery) => !posts.has(delivery.id)).length;
  const duplicates = [...posts.values()].filter((n) => n > 1).length;
  return { count, killedAfter, lost, duplicates, dead: counts.dead, seconds };
}

async function main() {
  const count = Number(process.env.BENCH_BULLMQ_DELIVERIES ?? 5_000);
  const killCount = Number(process.env.BENCH_BULLMQ_KILL_DELIVERIES ?? 10_000);
  const concurrency = 32;
  const redis = await startRedis();
  const server = await startServer();
  try {
    console.log(`bullmqQueue vs raw BullMQ: ${count} deliveries, concurrency ${concurrency}, one Redis`);
    // Warm both paths, then alternate so neither gets the quieter moment of the machine.
    const warm = Math.min(500, count);
    await throughRawBullmq(redis.url, server.url, { count: warm, concurrency, run: 'warm' });
    await throughBullmqQueue(redis.url, server.url, { count: warm, concurrency, run: 'warm' });
    const ours = [];
    const raw = [];
    for (let round = 0; round < 2; round++) {
      raw.push(await throughRawBullmq(redis.url, server.url, { count, concurrency, run: `r${round}` }));
      ours.push(await throughBullmqQueue(redis.url, server.url, { count, concurrency, run: `r${round}` }));
    }
    const best = (rates) => Math.max(...rates);
    console.log(`    raw BullMQ + undici     ${best(raw).toFixed(0).padStart(7)} deliveries/s`);
    console.log(`    bullmqQueue + generic   ${best(ours).toFixed(0).padStart(7)} deliveries/s`);
    const ratio = best(ours) / best(raw);
    console.log(`    ratio ${ratio.toFixed(2)} (goal >= 0.70: ${ratio >= 0.7 ? 'met' : 'MISSED'})`);

    console.log(`\n${killCount} deliveries, two worker processes, one killed with SIGKILL at random`);
    const killed = await killRun(redis.url, killCount);
    console.log(
      `    killed after ${killed.killedAfter} posts; lost ${killed.lost}, posted twice ${killed.duplicates}, dead ${killed.dead}, ${killed.seconds.toFixed(1)} s`,
    );
    if (killed.lost > 0) process.exitCode = 1;
  } finally {
    await server.stop();
    await redis.stop();
  }
}

if (process.argv[2] === 'worker') await workerProcess(process.argv[3], process.argv[4]);
else await main();
