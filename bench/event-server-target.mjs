// One contender of the event-server benchmark, run as a child process so that the load
// generator does not share its event loop. `bare`: a node:http server that reads each body and
// JSON.parses it, nothing else. `bare-post`: the same, and it posts each body to the sink with
// undici's raw `dispatch` on a keep-alive pool (no validation, no queue, no retry): the least a
// hub that really delivers must do. `minimal-hub`: `bare-post` plus, each in its cheapest form,
// the duties a hub has by the spec (duplicate suppression with its headers, the event encoded
// again for its post, the three metrics, the two log lines), and nothing else. `notiflux`:
// createEventServer over a real dispatcher with the memory queue, posting every event through a
// `generic` Provider to a no-op sink in another child. `notiflux-unposted`: the same server and
// dispatcher over a queue that reports each delivery delivered as it is queued, without posting
// it: what the hub costs apart from the posts. Prints its port on stdout; exits when its stdin
// closes.
import { createHash, hash } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { Agent } from 'undici';

// NOTIFLUX_BUILD names a build kept by bench/build-snapshot.mjs, to measure it beside this one.
const { createDispatcher, createEventServer } = await import(
  process.env.NOTIFLUX_BUILD
    ? `../packages/dispatch/dist-${process.env.NOTIFLUX_BUILD}/index.js`
    : '../packages/dispatch/dist/index.js'
);

import { hubDuties, oneAlertToSink, quietLogger } from './hub-duties.mjs';
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

/** SHA-256 in hex: Node's one-shot `hash` where it exists (20.12+), as the dispatcher uses. */
const sha256Hex =
  typeof hash === 'function'
    ? (text) => hash('sha256', text, 'hex')
    : (text) => createHash('sha256').update(text).digest('hex');

/**
 * The floor for a hub that does what the spec asks of every event and delivery, with none of
 * notiflux's own machinery: no validation, Alert matching, delivery ids, queue, retries or
 * timeouts. Duplicate suppression is Flux's key hashed with SHA-256 and a window per key, with the
 * three `X-RateLimit-*` headers on each 202 (made once per second); the event is encoded again
 * for its post (`JSON.stringify`), as a hub that adds metadata must; the three metrics are
 * prom-client's and the two log lines pino's, to the same destination as notiflux's. It answers
 * every event 202 and posts it: the bench sends only new events, all matching the one Alert.
 */
async function minimalHubServer() {
  const duties = hubDuties();
  const provider = { type: 'generic', namespace: 'flux-system', name: 'sink' };
  const alert = { namespace: 'flux-system', name: 'all' };
  const windowMs = 300_000;
  const windowEnds = new Map();
  let headersSecond = -1;
  let headers = [];
  const pool = new Agent({ connections: 128 });
  const origin = `http://127.0.0.1:${sinkPort}`;
  let posted = 0;

  const post = (event) => {
    const id = String(++posted);
    const started = Date.now();
    pool.dispatch(
      {
        origin,
        path: '/hook',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
      },
      {
        onRequestStart() {},
        onResponseStart() {},
        onResponseData() {},
        onResponseEnd() {
          const durationMs = Date.now() - started;
          duties.deliveryReported({ id, provider, alert, state: 'delivered', attempts: 1, durationMs });
        },
        onResponseError() {},
      },
    );
  };

  const server = createServer((request, response) => {
    if (request.url === '/metrics') {
      duties.registry.metrics().then((text) => response.end(text));
      return;
    }
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const object = event.involvedObject;
      const key = sha256Hex(
        `event/name=${object.name}/namespace=${object.namespace}/kind=${object.kind}/message=${event.message}`,
      );
      const now = Date.now();
      let endsAt = windowEnds.get(key);
      if (endsAt === undefined || endsAt <= now) {
        endsAt = now + windowMs;
        windowEnds.set(key, endsAt);
      }
      const second = Math.floor(endsAt / 1000);
      if (second !== headersSecond) {
        headersSecond = second;
        const reset = new Date(endsAt).toUTCString();
        headers = [
          'X-RateLimit-Limit',
          '1',
          'X-RateLimit-Remaining',
          '0',
          'X-RateLimit-Reset',
          reset,
          'Content-Length',
          '0',
        ];
      }
      duties.eventAccepted(request.url, event, 1);
      response.writeHead(202, headers).end();
      post(event);
    });
  });
  server.keepAliveTimeout = 120_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server.address().port;
}

async function notifluxServer({ posts = true } = {}) {
  const dispatcher = createDispatcher(
    oneAlertToSink(`http://127.0.0.1:${sinkPort}/hook`),
    posts ? {} : { queue: postlessQueue({ reportDelivered: true }) },
  );
  // Logs at info through the server's default destination, written to nowhere.
  const logger = quietLogger();
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
  'minimal-hub': minimalHubServer,
  sink: sinkServer,
  notiflux: () => notifluxServer(),
  'notiflux-unposted': () => notifluxServer({ posts: false }),
};
const port = await servers[mode]();
process.stdout.write(`${port}\n`);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
