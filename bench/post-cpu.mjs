// CPU time per post, steadier than req/s on a shared machine (docs/design/performance.md):
// 1. notiflux's own cost: a `generic` notifier over a dispatcher that answers 200 at once, no socket;
// 2. client CPU per request over loopback (keep-alive server in a child process), notiflux vs raw
//    `undici.dispatch` with a handler that only waits for the end, at concurrency 1 and 32.
// Interleaved rounds, medians. `node bench/post-cpu.mjs` (POSTS=…, ROUNDS=… to change the counts).
import { createNotifier } from '@notiflux/providers';
import { AnsweringDispatcher } from './answering-dispatcher.mjs';
import { dispatchContender, startServer } from './http-throughput.mjs';
import { sampleEvent } from './sample-event.mjs';

const posts = Number(process.env.POSTS ?? 20_000);
const rounds = Number(process.env.ROUNDS ?? 5);

/** Microseconds of CPU (user + system) per call of `send`, `count` calls at `concurrency`. */
async function cpuPerCall(send, count, concurrency) {
  let left = count;
  const loop = async () => {
    while (left-- > 0) await send();
  };
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

const median = (values) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)];
const format = (values) => `${median(values).toFixed(2)} µs (${values.map((v) => v.toFixed(1)).join(' ')})`;

const own = createNotifier(
  { type: 'generic', address: 'http://127.0.0.1:9/flux' },
  { dispatcher: new AnsweringDispatcher() },
);
const ownCost = [];
await cpuPerCall(() => own.post(sampleEvent), posts, 1);
for (let round = 0; round < rounds; round++)
  ownCost.push(await cpuPerCall(() => own.post(sampleEvent), posts, 1));
console.log(`own cost per post, no socket:        ${format(ownCost)}`);

const server = await startServer();
try {
  const notifier = createNotifier({ type: 'generic', address: server.url });
  const raw = dispatchContender(server.url);
  const loopbackPosts = Math.max(1, Math.round(posts / 4));
  for (const concurrency of [1, 32]) {
    const mine = [];
    const floor = [];
    await cpuPerCall(() => notifier.post(sampleEvent), loopbackPosts, concurrency);
    await cpuPerCall(raw.send, loopbackPosts, concurrency);
    for (let round = 0; round < rounds; round++) {
      mine.push(await cpuPerCall(() => notifier.post(sampleEvent), loopbackPosts, concurrency));
      floor.push(await cpuPerCall(raw.send, loopbackPosts, concurrency));
    }
    const ratios = mine.map((value, index) => floor[index] / value);
    console.log(`c=${concurrency} notiflux client CPU per post:    ${format(mine)}`);
    console.log(`c=${concurrency} undici.dispatch CPU per request: ${format(floor)}`);
    console.log(`c=${concurrency} dispatch CPU / notiflux CPU:     ${median(ratios).toFixed(2)}`);
  }
  await notifier.close();
  await raw.close();
} finally {
  await server.stop();
}
