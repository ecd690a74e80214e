// `node --expose-gc bench/dispatch.mjs` (after `pnpm build`): the dispatcher's two scale goals.
//  1. Matching: dispatch throughput with 10 and with 10 000 Alerts of which one matches the
//     event (goal: the large set runs at >= 0.8x the small one's rate).
//  2. Connections: 5 000 generic Providers on one host, one event each: sockets the host sees
//     (goal <= 128) and heap per idle Provider once they have posted (goal < 10 KB).
// Counts come from the environment for quick runs: DISPATCH_BENCH_ALERTS (10000),
// DISPATCH_BENCH_PROVIDERS (5000), DISPATCH_BENCH_MS (1500 per round).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createDispatcher, memoryQueue } from '../packages/dispatch/dist/index.js';
import { postlessQueue } from './postless-queue.mjs';

for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy']) {
  delete process.env[name];
}

const manyAlerts = Number(process.env.DISPATCH_BENCH_ALERTS ?? 10_000);
const providerCount = Number(process.env.DISPATCH_BENCH_PROVIDERS ?? 5_000);
const roundMs = Number(process.env.DISPATCH_BENCH_MS ?? 1_500);

const event = {
  involvedObject: {
    kind: 'Kustomization',
    namespace: 'apps',
    name: 'webapp',
    uid: '7d0cdc51-ddcf-4743-b223-83ca5c699632',
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  },
  severity: 'error',
  timestamp: '2022-10-28T07:26:19Z',
  message: 'service/apps/webapp validation error: spec.type: Unsupported value: Ingress',
  reason: 'ValidationFailed',
  metadata: {
    'event.toolkit.fluxcd.io/summary': 'Cluster: prod-eu',
    'kustomize.toolkit.fluxcd.io/revision': 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1',
  },
  reportingController: 'kustomize-controller',
};

const meta = (name, namespace, uid) => ({ name, namespace, ...(uid ? { uid } : {}) });
const providerObject = (name, namespace, address) => ({
  apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
  kind: 'Provider',
  metadata: meta(name, namespace),
  spec: { type: 'generic', address },
});
const alertObject = (name, namespace, providerName, source) => ({
  apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
  kind: 'Alert',
  metadata: meta(name, namespace),
  spec: { providerRef: { name: providerName }, eventSources: [source] },
});

/**
 * `count` Alerts in namespace `apps`, one of which (`*` on Kustomizations) matches the event; the
 * others watch other Kustomizations by name, other kinds, or other namespaces, as a large
 * fleet's Alerts do.
 */
function alertSet(count) {
  const alerts = [alertObject('matching', 'apps', 'hook', { kind: 'Kustomization', name: '*' })];
  for (let i = 1; i < count; i++) {
    const shape = i % 3;
    const source =
      shape === 0
        ? { kind: 'Kustomization', name: `app-${i}` }
        : shape === 1
          ? { kind: 'HelmRelease', name: '*' }
          : { kind: 'Kustomization', name: '*', namespace: `team-${i}` };
    alerts.push(alertObject(`alert-${i}`, 'apps', 'hook', source));
  }
  return {
    providers: [providerObject('hook', 'apps', 'http://127.0.0.1:9/hook')],
    alerts,
    secrets: [],
  };
}

async function dispatchRate(count) {
  const dispatcher = createDispatcher(alertSet(count), {
    // Drops what it is given: the round measures dispatch, not posting.
    queue: postlessQueue(),
    rateLimit: { intervalMs: 0 },
  });
  const run = async (ms) => {
    let done = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      for (let i = 0; i < 200; i++) {
        const result = await dispatcher.dispatch(event);
        if (result.status !== 'accepted' || result.deliveries.length !== 1)
          throw new Error('expected one delivery');
      }
      done += 200;
    }
    return (done * 1000) / ms;
  };
  await run(Math.min(roundMs, 500));
  const rate = await run(roundMs);
  await dispatcher.close();
  return rate;
}

async function benchMatching() {
  console.log(
    `Matching: dispatches per second, one Alert of N matching (${roundMs} ms rounds, 3 interleaved)`,
  );
  const small = [];
  const large = [];
  for (let round = 0; round < 3; round++) {
    small.push(await dispatchRate(10));
    large.push(await dispatchRate(manyAlerts));
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const ratio = median(large) / median(small);
  console.log(`    10 Alerts      ${Math.round(median(small))}/s`);
  console.log(`    ${manyAlerts} Alerts  ${Math.round(median(large))}/s`);
  console.log(`    ratio ${ratio.toFixed(2)} (goal >= 0.8): ${ratio >= 0.8 ? 'met' : 'MISSED'}`);
}

/** An HTTP server in a child process that answers 200 and counts the connections it accepted. */
async function startCountingServer() {
  const script = `
    import http from 'node:http';
    let connections = 0;
    const server = http.createServer((request, response) => {
      if (request.url === '/stats') return response.end(JSON.stringify({ connections }));
      request.resume();
      request.on('end', () => response.end('ok'));
    });
    server.on('connection', () => { connections++; });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));
    process.stdin.on('end', () => process.exit(0));
    process.stdin.resume();
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  const url = `http://127.0.0.1:${Number(line)}`;
  return {
    url,
    async connections() {
      const response = await fetch(`${url}/stats`);
      // The connection of this very request is counted too.
      return (await response.json()).connections - 1;
    },
    stop() {
      child.stdin.end();
    },
  };
}

function heapAfterGc() {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

async function benchConnections() {
  if (!globalThis.gc) console.log('    (run with --expose-gc for a steady heap figure)');
  console.log(`Connections: ${providerCount} generic Providers on one host, one event each`);
  const server = await startCountingServer();
  const providers = [];
  const alerts = [];
  for (let i = 0; i < providerCount; i++) {
    providers.push(providerObject(`p${i}`, 'apps', `${server.url}/hook/${i}`));
    alerts.push(alertObject(`a${i}`, 'apps', `p${i}`, { kind: 'Kustomization', name: 'webapp' }));
  }
  const manifests = { providers, alerts, secrets: [] };
  // The baseline holds the manifests and a dispatcher's fixed parts (no Providers).
  const empty = createDispatcher(
    { providers: [], alerts: [], secrets: [] },
    { rateLimit: { intervalMs: 0 } },
  );
  await empty.close();
  const before = heapAfterGc();
  const dispatcher = createDispatcher(manifests, {
    queue: memoryQueue({ concurrency: 1_000 }),
    rateLimit: { intervalMs: 0 },
  });
  const started = performance.now();
  const result = await dispatcher.dispatch(event);
  await dispatcher.drain();
  const elapsed = performance.now() - started;
  const dead = (await dispatcher.dead()).length;
  const after = heapAfterGc();
  const sockets = await server.connections();
  const perProvider = (after - before) / providerCount;
  console.log(
    `    deliveries ${result.deliveries.length}, dead ${dead}, posted in ${Math.round(elapsed)} ms`,
  );
  console.log(
    `    sockets the host accepted: ${sockets} (goal <= 128): ${sockets <= 128 ? 'met' : 'MISSED'}`,
  );
  console.log(
    `    heap per idle Provider (and its Alert): ${(perProvider / 1024).toFixed(1)} KB (goal < 10 KB): ${perProvider < 10 * 1024 ? 'met' : 'MISSED'}`,
  );
  await dispatcher.close();
  server.stop();
}

await benchMatching();
await benchConnections();
