// The receiver of the HTTP benchmark, run as a child process so that it has a core of its own.
// It reads every body, checks it is the sample event as sent by every contender (same bytes,
// same headers), and answers 200 with an empty body; anything else gets a 400 that makes the
// contender fail. Prints its port on stdout; exits when its stdin closes (the parent is gone).
import { once } from 'node:events';
import { createServer } from 'node:http';
import { sampleEvent, sampleEventJson } from './sample-event.mjs';

const expectedBody = Buffer.from(sampleEventJson);

/** Why a request is not the sample event as the benchmark sends it, or undefined. */
function mismatch(request, body) {
  if (request.method !== 'POST') return `method ${request.method}`;
  if (request.headers['content-type'] !== 'application/json') return 'content-type';
  if (request.headers['gotk-component'] !== sampleEvent.reportingController) return 'gotk-component';
  if (!body.equals(expectedBody)) return `body of ${body.length} bytes differs`;
  return undefined;
}

function handle(request, response) {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const problem = mismatch(request, Buffer.concat(chunks));
    if (problem) response.writeHead(400, { 'content-type': 'text/plain' }).end(problem);
    else response.writeHead(200, { 'content-length': '0' }).end();
  });
}

const server = createServer(handle);
// Connections sit idle while the other contenders take their turn: keep them open meanwhile.
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1');
await once(server, 'listening');
process.stdout.write(`${server.address().port}\n`);

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
