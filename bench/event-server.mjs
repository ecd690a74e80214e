// The event server's throughput against the least a Node server must do for an event: read the
// body and JSON.parse it. Same load generator (an undici Pool, pipelined), same events (each one
// new, so every answer is 202), contenders interleaved in one run, each in a fresh child process.
// Prints events/s for both and the ratio notiflux ÷ bare (goal >= 0.4).
// Run after `pnpm build`: node bench/event-server.mjs
// Env: BENCH_DURATION_MS (per round, default 3000), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 8),
// BENCH_PIPELINING (default 8); connections × pipelining requests are kept in flight. Deep pipelining keeps
// the figure about the servers rather than about how often a busy machine schedules the processes.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { sampleEvent } from './sample-event.mjs';

for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy']) {
  delete process.env[name];
}

const durationMs = Number(process.env.BENCH_DURATION_MS ?? 3000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const pipelining = Number(process.env.BENCH_PIPELINING ?? 8);
const concurrency = connections * pipelining;
const goal = 0.4;
const target = fileURLToPath(new URL('./event-server-target.mjs', import.meta.url));

async function startChild(...args) {
  const child = spawn(process.execPath, [target, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = await createInterface({ input: child.stdout })
    [Symbol.asyncIterator]()
    .next()
    .then(({ value }) => [value]);
  if (!/^\d+$/.test(line ?? '')) throw new Error(`${args[0]} did not start`);
  return { port: Number(line), stop: () => child.stdin.end() };
}

let sequence = 0;
/** Each event new (its message differs), so the duplicate filter passes every one. */
function nextBody() {
  sequence += 1;
  return JSON.stringify({ ...sampleEvent, message: `${sampleEvent.message} #${sequence}` });
}

async function eventsPerSecond(port, ms) {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections, pipelining });
  let done = 0;
  let refused = 0;
  const until = performance.now() + ms;
  const worker = async () => {
    while (performance.now() < until) {
      const response = await pool.request({
        path: '/',
        method: 'POST',
        body: nextBody(),
        headers: { 'content-type': 'application/json' },
      });
      await response.body.dump();
      if (response.statusCode === 202) done += 1;
      else refused += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - started;
  await pool.close();
  if (refused > 0) throw new Error(`${refused} events were not answered 202`);
  return (done / elapsed) * 1000;
}

async function measure(mode, sinkPort) {
  const child = await startChild(mode, String(sinkPort));
  try {
    await eventsPerSecond(child.port, Math.min(1000, durationMs / 2)); // warm-up
    return await eventsPerSecond(child.port, durationMs);
  } finally {
    child.stop();
  }
}

const sink = await startChild('sink');
const results = { bare: [], notiflux: [] };
try {
  for (let round = 0; round < rounds; round++) {
    results.bare.push(await measure('bare', sink.port));
    results.notiflux.push(await measure('notiflux', sink.port));
  }
} finally {
  sink.stop();
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const format = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const bare = median(results.bare);
const notiflux = median(results.notiflux);
console.log(
  `event server, ${rounds} round(s) of ${durationMs} ms, ${connections} connections × ${pipelining} pipelined`,
);
console.log(`  bare node:http + JSON.parse  ${format.format(bare).padStart(8)} events/s`);
console.log(`  createEventServer (202 path) ${format.format(notiflux).padStart(8)} events/s`);
const ratio = notiflux / bare;
console.log(
  `  ratio notiflux ÷ bare        ${ratio.toFixed(2).padStart(8)}   goal >= ${goal}: ${ratio >= goal ? 'met' : 'MISSED'}`,
);
