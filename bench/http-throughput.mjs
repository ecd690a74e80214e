// Section 1: requests per second of notiflux's `generic` provider against raw undici (dispatch and request), global
// fetch and @slack/webhook, all posting the sample event to a local server in a child process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createNotifier } from '@notiflux/providers';
import { IncomingWebhook } from '@slack/webhook';
import { Agent, request } from 'undici';
import { interleavedRounds, requestsPerSecond } from './measure.mjs';
import { sampleEvent, sampleEventJson } from './sample-event.mjs';

const serverScript = fileURLToPath(new URL('./http-server.mjs', import.meta.url));

// What the `generic` provider sends; the server checks every contender sends exactly this.
const body = Buffer.from(sampleEventJson);
const headers = { 'Content-Type': 'application/json', 'Gotk-Component': sampleEvent.reportingController };

/** Starts bench/http-server.mjs and resolves with its URL and a stop function. */
export async function startServer() {
  // stdin stays open while we live: if this process dies, the server sees it close and exits.
  const child = spawn(process.execPath, [serverScript], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`bench/http-server.mjs exited with code ${code} before printing its port`);
  });
  const [firstLine] = await Promise.race([once(createInterface({ input: child.stdout }), 'line'), exited]);
  exited.catch(() => {}); // it exits later, when stopped, which is not an error
  const port = Number(firstLine);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`bench/http-server.mjs printed ${firstLine}`);
  return {
    url: `http://127.0.0.1:${port}/flux`,
    async stop() {
      child.kill();
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    },
  };
}

function notifluxContender(url) {
  // Validates and encodes the event on every post, as a service calling notiflux would.
  const notifier = createNotifier({ type: 'generic', address: url });
  return {
    name: 'notiflux generic',
    send: () => notifier.post(sampleEvent),
    close: () => notifier.close(),
  };
}

function undiciContender(url) {
  // The floor: precomputed bytes through one keep-alive pool, nothing else.
  const agent = new Agent();
  return {
    name: 'undici.request',
    async send() {
      const response = await request(url, { method: 'POST', headers, body, dispatcher: agent });
      if (response.statusCode !== 200) {
        throw new Error(`undici.request: HTTP ${response.statusCode}: ${await response.body.text()}`);
      }
      await response.body.dump();
    },
    close: () => agent.close(),
  };
}

/** One request through undici's handler interface, with a handler that only waits for the end of the response. */
function dispatchOnce(agent, options, name) {
  return new Promise((resolve, reject) => {
    let status = 0;
    agent.dispatch(options, {
      // Its presence selects undici's current handler interface.
      onRequestStart() {},
      onResponseStart(_controller, statusCode) {
        status = statusCode;
      },
      onResponseData() {},
      onResponseEnd() {
        if (status === 200) resolve();
        else reject(new Error(`${name}: HTTP ${status}`));
      },
      onResponseError(_controller, error) {
        reject(error);
      },
    });
  });
}

export function dispatchContender(url) {
  // The floor for any client: undici's handler interface, same bytes, same headers, same pool
  // settings as notiflux's, the bytes made once.
  const agent = new Agent();
  const { origin, pathname } = new URL(url);
  const options = { origin, path: pathname, method: 'POST', headers, body };
  return {
    name: 'undici.dispatch',
    send: () => dispatchOnce(agent, options, 'undici.dispatch'),
    close: () => agent.close(),
  };
}

function encodingDispatchContender(url) {
  // The floor for a client that encodes the event for each request, as notiflux does: the same
  // dispatch, the body made by JSON.stringify (for this event, the bytes Flux sends; no
  // validation, no Go ordering or escapes, which an event in general needs).
  const agent = new Agent();
  const { origin, pathname } = new URL(url);
  return {
    name: 'undici.dispatch + JSON.stringify',
    send: () =>
      dispatchOnce(
        agent,
        { origin, path: pathname, method: 'POST', headers, body: JSON.stringify(sampleEvent) },
        'undici.dispatch + JSON.stringify',
      ),
    close: () => agent.close(),
  };
}

function fetchContender(url) {
  return {
    name: 'fetch',
    async send() {
      const response = await fetch(url, { method: 'POST', headers, body });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`fetch: HTTP ${response.status}: ${text}`);
    },
    close: async () => {},
  };
}

function slackContender(url) {
  // IncomingWebhook takes no headers; its public `fetch` option is how Gotk-Component gets added,
  // so that every contender sends the same headers (it adds its own User-Agent besides).
  const fetchWithComponent = (target, init) =>
    fetch(target, { ...init, headers: { ...init.headers, 'Gotk-Component': headers['Gotk-Component'] } });
  const webhook = new IncomingWebhook(url, { fetch: fetchWithComponent });
  return {
    name: '@slack/webhook',
    send: () => webhook.send(sampleEvent),
    close: async () => {},
  };
}

/**
 * Runs every contender at each concurrency: a warm-up per contender, then `rounds` interleaved
 * samples of `durationMs`. Resolves with one result per concurrency.
 */
export async function benchHttpThroughput({ concurrencies, rounds, durationMs, warmupMs }) {
  const server = await startServer();
  const contenders = [
    notifluxContender(server.url),
    dispatchContender(server.url),
    encodingDispatchContender(server.url),
    undiciContender(server.url),
    fetchContender(server.url),
    slackContender(server.url),
  ];
  try {
    // One request each first: a contender the server refuses fails here, not mid-measurement.
    for (const contender of contenders) await contender.send();
    const results = [];
    for (const concurrency of concurrencies) {
      for (const { send } of contenders) await requestsPerSecond(send, { concurrency, durationMs: warmupMs });
      const measured = await interleavedRounds(contenders, rounds, ({ send }) =>
        requestsPerSecond(send, { concurrency, durationMs }),
      );
      results.push({ concurrency, measured });
    }
    return results;
  } finally {
    await Promise.all(contenders.map((contender) => contender.close()));
    await server.stop();
  }
}
