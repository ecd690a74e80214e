// One contender of the event-server benchmark, run as a child process so that the load
// generator does not share its event loop. `bare`: a node:http server that reads each body and
// JSON.parses it, nothing else. `bare-post`: the same, and it posts each body to the sink with
// undici's raw `dispatch` on a keep-alive pool (no validation, no queue, no retry): the least a
// hub that really delivers must do. `notiflux`: createEventServer over a real dispatcher with the
// memory queue, posting every event through a `generic` Provider to a no-op sink in another
// child. `notiflux-unposted`: the same server and dispatcher over a queue that reports each
// delivery delivered as it is queued, without posting it: what the hub costs apart from the
// posts. Prints its port on stdout; exits when its stdin closes.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { pino } from 'pino';
import { Agent } from 'undici';
import {
  bufferedLogDestination,
  createDispatcher,
  createEventServer,
} from '../packages/dispatch/dist/index.js';
import { postlessQueue } from './postless-queue.mjs';

const [mode, sinkPort] = process.argv.slice(2);

async function bareServer() {
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(202, { 'content-length': '0' }).end();
    });
  });
  server.keepAliveTimeout = 120_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server.address().port;
}

/** Posts each body to the sink as it arrives, counting the answers (the count is what `/metrics` shows). */
async function barePostServer() {
  const pool = new Agent({ connections: 128 });
  const origin = `http://127.0.0.1:${sinkPort}`;
  let accepted = 0;
  let delivered = 0;
  const handler = {
    onRequestStart() {},
    onResponseStart() {},
    onResponseData() {},
    onResponseEnd() {
      delivered += 1;
    },
    onResponseError() {},
  };
  const server = createServer((request, response) => {
    if (request.url === '/metrics') {
      response.end(
        `notiflux_events_received_total{result="accepted"} ${accepted}\nnotiflux_deliveries_total{outcome="delivered"} ${delivered}\n`,
      );
      return;
    }
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      JSON.parse(body.toString('utf8'));
      accepted += 1;
      response.writeHead(202, { 'content-length': '0' }).end();
      pool.dispatch(
        { origin, path: '/hook', method: 'POST', headers: { 'content-type': 'application/json' }, body },
        handler,
      );
    });
  });
  server.keepAliveTimeout = 120_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server.address().port;
}

async function notifluxServer({ posts = true } = {}) {
  const meta = (name) => ({ name, namespace: 'flux-system' });
  const dispatcher = createDispatcher(
    {
      providers: [
        {
          apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
          kind: 'Provider',
          metadata: meta('sink'),
          spec: { type: 'generic', address: `http://127.0.0.1:${sinkPort}/hook` },
        },
      ],
      alerts: [
        {
          apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
          kind: 'Alert',
          metadata: meta('all'),
          spec: {
            providerRef: { name: 'sink' },
            eventSources: [{ kind: 'Kustomization', name: '*', namespace: 'apps' }],
          },
        },
      ],
      secrets: [],
    },
    posts ? {} : { queue: postlessQueue({ reportDelivered: true }) },
  );
  // Logs at info through the server's default destination, written to nowhere.
  const logger = pino({ level: 'info' }, bufferedLogDestination({ dest: '/dev/null' }));
  const server = createEventServer(dispatcher, { port: 0, logger });
  server.httpServer.keepAliveTimeout = 120_000;
  const { url } = await server.listen();
  return Number(new URL(url).port);
}

async function sinkServer() {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-length': '0' }).end());
  });
  server.keepAliveTimeout = 120_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server.address().port;
}

const servers = {
  bare: bareServer,
  'bare-post': barePostServer,
  sink: sinkServer,
  notiflux: () => notifluxServer(),
  'notiflux-unposted': () => notifluxServer({ posts: false }),
};
const port = await servers[mode]();
process.stdout.write(`${port}\n`);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
