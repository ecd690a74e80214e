// `pnpm demo`: a Flux event goes through the `generic-hmac` provider to a local receiver that
// verifies `X-Signature` with @notiflux/hmac; then a tampered copy is refused. No outside service.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { SignatureError, verifyRequest } from '@notiflux/hmac';
import { createNotifier } from '@notiflux/providers';

const hmacKey = 'demo-hmac-key-7152fed34dd6149a';

const event = JSON.parse(readFileSync(new URL('./sample-event.json', import.meta.url), 'utf8'));

/** What the receiver saw, request by request. */
const received = [];

const receiver = createServer(async (request, response) => {
  const signature = request.headers['x-signature'];
  try {
    const body = await verifyRequest(request, hmacKey);
    const delivered = JSON.parse(Buffer.from(body).toString('utf8'));
    received.push({
      verified: true,
      signature,
      component: request.headers['gotk-component'],
      event: delivered,
    });
    response.writeHead(204).end();
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    received.push({ verified: false, signature, reason: error.reason });
    response.writeHead(401, { 'content-type': 'text/plain' }).end(`signature ${error.reason}\n`);
  }
});
receiver.listen(0, '127.0.0.1');
await once(receiver, 'listening');
const address = `http://127.0.0.1:${receiver.address().port}/flux-events`;
console.log(`receiver listening on ${address}\n`);

const notifier = createNotifier({ type: 'generic-hmac', address, secret: { token: hmacKey } });
let ok = true;
try {
  // 1. The real thing.
  await notifier.post(event);
  const [delivery] = received;
  console.log('1. generic-hmac posted the event; the receiver:');
  console.log(`   verified X-Signature: ${delivery.verified} (${delivery.signature})`);
  console.log(`   Gotk-Component:      ${delivery.component}`);
  console.log(
    `   event:               ${delivery.event.involvedObject.kind}/${delivery.event.involvedObject.name} ` +
      `${delivery.event.severity} ${delivery.event.reason}: ${delivery.event.message}`,
  );
  console.log(`   metadata:            ${JSON.stringify(delivery.event.metadata)}\n`);
  ok &&= delivery.verified && delivery.event.reason === event.reason;

  // 2. Someone replays the request with a changed body but the original signature.
  const [request] = await notifier.encode(event);
  const tamperedBody = request.body.replace('"severity":"error"', '"severity":"info"');
  const tampered = await fetch(address, { method: 'POST', headers: request.headers, body: tamperedBody });
  const refusal = received.at(-1);
  console.log('2. the same signature on a tampered body (severity error → info):');
  console.log(`   receiver answered ${tampered.status}, reason: ${refusal.reason}\n`);
  ok &&= tampered.status === 401 && refusal.reason === 'mismatch';

  // 3. No signature at all.
  const unsigned = await fetch(address, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: request.body,
  });
  console.log('3. the body without X-Signature:');
  console.log(`   receiver answered ${unsigned.status}, reason: ${received.at(-1).reason}\n`);
  ok &&= unsigned.status === 401 && received.at(-1).reason === 'missing';
} finally {
  await notifier.close();
  receiver.close();
}

console.log(ok ? 'demo: all three outcomes as expected' : 'demo: unexpected outcome');
process.exitCode = ok ? 0 : 1;
