// `pnpm demo`: first a Flux event goes through the `generic-hmac` provider to a local receiver
// that verifies `X-Signature` with @notiflux/hmac, and a tampered copy is refused; then
// `notiflux serve` runs as a hub for two clusters on the manifests of examples/hub/ and routes
// their events to a chat receiver and a signed audit receiver. Only Node, only 127.0.0.1.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignatureError, sign, verifyRequest } from '@notiflux/hmac';
import { createNotifier } from '@notiflux/providers';

const root = fileURLToPath(new URL('../', import.meta.url));

/** What went other than expected, in words; the demo exits 1 when any. */
const failures = [];
function expectThat(condition, what) {
  if (!condition) {
    failures.push(what);
    console.log(`   UNEXPECTED: ${what}`);
  }
  return condition;
}

/** A receiver on a free loopback port that records each request and answers with `handle`'s status. */
async function startReceiver(path, handle) {
  const requests = [];
  const server = createServer(async (request, response) => {
    const status = await handle(request, requests);
    response.writeHead(status).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${server.address().port}${path}`, requests, server };
}

/** Waits until `condition()` holds, up to `ms`; false when it never did. */
async function waitFor(condition, ms) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

// Nothing here may hang: after a minute, stop saying so.
const watchdog = setTimeout(() => {
  console.log('demo: unexpected outcome: did not finish within 60 s');
  process.exit(1);
}, 60_000);
watchdog.unref();

await signingSection();
await hubSection();
clearTimeout(watchdog);

if (failures.length === 0) {
  console.log('demo: every outcome as expected');
} else {
  console.log(`demo: unexpected outcome: ${failures.join('; ')}`);
  process.exitCode = 1;
}

/** Part 1: generic-hmac signs, the receiver verifies, a tampered or unsigned copy is refused. */
async function signingSection() {
  console.log('Part 1: signing with generic-hmac\n');
  const hmacKey = 'demo-hmac-key-7152fed34dd6149a';
  const event = JSON.parse(readFileSync(new URL('./sample-event.json', import.meta.url), 'utf8'));
  const receiver = await startReceiver('/flux-events', async (request, received) => {
    const signature = request.headers['x-signature'];
    try {
      const body = await verifyRequest(request, hmacKey);
      received.push({
        verified: true,
        signature,
        component: request.headers['gotk-component'],
        event: JSON.parse(Buffer.from(body).toString('utf8')),
      });
      return 204;
    } catch (error) {
      if (!(error instanceof SignatureError)) throw error;
      received.push({ verified: false, signature, reason: error.reason });
      return 401;
    }
  });
  const { url: address, requests: received } = receiver;
  console.log(`receiver listening on ${address}\n`);

  const notifier = createNotifier({ type: 'generic-hmac', address, secret: { token: hmacKey } });
  try {
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
    expectThat(
      delivery.verified && delivery.event.reason === event.reason,
      'the signed event was not verified',
    );

    // Someone replays the request with a changed body but the original signature.
    const [request] = await notifier.encode(event);
    const tamperedBody = request.body.replace('"severity":"error"', '"severity":"info"');
    const tampered = await fetch(address, { method: 'POST', headers: request.headers, body: tamperedBody });
    console.log('2. the same signature on a tampered body (severity error → info):');
    console.log(`   receiver answered ${tampered.status}, reason: ${received.at(-1).reason}\n`);
    expectThat(
      tampered.status === 401 && received.at(-1).reason === 'mismatch',
      `the tampered body got ${tampered.status}, not 401 mismatch`,
    );

    const unsigned = await fetch(address, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: request.body,
    });
    console.log('3. the body without X-Signature:');
    console.log(`   receiver answered ${unsigned.status}, reason: ${received.at(-1).reason}\n`);
    expectThat(
      unsigned.status === 401 && received.at(-1).reason === 'missing',
      `the unsigned body got ${unsigned.status}, not 401 missing`,
    );
  } finally {
    await notifier.close();
    receiver.server.close();
  }
}

/** Part 2: `notiflux serve` as a hub for the clusters prod-eu (signed) and staging. */
async function hubSection() {
  console.log('Part 2: a hub for two clusters (notiflux serve -f examples/hub)\n');
  const prodEuKey = 'prod-eu-demo-key-b81e2c4d7a90';
  const auditKey = 'audit-log-demo-key-3f61c0a9'; // the token of examples/hub/receivers.yaml

  // The team chat: a Slack-style incoming webhook.
  const chat = await startReceiver('/chat', async (request, received) => {
    received.push(JSON.parse(await text(request)));
    return 200;
  });
  // The audit log: verifies the hub's own generic-hmac signature before taking an event.
  const audit = await startReceiver('/audit', async (request, received) => {
    try {
      const body = await verifyRequest(request, auditKey);
      received.push({ verified: true, event: JSON.parse(Buffer.from(body).toString('utf8')) });
      return 204;
    } catch (error) {
      if (!(error instanceof SignatureError)) throw error;
      received.push({ verified: false, reason: error.reason });
      return 401;
    }
  });
  console.log(`team chat (slack webhook) on ${chat.url}`);
  console.log(`audit log (generic-hmac)  on ${audit.url}`);

  // The manifests as they are, with the receivers' addresses set to these two free ports.
  const manifests = mkdtempSync(join(tmpdir(), 'notiflux-hub-'));
  for (const name of readdirSync(join(root, 'examples/hub'))) {
    const content = readFileSync(join(root, 'examples/hub', name), 'utf8')
      .replace('http://127.0.0.1:8081/chat', chat.url)
      .replace('http://127.0.0.1:8082/audit', audit.url);
    writeFileSync(join(manifests, name), content);
  }

  const args = ['serve', '-f', manifests, '--port', '0'];
  args.push('--source', '/clusters/prod-eu:PROD_EU_HMAC_KEY', '--source', '/clusters/staging');
  console.log(`starting: notiflux ${args.join(' ')}`);
  console.log(
    `          (${manifests}: examples/hub with these two addresses; PROD_EU_HMAC_KEY in its environment)\n`,
  );
  const hub = spawn(process.execPath, [join(root, 'packages/cli/dist/bin.js'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', PROD_EU_HMAC_KEY: prodEuKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  hub.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout += chunk;
  });
  hub.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = once(hub, 'close');
  const logLines = () =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));

  try {
    const started = await waitFor(
      () => hub.exitCode !== null || logLines().some((line) => line.msg === 'ready'),
      20_000,
    );
    const ready = logLines().find((line) => line.msg === 'ready');
    if (!started || ready === undefined) {
      throw new Error(`the hub did not start: ${stderr.trim() || 'no ready line'}`);
    }
    const hubUrl = ready.url;
    console.log(`hub ready on ${hubUrl}, queue: ${ready.queue}, sources: ${ready.sources.join(', ')}\n`);

    const staging = fluxEvent(
      'Kustomization',
      'apps',
      'info',
      'ReconciliationSucceeded',
      'Reconciliation finished in 1.2s, next run in 10m0s',
      'kustomize-controller',
    );
    const prodEu = fluxEvent(
      'HelmRelease',
      'podinfo',
      'error',
      'InstallFailed',
      'Helm install failed for release flux-system/podinfo: timed out waiting for the condition',
      'helm-controller',
    );

    // Flux's controllers POST the event JSON; the signed cluster's generic-hmac Provider adds X-Signature.
    const post = (path, body, headers = {}) =>
      fetch(`${hubUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });

    console.log('4. staging posts an info event (Kustomization/apps reconciled) to /clusters/staging:');
    const first = await post('/clusters/staging', staging);
    console.log(`   hub answered ${first.status}`);
    expectThat(first.status === 202, `staging's event got ${first.status}, not 202`);

    console.log('5. prod-eu posts an error event (HelmRelease/podinfo install failed) to /clusters/prod-eu,');
    console.log('   signed with its key, as a Flux generic-hmac Provider forwarding its events does:');
    const second = await post('/clusters/prod-eu', prodEu, { 'x-signature': sign(prodEu, prodEuKey) });
    console.log(`   hub answered ${second.status}\n`);
    expectThat(second.status === 202, `prod-eu's event got ${second.status}, not 202`);

    const delivered = await waitFor(() => chat.requests.length >= 1 && audit.requests.length >= 2, 20_000);
    expectThat(
      delivered,
      `deliveries: team chat got ${chat.requests.length} (1 expected), audit log ${audit.requests.length} (2 expected)`,
    );
    console.log('6. what was routed where:');
    for (const message of chat.requests) {
      const attachment = message.attachments?.[0] ?? {};
      const fields = Object.fromEntries((attachment.fields ?? []).map((field) => [field.title, field.value]));
      console.log(
        `   team chat  (Alert errors-to-chat → slack Provider team-chat) got, in #${message.channel}:`,
      );
      console.log(`     ${attachment.author_name}: ${attachment.text}  [cluster: ${fields.cluster}]`);
      expectThat(
        fields.cluster === 'prod-eu',
        `the chat message says cluster ${fields.cluster}, not prod-eu`,
      );
    }
    for (const delivery of audit.requests) {
      const { event } = delivery;
      console.log(
        `   audit log  (Alert everything-to-audit → generic-hmac Provider audit-log) got (X-Signature verified: ${delivery.verified}):`,
      );
      if (event !== undefined) {
        console.log(
          `     ${event.involvedObject.kind}/${event.involvedObject.name} ${event.severity} ${event.reason}  [cluster: ${event.metadata?.cluster}]`,
        );
      }
    }
    const auditClusters = audit.requests.map((delivery) => delivery.event?.metadata?.cluster).sort();
    expectThat(
      audit.requests.every((delivery) => delivery.verified) && auditClusters.join() === 'prod-eu,staging',
      `the audit log got ${JSON.stringify(auditClusters)} (verified: ${audit.requests.map((d) => d.verified)}), not one verified event of each cluster`,
    );
    console.log('   (the info event from staging went to the audit log only: errors-to-chat takes errors)\n');

    console.log('7. prod-eu posts the same event again (within the duplicate window):');
    const duplicate = await post('/clusters/prod-eu', prodEu, { 'x-signature': sign(prodEu, prodEuKey) });
    const retryAfter = duplicate.headers.get('retry-after');
    console.log(
      `   hub answered ${duplicate.status} ${(await duplicate.text()).trim()}, Retry-After: ${retryAfter}`,
    );
    console.log('   (as notification-controller answers: Flux takes it as final and does not retry)\n');
    expectThat(
      duplicate.status === 429 && retryAfter !== null,
      `the duplicate got ${duplicate.status}, not 429 with Retry-After`,
    );

    console.log('8. someone posts to /clusters/prod-eu without X-Signature:');
    const unsigned = await post('/clusters/prod-eu', prodEu);
    const refusal = await unsigned.json().catch(() => ({}));
    console.log(`   hub answered ${unsigned.status}, reason: ${refusal.reason}\n`);
    expectThat(
      unsigned.status === 401 && refusal.reason === 'missing',
      `the unsigned post got ${unsigned.status}, not 401 missing`,
    );

    const metrics = await (await fetch(`${hubUrl}/metrics`)).text();
    console.log('9. the hub counted, on /metrics:');
    for (const line of metrics.split('\n')) {
      if (/^notiflux_(events_received|deliveries)_total\{/.test(line)) console.log(`   ${line}`);
    }
    console.log('');
  } catch (error) {
    expectThat(false, error instanceof Error ? error.message : String(error));
  } finally {
    console.log('10. stopping the hub with SIGTERM:');
    if (hub.exitCode === null) hub.kill('SIGTERM');
    const [code, signal] = await exited;
    const stopped = logLines().at(-1)?.msg === 'stopped';
    console.log(`   it drained and exited with code ${code}${signal ? ` (signal ${signal})` : ''}\n`);
    expectThat(
      code === 0 && stopped,
      `the hub exited with ${code ?? signal}${stderr ? `: ${stderr.trim()}` : ''}`,
    );
    expectThat(
      chat.requests.length === 1 && audit.requests.length === 2,
      `after the duplicate: team chat got ${chat.requests.length} (1 expected), audit log ${audit.requests.length} (2 expected)`,
    );
    expectThat(
      !(stdout + stderr).includes(prodEuKey) && !(stdout + stderr).includes(auditKey),
      'the hub logged a key',
    );
    chat.server.close();
    audit.server.close();
    rmSync(manifests, { recursive: true, force: true });
  }
}

/** A Flux event from the flux-system namespace, as its controllers send it. */
function fluxEvent(kind, name, severity, reason, message, controller) {
  return JSON.stringify({
    involvedObject: { kind, namespace: 'flux-system', name, apiVersion: 'toolkit.fluxcd.io/v1' },
    severity,
    timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    message,
    reason,
    metadata: { revision: 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1' },
    reportingController: controller,
    reportingInstance: `${controller}-7c7b47f5f-8bhrp`,
  });
}

async function text(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
