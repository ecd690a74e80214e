import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import net from 'node:net';
import {
  createDispatcher,
  createEventServer,
  type DeliveryReport,
  type Dispatcher,
  type EventServer,
  type EventServerOptions,
} from '@notiflux/dispatch';
import { sign } from '@notiflux/hmac';
import { NotifierError } from '@notiflux/providers';
import { pino } from 'pino';
import { Pool, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { type ScriptedResponse, startRecordingServer } from '../support/recording-server.js';
import { sampleEvent } from '../support/sample-events.js';
import {
  FakeDispatcher,
  fakeResetAt,
  logSink,
  metricValue,
  rawExchange,
  statusCodes,
} from './event-server-harness.js';
import { alert, manifests, provider, rawErrorEvent, secret } from './manifest-builders.js';

const MiB3 = 3 * 1024 * 1024;
const hmacKey = 'hmac-key-that-must-never-be-seen';
const metadataToken = 'metadata-token-that-must-never-be-seen';

const servers: EventServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start<D extends Dispatcher = FakeDispatcher>(
  dispatcher: D = new FakeDispatcher() as unknown as D,
  options: EventServerOptions = {},
) {
  const logs = logSink();
  const server = createEventServer(dispatcher, {
    port: 0,
    logger: pino({ level: 'debug' }, logs),
    ...options,
  });
  servers.push(server);
  const { url } = await server.listen();
  const port = Number(new URL(url).port);
  return { server, url, port, dispatcher, logs };
}

function eventJson(message = sampleEvent.message, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...sampleEvent, message, ...extra });
}

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}, pool?: Pool) {
  const response = await request(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    ...(pool === undefined ? {} : { dispatcher: pool }),
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

async function metrics(url: string): Promise<string> {
  const response = await request(`${url}/metrics`);
  expect(response.statusCode).toBe(200);
  return response.body.text();
}

/** A body of exactly `size` bytes holding a valid event (JSON allows trailing blanks). */
function eventOfSize(size: number): string {
  const json = eventJson('sized');
  return json + ' '.repeat(size - Buffer.byteLength(json));
}

describe('the event endpoint', () => {
  it('accepts an event with 202 and the X-RateLimit headers, and suppresses its duplicate with 429 as upstream', async () => {
    const { url, dispatcher } = await start();
    const accepted = await post(`${url}/`, eventJson());
    expect(accepted.status).toBe(202);
    expect(accepted.text).toBe('');
    expect(accepted.headers['x-ratelimit-limit']).toBe('1');
    expect(accepted.headers['x-ratelimit-remaining']).toBe('0');
    expect(accepted.headers['x-ratelimit-reset']).toBe('Mon, 02 Jan 2006 15:04:05 UTC');
    expect(accepted.headers['retry-after']).toBeUndefined();
    expect(dispatcher.calls[0]?.event.involvedObject.name).toBe('webapp');
    expect(dispatcher.calls[0]?.options).toBeUndefined();

    const duplicate = await post(`${url}/any/path`, eventJson());
    expect(duplicate.status).toBe(429);
    expect(duplicate.text).toBe('Too Many Requests\n');
    expect(duplicate.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(duplicate.headers['x-ratelimit-limit']).toBe('1');
    expect(duplicate.headers['x-ratelimit-remaining']).toBe('0');
    expect(duplicate.headers['x-ratelimit-reset']).toBe('Mon, 02 Jan 2006 15:04:05 UTC');
    expect(duplicate.headers['retry-after']).toBe('Mon, 02 Jan 2006 15:04:05 UTC');
    expect(new Date(duplicate.headers['retry-after'] as string).getTime()).toBe(fakeResetAt - 678);
  });

  it('answers 202 when no Alert matches', async () => {
    const dispatcher = new FakeDispatcher();
    dispatcher.noMatch = true;
    const { url } = await start(dispatcher);
    expect((await post(url, eventJson())).status).toBe(202);
    expect(metricValue(await metrics(url), 'notiflux_events_received_total', { result: 'no_match' })).toBe(1);
    // The counters keep their totals from one scrape to the next.
    expect((await post(url, eventJson('another'))).status).toBe(202);
    expect(metricValue(await metrics(url), 'notiflux_events_received_total', { result: 'no_match' })).toBe(2);
  });

  it('refuses invalid JSON and invalid events with 400 and a JSON error naming the field', async () => {
    const { url, dispatcher } = await start();
    const notJson = await post(url, `{"message": "${metadataToken}"`);
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.text)).toEqual({ error: 'request body is not valid JSON' });

    const invalid = await post(url, JSON.stringify({ ...sampleEvent, involvedObject: undefined }));
    expect(invalid.status).toBe(400);
    expect(invalid.headers['content-type']).toBe('application/json');
    expect(JSON.parse(invalid.text).error).toMatch(/^invalid event: .*involvedObject/);
    expect(dispatcher.calls).toHaveLength(0);
  });

  it('answers 500 without the error text when the dispatcher fails, and hides credentials in the log', async () => {
    const dispatcher = new FakeDispatcher();
    dispatcher.failure = new Error('connect refused redis://notiflux:redis-password@127.0.0.1:6390');
    const { url, logs } = await start(dispatcher);
    const answer = await post(url, eventJson());
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.text)).toEqual({ error: 'the event could not be dispatched' });
    expect(logs.text.join('')).not.toContain('redis-password');
    expect(logs.lines().find((line) => line.result === 'failed')?.error).toMatchObject({
      message: 'connect refused redis://***@127.0.0.1:6390',
    });
  });

  it('answers 405 to other methods and 404 to paths that are not sources', async () => {
    const { url } = await start();
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH'] as const) {
      const answer = await request(`${url}/`, { method });
      expect(answer.statusCode).toBe(405);
      expect(answer.headers.allow).toBe('POST');
      expect(JSON.parse(await answer.body.text()).error).toContain(method);
    }
    const onProbe = await request(`${url}/healthz`, { method: 'PUT' });
    expect(onProbe.statusCode).toBe(405);
    expect(onProbe.headers.allow).toBe('GET, HEAD, POST');
    await onProbe.body.dump();

    const withSources = await start(new FakeDispatcher(), { sources: [{ path: '/clusters/prod-eu' }] });
    expect((await post(`${withSources.url}/`, eventJson())).status).toBe(404);
    expect((await post(`${withSources.url}/clusters/prod-us`, eventJson())).status).toBe(404);
    expect((await post(`${withSources.url}/clusters/prod-eu?x=1`, eventJson())).status).toBe(202);
    expect((await request(`${withSources.url}/healthz`)).statusCode).toBe(200);
  });
});

describe('limits', () => {
  it('accepts a body of exactly 3 MiB and refuses one byte more with 413', async () => {
    const { url, port, dispatcher } = await start();
    expect((await post(url, eventOfSize(MiB3))).status).toBe(202);
    const over = eventOfSize(MiB3 + 1);
    const raw = await rawExchange(port, (socket) => {
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${MiB3 + 1}\r\n\r\n`);
      socket.write(over);
    });
    expect(statusCodes(raw)).toEqual([413]);
    // An ordinary client still sending its body reads the 413, not a reset connection.
    const big = await post(url, eventOfSize(2 * MiB3));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text)).toEqual({ error: `request body is larger than the ${MiB3}-byte limit` });
    expect(dispatcher.calls).toHaveLength(1);
    expect(metricValue(await metrics(url), 'notiflux_events_received_total', { result: 'too_large' })).toBe(
      2,
    );
  });

  it('refuses an announced Content-Length over the limit before reading a byte', async () => {
    const { port } = await start();
    // The body is never sent: the answer cannot wait for it.
    const raw = await rawExchange(port, (socket) => {
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${MiB3 + 1}\r\n\r\n{}`);
    });
    expect(statusCodes(raw)).toEqual([413]);
  });

  it('refuses a chunked body as soon as it crosses the limit, without waiting for its end', async () => {
    const { url, port, dispatcher } = await start();
    const raw = await rawExchange(port, (socket) => {
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
      const chunk = 'x'.repeat(64 * 1024);
      for (let sent = 0; sent <= MiB3; sent += chunk.length)
        socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      // No terminating chunk: the client stalls with the body over the limit.
    });
    expect(statusCodes(raw)).toEqual([413]);
    expect(dispatcher.calls).toHaveLength(0);
    expect((await post(url, eventJson('after chunked'))).status).toBe(202);
  });

  it('reads only what Content-Length announces when a client sends more: the rest is a bad request', async () => {
    const { url, port, dispatcher } = await start();
    const body = eventJson('short length');
    const raw = await rawExchange(port, (socket) => {
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n${body}`);
    });
    // The 20 bytes are not an event, and what follows them is not a request: the connection ends.
    expect(statusCodes(raw).length).toBeGreaterThan(0);
    expect(new Set(statusCodes(raw))).toEqual(new Set([400]));
    expect(dispatcher.calls).toHaveLength(0);
    expect((await post(url, eventJson('still healthy'))).status).toBe(202);
  });

  it('answers 431 to a head over 256 KiB', async () => {
    const { port } = await start();
    const raw = await rawExchange(port, (socket) => {
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(257 * 1024)}\r\n\r\n`);
    });
    expect(statusCodes(raw)).toEqual([431]);
  });

  it('times out a client that is slow to send its head (408) or its body (408)', async () => {
    const { url, port } = await start(new FakeDispatcher(), { headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const slowHead = await rawExchange(port, (socket) => {
      socket.write('POST / HTTP/1.1\r\nHost: x\r\n');
    });
    expect(statusCodes(slowHead)).toEqual([408]);
    const slowBody = await rawExchange(port, (socket) => {
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"involvedObject":');
    });
    expect(statusCodes(slowBody)).toEqual([408]);
    expect((await post(url, eventJson())).status).toBe(202);
  });

  it('stays healthy when a client disconnects mid-body, and keeps nothing of it', async () => {
    const { server, url, port, dispatcher } = await start();
    for (let round = 0; round < 20; round++) {
      const socket = net.connect(port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(
        `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n${'{"message":"'.padEnd(5000, 'x')}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
      socket.destroy();
      await once(socket, 'close');
    }
    expect((await post(url, eventJson('after the disconnects'))).status).toBe(202);
    expect(dispatcher.calls).toHaveLength(1);
    await expect
      .poll(() => new Promise((resolve) => server.httpServer.getConnections((_, count) => resolve(count))))
      .toBeLessThanOrEqual(1);
    // Nothing is left in flight: close does not wait for the deadline.
    const closing = server.close();
    await expect(
      Promise.race([closing.then(() => 'closed'), new Promise((r) => setTimeout(r, 5000, 'stuck'))]),
    ).resolves.toBe('closed');
  });

  it('stays healthy when a client goes away while its event is being dispatched', async () => {
    const dispatcher = new FakeDispatcher();
    let release!: () => void;
    dispatcher.hold = new Promise((resolve) => {
      release = resolve;
    });
    const { server, url, port, logs } = await start(dispatcher);
    const body = eventJson('its client left');
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    await expect.poll(() => dispatcher.calls.length).toBe(1);
    socket.destroy();
    await expect
      .poll(() => new Promise((resolve) => server.httpServer.getConnections((_, count) => resolve(count))))
      .toBe(0);
    release();
    dispatcher.hold = undefined;
    expect((await post(url, eventJson('after it'))).status).toBe(202);
    // The event it sent was still taken, and its answer had nowhere to go: no failure.
    const text = await metrics(url);
    expect(metricValue(text, 'notiflux_events_received_total', { result: 'accepted' })).toBe(2);
    expect(logs.lines().filter((line) => line.msg === 'event server failure')).toEqual([]);
  });

  it('takes 1,000 concurrent posts: each new event 202, each repeat 429', async () => {
    const { url, dispatcher } = await start();
    const pool = new Pool(url, { connections: 50, pipelining: 4 });
    try {
      const answers = await Promise.all(
        Array.from({ length: 1000 }, async (_, index) => {
          const response = await pool.request({
            path: '/',
            method: 'POST',
            body: eventJson(`event ${index % 500}`),
            headers: { 'content-type': 'application/json' },
          });
          await response.body.dump();
          return response.statusCode;
        }),
      );
      expect(answers.filter((status) => status === 202)).toHaveLength(500);
      expect(answers.filter((status) => status === 429)).toHaveLength(500);
    } finally {
      await pool.close();
    }
    expect(dispatcher.calls).toHaveLength(1000);
    const text = await metrics(url);
    expect(metricValue(text, 'notiflux_events_received_total', { result: 'accepted' })).toBe(500);
    expect(metricValue(text, 'notiflux_events_received_total', { result: 'suppressed' })).toBe(500);
  }, 60_000);
});

describe('sources', () => {
  const sources = [
    { path: '/clusters/prod-eu', hmacKey, metadata: { cluster: 'prod-eu' } },
    { path: '/clusters/dev', metadata: { cluster: 'dev' } },
  ];

  it('requires a valid X-Signature on a signed path, checked before the body is parsed (401)', async () => {
    const { url, dispatcher, logs } = await start(new FakeDispatcher(), { sources });
    const body = eventJson('signed');

    const missing = await post(`${url}/clusters/prod-eu`, body);
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.text)).toEqual({
      error: 'signature header is missing or empty',
      reason: 'missing',
    });

    const wrong = await post(`${url}/clusters/prod-eu`, body, { 'x-signature': sign(body, 'another key') });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.text).reason).toBe('mismatch');

    // Not even JSON: refused on the signature, not on the parse.
    const garbage = await post(`${url}/clusters/prod-eu`, '{not json', {
      'x-signature': sign('{}', 'another key'),
    });
    expect(garbage.status).toBe(401);
    expect(dispatcher.calls).toHaveLength(0);

    const signed = await post(`${url}/clusters/prod-eu`, body, {
      'x-signature': sign(body, hmacKey, 'sha512'),
    });
    expect(signed.status).toBe(202);
    expect(dispatcher.calls[0]?.options).toEqual({ sourceMetadata: { cluster: 'prod-eu' } });

    for (const answer of [missing, wrong, garbage]) expect(answer.text).not.toContain(hmacKey);
    expect(logs.text.join('')).not.toContain(hmacKey);
    expect(
      metricValue(await metrics(url), 'notiflux_events_received_total', { result: 'unauthorized' }),
    ).toBe(3);
  });

  it('passes an unsigned source its metadata, and refuses a signed body over the limit with 413', async () => {
    const { url, port, dispatcher } = await start(new FakeDispatcher(), { sources });
    expect((await post(`${url}/clusters/dev`, eventJson('dev'))).status).toBe(202);
    expect(dispatcher.calls[0]?.options).toEqual({ sourceMetadata: { cluster: 'dev' } });
    const over = eventOfSize(MiB3 + 1);
    const raw = await rawExchange(port, (socket) => {
      socket.write(
        `POST /clusters/prod-eu HTTP/1.1\r\nHost: x\r\nX-Signature: ${sign(over, hmacKey)}\r\nContent-Length: ${MiB3 + 1}\r\n\r\n`,
      );
    });
    expect(statusCodes(raw)).toEqual([413]);
  });

  it('checks the sources at creation, naming the field and never the key', () => {
    const dispatcher = new FakeDispatcher();
    expect(() => createEventServer(dispatcher, { sources: [{ path: 'clusters' }] })).toThrow(
      'sources[0].path must be a string starting with "/"',
    );
    expect(() =>
      createEventServer(dispatcher, { sources: [{ path: '/a' }, { path: '/a', hmacKey }] }),
    ).toThrow('sources[1].path "/a" is listed twice');
    expect(() => createEventServer(dispatcher, { sources: [{ path: '/a', hmacKey: '' }] })).toThrow(
      'sources[0].hmacKey must be a non-empty string',
    );
    expect(() =>
      createEventServer(dispatcher, {
        sources: [{ path: '/a', metadata: { cluster: 1 as unknown as string } }],
      }),
    ).toThrow('sources[0].metadata.cluster must be a string');
    expect(() => createEventServer(dispatcher, { headersTimeoutMs: 40_000 })).toThrow(
      'headersTimeoutMs must not be longer than requestTimeoutMs',
    );
  });
});

describe('health, readiness and metrics', () => {
  it('answers /healthz, and /readyz from the dispatcher', async () => {
    const { url, dispatcher } = await start();
    expect((await request(`${url}/healthz`)).statusCode).toBe(200);
    expect((await request(`${url}/readyz`)).statusCode).toBe(200);
    dispatcher.isReady = false;
    expect((await request(`${url}/readyz`)).statusCode).toBe(503);
    expect((await request(`${url}/healthz`)).statusCode).toBe(200);
  });

  it('exports events by result, deliveries by provider type and outcome, their duration, and the queue', async () => {
    const { url, dispatcher } = await start();
    await post(url, eventJson('one'));
    await post(url, eventJson('one'));
    await post(url, '[');
    const report = {
      id: 'd-1',
      alert: { namespace: 'flux-system', name: 'on-call' },
      provider: { namespace: 'flux-system', name: 'slack', type: 'slack' },
      attempts: 1,
    };
    dispatcher.emit('delivery', { ...report, state: 'delivered', durationMs: 120 });
    dispatcher.emit('delivery', { ...report, state: 'delivered', durationMs: 80 });
    dispatcher.emit('delivery', {
      ...report,
      provider: { ...report.provider, type: 'github' },
      state: 'dead',
      attempts: 8,
      error: new NotifierError('HTTP_STATUS', 'github: 401 Unauthorized', { status: 401 }),
    });

    const text = await metrics(url);
    expect(metricValue(text, 'notiflux_events_received_total', { result: 'accepted' })).toBe(1);
    expect(metricValue(text, 'notiflux_events_received_total', { result: 'suppressed' })).toBe(1);
    expect(metricValue(text, 'notiflux_events_received_total', { result: 'invalid' })).toBe(1);
    expect(
      metricValue(text, 'notiflux_deliveries_total', { provider_type: 'slack', outcome: 'delivered' }),
    ).toBe(2);
    expect(metricValue(text, 'notiflux_deliveries_total', { provider_type: 'github', outcome: 'dead' })).toBe(
      1,
    );
    expect(
      metricValue(text, 'notiflux_delivery_duration_seconds_count', {
        provider_type: 'slack',
        outcome: 'delivered',
      }),
    ).toBe(2);
    expect(
      metricValue(text, 'notiflux_delivery_duration_seconds_sum', {
        provider_type: 'slack',
        outcome: 'delivered',
      }),
    ).toBeCloseTo(0.2);
    expect(metricValue(text, 'notiflux_queue_depth')).toBe(3);
    expect(metricValue(text, 'notiflux_queue_active')).toBe(1);
    expect(metricValue(text, 'notiflux_queue_delayed')).toBe(2);
    expect(metricValue(text, 'notiflux_queue_dead')).toBe(4);
    // A registry per server: the process-wide default registry is left alone.
    expect(text).not.toContain('process_cpu');
  });

  it('adds the process metrics when asked', async () => {
    const { url } = await start(new FakeDispatcher(), { processMetrics: true });
    expect(metricValue(await metrics(url), 'notiflux_process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(
      0,
    );
  });
});

describe('logs', () => {
  it('writes one line per event and per delivery outcome, with no secret in any', async () => {
    const sources = [{ path: '/hub', hmacKey, metadata: { cluster: 'prod-eu' } }];
    const { url, dispatcher, logs } = await start(new FakeDispatcher(), { sources });
    const body = eventJson('deployed', {
      metadata: { 'kustomize.toolkit.fluxcd.io/token': metadataToken, revision: 'main@sha1:1234' },
    });
    expect((await post(`${url}/hub`, body, { 'x-signature': sign(body, hmacKey) })).status).toBe(202);
    expect((await post(`${url}/hub`, body, { 'x-signature': 'sha256=00' })).status).toBe(401);
    const event = dispatcher.calls[0]!.event;
    dispatcher.emit('delivery', {
      id: 'd-1',
      alert: { namespace: 'flux-system', name: 'on-call' },
      provider: { namespace: 'flux-system', name: 'webhook', type: 'generic' },
      state: 'dead',
      attempts: 8,
      durationMs: 15,
      event,
      error: new NotifierError(
        'HTTP_STATUS',
        'generic: 500 Internal Server Error from https://hooks.example/***',
      ),
    });

    const lines = logs.lines();
    expect(lines.find((line) => line.result === 'accepted')).toMatchObject({
      level: 30,
      path: '/hub',
      object: { kind: 'Kustomization', namespace: 'apps', name: 'webapp' },
      deliveries: 1,
      queued: 1,
      msg: 'event accepted',
    });
    expect(lines.find((line) => line.result === 'unauthorized')).toMatchObject({ level: 40, path: '/hub' });
    expect(lines.find((line) => line.state === 'dead')).toMatchObject({
      level: 50,
      provider: { type: 'generic', name: 'webhook', namespace: 'flux-system' },
      alert: { namespace: 'flux-system', name: 'on-call' },
      attempts: 8,
      durationMs: 15,
      error: {
        code: 'HTTP_STATUS',
        message: 'generic: 500 Internal Server Error from https://hooks.example/***',
      },
    });
    const all = logs.text.join('');
    expect(all).not.toContain(hmacKey);
    expect(all).not.toContain(metadataToken);
    expect(all).not.toContain('main@sha1:1234');
  });
});

describe('close', () => {
  it('answers 503 on /readyz and to new events while requests in flight finish, then closes', async () => {
    const dispatcher = new FakeDispatcher();
    let release!: () => void;
    dispatcher.hold = new Promise((resolve) => {
      release = resolve;
    });
    const { server, url, port } = await start(dispatcher);
    const inFlight = post(url, eventJson('in flight'));
    await expect.poll(() => dispatcher.calls.length).toBe(1);

    // Two connections already sending a request when close begins: they still get an answer.
    const started = () =>
      new Promise<net.Socket>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          resolve(socket);
        });
      });
    const probe = await started();
    const event = await started();
    probe.write('GET /readyz HTTP/1.1\r\nHost: x\r\n');
    const body = eventJson('too late');
    event.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 50));

    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });
    const answer = (socket: net.Socket, rest: string) =>
      new Promise<string>((resolve) => {
        const chunks: Buffer[] = [];
        socket.on('data', (chunk) => chunks.push(chunk));
        socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
        socket.write(rest);
      });
    const [probeAnswer, eventAnswer] = await Promise.all([
      answer(probe, '\r\n'),
      answer(event, `\r\n${body}`),
    ]);
    expect(statusCodes(probeAnswer)).toEqual([503]);
    expect(statusCodes(eventAnswer)).toEqual([503]);
    expect(closed).toBe(false);

    release();
    expect((await inFlight).status).toBe(202);
    await closing;
    expect(dispatcher.calls.map((call) => call.event.message)).toEqual(['in flight']);
    // The server does not own the dispatcher unless told, and stops listening to it.
    expect(dispatcher.closed).toBe(false);
    expect(dispatcher.listenerCount('delivery')).toBe(0);
    await expect(request(url)).rejects.toThrow();
  });

  it('ends the connection of an answer that was waiting to be written when close began', async () => {
    const dispatcher = new FakeDispatcher();
    let release!: () => void;
    dispatcher.hold = new Promise((resolve) => {
      release = resolve;
    });
    // A close deadline longer than the exchange's own timeout: only the answer can end it.
    const { server, port } = await start(dispatcher, { closeTimeoutMs: 60_000 });
    const body = eventJson('answered while closing');
    const exchange = rawExchange(port, (socket) => {
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
    await expect.poll(() => dispatcher.calls.length).toBe(1);
    // The answer is ready once the microtasks after `release` have run, and its write waits for
    // the check phase. This immediate, queued before that write's, begins close first.
    setImmediate(() => void server.close());
    release();
    const raw = await exchange;
    expect(statusCodes(raw)).toEqual([202]);
    expect(raw).toMatch(/\r\nConnection: close\r\n/i);
    // The shared header list of a 202 is merged with the Connection header, not replaced by it.
    expect(raw).toMatch(/\r\nX-RateLimit-Reset: Mon, 02 Jan 2006 15:04:05 UTC\r\n/);
    expect(raw).toMatch(/\r\nContent-Length: 0\r\n/i);
  });

  it('closes the dispatcher with closeDispatcher', async () => {
    const { server, dispatcher } = await start(new FakeDispatcher(), { closeDispatcher: true });
    expect(dispatcher.listenerCount('delivery')).toBe(1);
    await server.close();
    await server.close();
    expect(dispatcher.closed).toBe(true);
  });
});

describe('end to end with the real dispatcher and memory queue', () => {
  /** 2026-01-02 15:04:05.500 UTC: the rate-limit window opens here, the next one 5 minutes later. */
  const now = Date.UTC(2026, 0, 2, 15, 4, 5, 500);

  async function hub(respond: ScriptedResponse = {}) {
    const receiver = await startRecordingServer({ defaultResponse: respond });
    const dispatcher = createDispatcher(
      manifests({
        providers: [
          provider('webhook', {
            type: 'generic',
            address: `${receiver.url}/hook`,
            secretRef: { name: 'webhook' },
          }),
        ],
        alerts: [
          alert('on-call', {
            providerRef: { name: 'webhook' },
            eventSources: [{ kind: 'Kustomization', name: '*', namespace: 'apps' }],
          }),
        ],
        secrets: [secret('webhook', { headers: 'Authorization: Bearer provider-token-never-seen' })],
      }),
      { clock: () => now },
    );
    const started = await start(dispatcher, {
      sources: [{ path: '/clusters/prod-eu', hmacKey, metadata: { cluster: 'prod-eu' } }],
    });
    const reports: DeliveryReport[] = [];
    dispatcher.on('delivery', (report) => reports.push(report));
    const send = (event: unknown, pool?: Pool) => {
      const body = JSON.stringify(event);
      return post(`${started.url}/clusters/prod-eu`, body, { 'x-signature': sign(body, hmacKey) }, pool);
    };
    return { ...started, dispatcher, receiver, reports, send };
  }

  it('delivers a signed event with the source metadata, and answers its duplicate 429 with the window', async () => {
    const { url, dispatcher, receiver, send, logs } = await hub();
    try {
      const accepted = await send(rawErrorEvent);
      expect(accepted.status).toBe(202);
      expect(accepted.headers['x-ratelimit-limit']).toBe('1');
      expect(accepted.headers['x-ratelimit-reset']).toBe('Fri, 02 Jan 2026 15:09:05 UTC');

      const duplicate = await send(rawErrorEvent);
      expect(duplicate.status).toBe(429);
      expect(duplicate.text).toBe('Too Many Requests\n');
      expect(duplicate.headers['x-ratelimit-remaining']).toBe('0');
      expect(duplicate.headers['retry-after']).toBe('Fri, 02 Jan 2026 15:09:05 UTC');

      await dispatcher.drain();
      expect(receiver.requests).toHaveLength(1);
      const delivered = JSON.parse(receiver.requests[0]!.body);
      expect(delivered.involvedObject.name).toBe('webapp');
      expect(delivered.metadata.cluster).toBe('prod-eu');

      const text = await metrics(url);
      expect(metricValue(text, 'notiflux_events_received_total', { result: 'accepted' })).toBe(1);
      expect(metricValue(text, 'notiflux_events_received_total', { result: 'suppressed' })).toBe(1);
      expect(
        metricValue(text, 'notiflux_deliveries_total', { provider_type: 'generic', outcome: 'delivered' }),
      ).toBe(1);
      expect(
        metricValue(text, 'notiflux_delivery_duration_seconds_count', {
          provider_type: 'generic',
          outcome: 'delivered',
        }),
      ).toBe(1);
      expect(metricValue(text, 'notiflux_queue_depth')).toBe(0);
      expect(metricValue(text, 'notiflux_queue_dead')).toBe(0);

      expect(logs.lines().find((line) => line.state === 'delivered')).toMatchObject({
        provider: { type: 'generic', name: 'webhook', namespace: 'flux-system' },
        alert: { namespace: 'flux-system', name: 'on-call' },
        attempts: 1,
      });
      const all = logs.text.join('');
      for (const secretValue of [hmacKey, '2d3c1a7e', 'provider-token-never-seen', 'main@sha1:731f7ead']) {
        expect(all).not.toContain(secretValue);
      }
    } finally {
      await dispatcher.close();
      await receiver.close();
    }
  });

  it('refuses an invalid event with the field named, and reports a dead delivery in metrics and logs', async () => {
    const { url, dispatcher, receiver, send, logs, reports } = await hub({
      status: 400,
      body: 'bad request',
    });
    try {
      const invalid = await send({ ...rawErrorEvent, severity: 'fatal' });
      expect(invalid.status).toBe(400);
      expect(JSON.parse(invalid.text).error).toMatch(/^invalid event: severity/);

      expect((await send(rawErrorEvent)).status).toBe(202);
      await dispatcher.drain();
      expect(reports.map((report) => report.state)).toEqual(['dead']);
      const text = await metrics(url);
      expect(metricValue(text, 'notiflux_events_received_total', { result: 'invalid' })).toBe(1);
      expect(
        metricValue(text, 'notiflux_deliveries_total', { provider_type: 'generic', outcome: 'dead' }),
      ).toBe(1);
      expect(metricValue(text, 'notiflux_queue_dead')).toBe(1);
      expect(logs.lines().find((line) => line.state === 'dead')).toMatchObject({
        level: 50,
        error: { code: 'HTTP_STATUS' },
      });
      expect(logs.text.join('')).not.toContain('provider-token-never-seen');
    } finally {
      await dispatcher.close();
      await receiver.close();
    }
  });

  it('takes 1,000 concurrent posts: 500 new events 202 and delivered once each, 500 repeats 429', async () => {
    const { url, dispatcher, receiver, send } = await hub();
    const pool = new Pool(url, { connections: 50, pipelining: 4 });
    try {
      const answers = await Promise.all(
        Array.from({ length: 1000 }, (_, index) =>
          send({ ...rawErrorEvent, message: `event ${index % 500}` }, pool),
        ),
      );
      expect(answers.filter((answer) => answer.status === 202)).toHaveLength(500);
      expect(answers.filter((answer) => answer.status === 429)).toHaveLength(500);
      await dispatcher.drain();
      expect(receiver.requests).toHaveLength(500);
      expect(new Set(receiver.requests.map((request) => JSON.parse(request.body).message)).size).toBe(500);
    } finally {
      await pool.close();
      await dispatcher.close();
      await receiver.close();
    }
  }, 60_000);
});
