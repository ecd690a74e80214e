// One contender of the event-server benchmark, run as a child process so that the load
// generator does not share its event loop. `bare`: a node:http server that reads each body and
// JSON.parses it, nothing else. `notiflux`: createEventServer over a real dispatcher with the
// memory queue, posting every event through a `generic` Provider to a no-op sink in another
// child. Prints its port on stdout; exits when its stdin closes.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { pino } from 'pino';
import { createDispatcher, createEventServer } from '../packages/dispatch/dist/index.js';

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

async function notifluxServer() {
  const meta = (name) => ({ name, namespace: 'flux-system' });
  const dispatcher = createDispatcher({
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
  });
  // Logs at info, as the server runs by default, written to nowhere.
  const logger = pino({ level: 'info' }, pino.destination('/dev/null'));
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

const port =
  mode === 'bare' ? await bareServer() : mode === 'sink' ? await sinkServer() : await notifluxServer();
process.stdout.write(`${port}\n`);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
