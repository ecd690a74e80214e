// The event server's throughput against the least a Node server must do for an event: read the
// body and JSON.parse it; and, for a hub that delivers, that plus one raw undici post of the body
// to the sink (`bare-post`). Same load generator (an undici Pool, pipelined), same events (each one
// new, so every answer is 202). Each contender is its own child process, and the no-op sink the
// deliveries go to is one more, so it competes with neither.
// The contenders run side by side: all are started and warmed up first, then the load moves from
// one to the next in short slices, round after round (every other round in reverse order). The
// speed of a shared machine drifts by a factor of two within minutes; contenders measured a few
// seconds apart see the same machine, so each round's ratio is taken, and the median of those is
// the figure. A contender waiting for its slice is idle and costs the others nothing.
// For notiflux, deliveries are counted too (from the server's own /metrics): before and after each
// slice the bench waits for the queue to drain, and the figure that meets the goal is the
// sustained one, events accepted in the slice ÷ (slice + drain), so a growing backlog cannot
// flatter it.
// Two more contenders, for comparison only: `minimal-hub`, `bare-post` plus what the spec asks of
// a hub for every event and delivery (duplicate suppression and its headers, the event encoded
// again, three metrics, two log lines), each in its cheapest form and nothing else: what a hub
// that does its duties can reach here; and `notiflux-unposted`, the same server and dispatcher
// as notiflux over a queue that reports each delivery delivered without posting it: what the hub
// costs apart from the posts (validation, duplicate filter, matching, queueing, metrics and logs).
// Prints events/s for each (medians) and the ratios notiflux ÷ bare (goal >= 0.4), notiflux ÷
// bare-post, minimal-hub ÷ bare, notiflux ÷ minimal-hub and notiflux-unposted ÷ bare, each the
// median of the rounds' own ratios; then, where
// /proc exists, the CPU each contender, the sink and the load generator used per event over the
// sustained slice, and the ratio of those totals (steadier than events/s on a shared machine).
// Run after `pnpm build`: node bench/event-server.mjs
// Env: BENCH_DURATION_MS (per slice, default 1500), BENCH_ROUNDS (default 16), BENCH_CONNECTIONS
// (default 8), BENCH_PIPELINING (default 8), BENCH_WARMUP_EVENTS (events sent to each contender
// before the first round, default 20 000); connections × pipelining requests are kept in flight.
// BENCH_CONTENDERS (e.g. `notiflux,notiflux@before`): a comparison run of these contenders only,
// `name@build` taking notiflux from a build kept by bench/build-snapshot.mjs; it prints each one's
// rate, its ratio to the first and its CPU per event, and no goal.
// Deep pipelining keeps the figure about the servers rather than about how often a busy machine
// schedules the processes.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { sampleEvent } from './sample-event.mjs';

for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy']) {
  delete process.env[name];
}

const durationMs = Number(process.env.BENCH_DURATION_MS ?? 1500);
const rounds = Number(process.env.BENCH_ROUNDS ?? 16);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const pipelining = Number(process.env.BENCH_PIPELINING ?? 8);
const warmupEvents = Number(process.env.BENCH_WARMUP_EVENTS ?? 20_000);
const concurrency = connections * pipelining;
const goal = 0.4;
const target = fileURLToPath(new URL('./event-server-target.mjs', import.meta.url));

async function startChild(args, env = {}) {
  const child = spawn(process.execPath, [target, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const [line] = await createInterface({ input: child.stdout })
    [Symbol.asyncIterator]()
    .next()
    .then(({ value }) => [value]);
  if (!/^\d+$/.test(line ?? '')) throw new Error(`${args[0]} did not start`);
  return { port: Number(line), pid: child.pid, stop: () => child.stdin.end() };
}

/**
 * CPU time (user + system, all threads) a child has used so far, in µs, from /proc; undefined
 * where there is no /proc. The kernel counts it in ticks of 10 ms: over a round of tens of
 * thousands of events, a fraction of a µs per event.
 */
function childCpuMicros(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/**
 * Starts counting the CPU the server, the sink and this load generator use; `perEvent(events)`
 * gives each one's µs per event since. On two cores that all three share, their sum per event is
 * what bounds the rate, and it moves far less with the machine's minute than the rate does.
 */
function cpuMeter(serverPid, sinkPid) {
  const server = childCpuMicros(serverPid);
  const sinkBefore = childCpuMicros(sinkPid);
  const load = process.cpuUsage();
  return {
    perEvent(events) {
      const serverNow = childCpuMicros(serverPid);
      const sinkNow = childCpuMicros(sinkPid);
      if (
        server === undefined ||
        serverNow === undefined ||
        sinkBefore === undefined ||
        sinkNow === undefined
      ) {
        return undefined;
      }
      const loadUsed = process.cpuUsage(load);
      return {
        server: (serverNow - server) / events,
        sink: (sinkNow - sinkBefore) / events,
        load: (loadUsed.user + loadUsed.system) / events,
      };
    },
  };
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
  return { rate: (done / elapsed) * 1000, events: done };
}

/**
 * Warms a contender up by events, not by time: on a busy machine a second may be a few hundred
 * events, and the round would then measure V8 compiling the server rather than the server.
 */
async function warmUp(port) {
  let events = 0;
  const until = performance.now() + 20_000;
  while (events < warmupEvents && performance.now() < until) {
    events += (await eventsPerSecond(port, 250)).events;
  }
}

/** The server's own counters: events accepted, deliveries delivered, and any that went otherwise. */
async function deliveryCounts(port) {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  const text = await response.text();
  const sum = (pattern) => [...text.matchAll(pattern)].reduce((total, match) => total + Number(match[1]), 0);
  return {
    accepted: sum(/^notiflux_events_received_total\{result="accepted"\} (\d+)/gm),
    delivered: sum(/^notiflux_deliveries_total\{[^}]*outcome="delivered"[^}]*\} (\d+)/gm),
    failed: sum(/^notiflux_deliveries_total\{[^}]*outcome="(?:dead|dropped)"[^}]*\} (\d+)/gm),
  };
}

/** Waits until every accepted event is delivered (or gives up after a minute); returns the ms it took. */
async function drained(port) {
  const started = performance.now();
  for (;;) {
    const counts = await deliveryCounts(port);
    if (counts.failed > 0) throw new Error(`${counts.failed} deliveries did not reach the sink`);
    if (counts.delivered >= counts.accepted) return performance.now() - started;
    if (performance.now() - started > 60_000) throw new Error('the delivery queue did not drain in 60 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One slice of load on a contender that is already running and warm. */
async function measure(mode, child, sink) {
  if (mode === 'bare') {
    // No queue: what it answers is all it does, so its sustained rate is its answered one.
    const cpu = cpuMeter(child.pid, sink.pid);
    const { rate, events } = await eventsPerSecond(child.port, durationMs);
    return { accepted: rate, sustained: rate, cpu: cpu.perEvent(events) };
  }
  await drained(child.port);
  const before = await deliveryCounts(child.port);
  const cpu = cpuMeter(child.pid, sink.pid);
  const started = performance.now();
  const { rate } = await eventsPerSecond(child.port, durationMs);
  const elapsed = performance.now() - started;
  const after = await deliveryCounts(child.port);
  const drainMs = await drained(child.port);
  const events = after.accepted - before.accepted;
  return {
    accepted: rate,
    delivered: ((after.delivered - before.delivered) / elapsed) * 1000,
    backlog: after.accepted - after.delivered,
    drainMs,
    sustained: (events / (elapsed + drainMs)) * 1000,
    cpu: cpu.perEvent(events),
  };
}

// BENCH_CONTENDERS picks the contenders (a comparison run: `notiflux@before` is notiflux from
// the build kept as "before" by bench/build-snapshot.mjs); by default, the five of the goal.
const chosen = process.env.BENCH_CONTENDERS?.split(',').map((contender) => contender.trim());
// The two of the goal's ratio next to each other: a round's ratio compares slices a few seconds
// apart rather than three slices apart, and the machine drifts less between them.
const contenders = chosen ?? ['bare', 'notiflux', 'bare-post', 'minimal-hub', 'notiflux-unposted'];
const modeOf = (contender) => contender.split('@')[0];
const results = Object.fromEntries(contenders.map((contender) => [contender, []]));
const sink = await startChild(['sink']);
const children = {};
try {
  for (const contender of contenders) {
    const build = contender.split('@')[1];
    children[contender] = await startChild(
      [modeOf(contender), String(sink.port)],
      build ? { NOTIFLUX_BUILD: build } : {},
    );
    await warmUp(children[contender].port);
  }
  for (let round = 0; round < rounds; round++) {
    // Every other round in reverse order, so a machine that speeds up or slows down within a
    // round favours no contender.
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const contender of order) {
      results[contender].push(await measure(modeOf(contender), children[contender], sink));
    }
  }
} finally {
  for (const child of Object.values(children)) child.stop();
  sink.stop();
}

if (chosen) {
  printComparison();
  process.exit(0);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const of = (list, field) => median(list.map((result) => result[field]));
const format = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const row = (label, value, unit = 'events/s') =>
  console.log(`  ${label.padEnd(50)} ${format.format(value).padStart(8)} ${unit}`);
const bare = of(results.bare, 'accepted');
const sustained = of(results.notiflux, 'sustained');
// Each round's contenders ran within seconds of each other: their ratio is taken per round, and
// the median of those is the figure (the speed of a shared machine drifts between rounds).
const roundRatios = (a, b) =>
  results[a].map((result, round) => result.sustained / results[b][round].sustained);
console.log(
  `event server, contenders side by side: ${rounds} round(s) of one ${durationMs} ms slice each, ${connections} connections × ${pipelining} pipelined (medians)`,
);
row('bare node:http + JSON.parse', bare);
const floor = of(results['bare-post'], 'sustained');
row('bare + one raw undici post per event (sustained)', floor);
row('createEventServer: answered 202', of(results.notiflux, 'accepted'));
row('  deliveries completed during the slice', of(results.notiflux, 'delivered'), 'deliveries/s');
row('  backlog at the end of the slice', of(results.notiflux, 'backlog'), 'deliveries');
row('  time to drain it', of(results.notiflux, 'drainMs'), 'ms');
row('  sustained: accepted ÷ (slice + drain)', sustained);
const ratios = roundRatios('notiflux', 'bare');
const ratio = median(ratios);
console.log(
  `  ratio notiflux (sustained) ÷ bare ${ratio.toFixed(2).padStart(25)}   goal >= ${goal}: ${ratio >= goal ? 'met' : 'MISSED'}`,
);
console.log(
  `  ratio notiflux (sustained) ÷ bare + post ${median(roundRatios('notiflux', 'bare-post')).toFixed(2).padStart(18)}`,
);
console.log(
  `  (ratios: median of the ${rounds} rounds' own ratios: ${ratios.map((value) => value.toFixed(2)).join(', ')})`,
);
row('minimal hub: bare + post + the duties, nothing else', of(results['minimal-hub'], 'sustained'));
const minimal = roundRatios('minimal-hub', 'bare');
console.log(
  `  ratio minimal hub ÷ bare ${median(minimal).toFixed(2).padStart(33)}   (no goal; rounds: ${minimal.map((value) => value.toFixed(2)).join(', ')})`,
);
console.log(
  `  ratio notiflux (sustained) ÷ minimal hub ${median(roundRatios('notiflux', 'minimal-hub')).toFixed(2).padStart(17)}`,
);
row('createEventServer, deliveries queued but not posted', of(results['notiflux-unposted'], 'sustained'));
const unposted = roundRatios('notiflux-unposted', 'bare');
console.log(
  `  ratio notiflux (not posting) ÷ bare ${median(unposted).toFixed(2).padStart(23)}   (no goal; rounds: ${unposted.map((value) => value.toFixed(2)).join(', ')})`,
);

// CPU per event over each sustained slice: steadier than events/s on a shared machine.
if (contenders.every((mode) => results[mode].every((result) => result.cpu !== undefined))) {
  const cpuOf = (mode, part) => median(results[mode].map((result) => result.cpu[part]));
  const total = (cpu) => cpu.server + cpu.sink + cpu.load;
  console.log('  CPU per event (µs, medians): server + sink + load generator = total');
  for (const mode of contenders) {
    const parts = ['server', 'sink', 'load'].map((part) => cpuOf(mode, part));
    const sum = median(results[mode].map((result) => total(result.cpu)));
    console.log(
      `    ${mode.padEnd(20)} ${parts.map((value) => value.toFixed(1).padStart(6)).join(' +')} = ${sum.toFixed(1).padStart(6)}`,
    );
  }
  const cpuRatios = results.notiflux.map(
    (result, round) => total(results.bare[round].cpu) / total(result.cpu),
  );
  console.log(
    `  total CPU per event, bare ÷ notiflux ${median(cpuRatios).toFixed(2).padStart(22)}   (rounds: ${cpuRatios.map((value) => value.toFixed(2)).join(', ')})`,
  );
}

/** A comparison run: each contender's rate, its ratio to the first (median of the rounds' own), its CPU per event. */
function printComparison() {
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const [first] = contenders;
  console.log(
    `event server, ${contenders.join(', ')} side by side: ${rounds} round(s) of one ${durationMs} ms slice each (medians)`,
  );
  for (const contender of contenders) {
    const ratios = results[contender].map(
      (result, round) => result.sustained / results[first][round].sustained,
    );
    const rate = Math.round(median(results[contender].map((result) => result.sustained)));
    const cpu = results[contender].every((result) => result.cpu !== undefined)
      ? ['server', 'sink', 'load'].map((part) => median(results[contender].map((result) => result.cpu[part])))
      : undefined;
    console.log(
      `  ${contender.padEnd(24)} ${String(rate).padStart(7)} events/s   ÷ ${first} ${median(ratios).toFixed(3)} (rounds: ${ratios.map((value) => value.toFixed(2)).join(', ')})` +
        (cpu
          ? `   CPU µs per event: server ${cpu[0].toFixed(1)}, sink ${cpu[1].toFixed(1)}, load ${cpu[2].toFixed(1)}`
          : ''),
    );
  }
}
