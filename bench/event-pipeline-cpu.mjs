// What the hub's own pipeline costs per event, without sockets: steadier than the event server
// bench on a shared machine, so a change to the hot path can be weighed here first
// (docs/design/performance.md, "Eighth round").
// - `floor`: `JSON.parse` of the body and one raw dispatch of it, as `bare-post` does per event.
// - `hub`: `JSON.parse` and `dispatcher.dispatch` over the memory queue, one `generic` delivery
//   per event posted through core, plus what the event server adds per event and per delivery
//   (its three metrics and its two log lines, pino to /dev/null through the default destination).
// Every post goes to a dispatcher that answers 200 at once. Events are new each time (every one
// passes the duplicate filter) and are made before the clock starts. Reports the CPU per event
// (interleaved rounds, medians), then the bytes each allocates per event, freed ones included
// (V8's sampling heap profiler), with the functions that allocate most: a figure that does not
// move with the machine's speed.
// Run after `pnpm build`: node bench/event-pipeline-cpu.mjs (EVENTS=…, ROUNDS=… change the counts).
import { Session } from 'node:inspector/promises';
import { createDispatcher } from '../packages/dispatch/dist/index.js';
import { AnsweringDispatcher } from './answering-dispatcher.mjs';
import { hubDuties, oneAlertToSink } from './hub-duties.mjs';
import { sampleEvent } from './sample-event.mjs';

const eventsPerRound = Number(process.env.EVENTS ?? 20_000);
const rounds = Number(process.env.ROUNDS ?? 5);
/** Events in flight at once, as the event server bench keeps 64 requests open. */
const inFlight = 64;

const dispatcher = createDispatcher(oneAlertToSink('http://127.0.0.1:9/hook'), {
  createOptions: { dispatcher: new AnsweringDispatcher() },
});
const duties = hubDuties();
dispatcher.on('delivery', duties.deliveryReported);

async function throughHub(body) {
  const input = JSON.parse(body);
  const result = await dispatcher.dispatch(input);
  duties.eventAccepted('/', input, result.deliveries.length);
}

const floorDispatcher = new AnsweringDispatcher();
const floorHandler = {
  onRequestStart() {},
  onResponseStart() {},
  onResponseData() {},
  onResponseEnd() {},
  onResponseError() {},
};
async function throughFloor(body) {
  JSON.parse(body);
  floorDispatcher.dispatch(
    { origin: 'http://127.0.0.1:9', path: '/hook', method: 'POST', body },
    floorHandler,
  );
}

let sequence = 0;
const newBodies = (count) =>
  Array.from({ length: count }, () =>
    JSON.stringify({ ...sampleEvent, message: `${sampleEvent.message} #${++sequence}` }),
  );

/** Sends `bodies` through `handle`, `inFlight` at a time, one batch per turn; CPU µs per event. */
async function cpuPerEvent(handle, bodies) {
  const before = process.cpuUsage();
  for (let start = 0; start < bodies.length; start += inFlight) {
    await Promise.all(bodies.slice(start, start + inFlight).map(handle));
    await new Promise((resolve) => setImmediate(resolve));
  }
  await dispatcher.drain();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / bodies.length;
}

const median = (values) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)];
const format = (values) => `${median(values).toFixed(1)} µs (${values.map((v) => v.toFixed(1)).join(' ')})`;

await cpuPerEvent(throughHub, newBodies(30_000));
await cpuPerEvent(throughFloor, newBodies(30_000));
const hub = [];
const floor = [];
for (let round = 0; round < rounds; round++) {
  hub.push(await cpuPerEvent(throughHub, newBodies(eventsPerRound)));
  floor.push(await cpuPerEvent(throughFloor, newBodies(eventsPerRound)));
}
console.log(`CPU per event, ${rounds} interleaved rounds of ${eventsPerRound} events (medians):`);
console.log(`  floor: JSON.parse + raw dispatch   ${format(floor)}`);
console.log(`  hub pipeline and duties            ${format(hub)}`);
console.log(
  `  the hub's own, median of rounds    ${median(hub.map((value, i) => value - floor[i])).toFixed(1)} µs`,
);

// Bytes allocated per event: every sampled allocation, freed or not.
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 256,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
const sampled = newBodies(eventsPerRound);
await cpuPerEvent(throughHub, sampled);
const { profile } = await session.post('HeapProfiler.stopSampling');
session.disconnect();
const byFunction = new Map();
let total = 0;
const visit = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|packages)\//, '')}:${lineNumber + 1}`;
  if (node.selfSize > 0 && !url.endsWith('event-pipeline-cpu.mjs')) {
    byFunction.set(where, (byFunction.get(where) ?? 0) + node.selfSize);
    total += node.selfSize;
  }
  for (const child of node.children) visit(child);
};
visit(profile.head);
console.log(
  `allocated by the hub per event (this script's own allocations left out): ${(total / sampled.length / 1024).toFixed(1)} KB`,
);
for (const [where, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
  console.log(`  ${String(Math.round(bytes / sampled.length)).padStart(6)} B  ${where}`);
}
process.exit(0);
