// The provider contract: every HTTP provider row of test/support/provider-contract-table.ts goes
// through every clause below against a local recording server. The per-provider test files keep
// their wire-format cases; what every provider must do alike is asserted here, once.
import type { AttemptInfo, CreateOptions, EncodedMessage } from '@notiflux/core';
import { providerTypes } from '@notiflux/providers';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxy } from '../support/auth-proxy.js';
import { exposedText } from '../support/exposed-text.js';
import {
  type ContractClause,
  type ContractRow,
  contractRows,
  notOnHttpTransport,
} from '../support/provider-contract-table.js';
import { useProviderHarness } from '../support/provider-harness.js';
import type {
  RecordedRequest,
  RecordingServerOptions,
  ScriptedResponse,
} from '../support/recording-server.js';
import { rejection } from '../support/rejection.js';
import { createTestPki } from '../support/test-certificates.js';

const { receiver, notifier } = useProviderHarness();

// Dispatchers a row's options created (a fixed API host moved to the local server).
const dispatchers: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const dispatcher of dispatchers.splice(0)) await dispatcher.close();
});

/** Short back-off: the clauses never wait for real. */
const fastRetry = { retries: 2, minDelayMs: 1, maxDelayMs: 5 };

const isDelivery = (row: ContractRow) => (request: RecordedRequest) =>
  row.calls.at(-1)?.test(`${request.method} ${request.path}`) ?? false;

interface Setup {
  /** Answers for the delivery, in order, before the row's own answer takes over. */
  deliveryFaults?: ScriptedResponse[];
  /** An answer for every request, instead of the row's. */
  everyRequest?: ScriptedResponse;
  server?: RecordingServerOptions;
  spec?: Record<string, unknown>;
  onAttempt?: (info: AttemptInfo) => void;
}

async function start(row: ContractRow, setup: Setup = {}) {
  const server = await receiver(setup.server);
  const faults = [...(setup.deliveryFaults ?? [])];
  server.respondWith((request) => {
    if (setup.everyRequest) return setup.everyRequest;
    return (isDelivery(row)(request) ? faults.shift() : undefined) ?? row.answer(request);
  });
  const options: CreateOptions = { ...row.options?.(server.url) };
  if (options.dispatcher) dispatchers.push(options.dispatcher);
  if (setup.onAttempt) options.onAttempt = setup.onAttempt;
  const created = notifier(
    { type: row.type, ...row.spec(server.url), retry: fastRetry, ...setup.spec } as Parameters<
      typeof notifier
    >[0],
    options,
  );
  return {
    server,
    created,
    calls: () => server.requests.map((request) => `${request.method} ${request.path}`),
    deliveries: () => server.requests.filter(isDelivery(row)),
  };
}

function expectCalls(row: ContractRow, calls: string[]) {
  expect(calls).toHaveLength(row.calls.length);
  for (const [index, pattern] of row.calls.entries()) expect(calls[index]).toMatch(pattern);
}

/** The rows that take part in `clause`, each with its name first for the test titles. */
const rowsFor = (clause?: ContractClause) =>
  contractRows
    .filter((row) => clause === undefined || !row.outOfScope?.[clause])
    .map((row) => [row.name, row] as const);

describe('the contract table', () => {
  it('has a row for every provider type, or says why the type is not on the HTTP transport', () => {
    const inTable = new Set(contractRows.map((row) => row.type));
    for (const type of providerTypes) {
      expect(inTable.has(type) || notOnHttpTransport[type] !== undefined, `${type} has no row`).toBe(true);
    }
  });

  it('gives a reason for every clause a row leaves out', () => {
    for (const row of contractRows) {
      for (const reason of Object.values(row.outOfScope ?? {})) expect(reason.length).toBeGreaterThan(20);
    }
  });
});

describe.each(rowsFor())('%s: the calls of a post', (_name, row) => {
  it('makes the calls the table lists, the credential where the table says', async () => {
    const { created, calls, deliveries } = await start(row);
    await created.post(row.event);
    expectCalls(row, calls());
    const [delivery] = deliveries();
    for (const [name, value] of Object.entries(row.ownHeaders)) expect(delivery?.headers[name]).toBe(value);
  });
});

describe.each(rowsFor('customHeaders'))('%s: custom headers', (_name, row) => {
  it('are sent, but never replace its own auth or content type', async () => {
    // Header names ignore case: one intruder per name.
    const names = new Set(['authorization', 'content-type', ...Object.keys(row.ownHeaders)]);
    const intruders = Object.fromEntries([...names].map((name) => [name, 'intruder']));
    const { created, deliveries } = await start(row, {
      spec: { headers: { ...intruders, 'X-Contract': 'kept' } },
    });
    await created.post(row.event);
    const [delivery] = deliveries();
    expect(delivery?.headers['x-contract']).toBe(row.sendsCustomHeaders ? 'kept' : undefined);
    for (const [name, value] of Object.entries(row.ownHeaders)) expect(delivery?.headers[name]).toBe(value);
  });
});

describe.each(rowsFor('retries'))('%s: retries', (_name, row) => {
  it('retries 429 and 5xx, then succeeds, reporting each attempt', async () => {
    const attempts: AttemptInfo[] = [];
    const { created, deliveries } = await start(row, {
      deliveryFaults: [{ status: 429, headers: { 'retry-after': '0' } }, { status: 503 }],
      onAttempt: (info) => attempts.push(info),
    });
    await created.post(row.event);
    expect(deliveries()).toHaveLength(3);
    expect(attempts.map((info) => info.status)).toEqual(expect.arrayContaining([429, 503]));
  });
});

describe.each(rowsFor('noRetryOn4xx'))('%s: a 4xx', (_name, row) => {
  it(`fails at once with ${row.clientError.code}`, async () => {
    const { created, deliveries } = await start(row, { deliveryFaults: [row.clientError.answer] });
    const error = await rejection(created.post(row.event));
    expect(error).toMatchObject({ code: row.clientError.code, providerType: row.type, retryable: false });
    expect(deliveries()).toHaveLength(1);
  });
});

describe.each(rowsFor('timeout'))('%s: timeout', (_name, row) => {
  it('bounds the post with the spec timeout (TIMEOUT)', async () => {
    const { created } = await start(row, {
      everyRequest: { status: 200, delayMs: 10_000 },
      spec: { timeout: '50ms' },
    });
    const error = await rejection(created.post(row.event));
    expect(error).toMatchObject({ code: 'TIMEOUT', providerType: row.type });
  });
});

describe.each(rowsFor('proxy'))('%s: proxy', (_name, row) => {
  it('sends every call through the spec proxy, with its credentials', async () => {
    const proxy = await startProxy({ username: 'proxy-user', password: 'proxy-pass' });
    try {
      const { server, created, calls } = await start(row, {
        spec: { proxy: proxy.url.replace('://', '://proxy-user:proxy-pass@') },
      });
      await created.post(row.event);
      expectCalls(row, calls());
      expect(proxy.forwardedRequests.length + proxy.connectRequests.length).toBeGreaterThan(0);
      for (const target of [...proxy.forwardedRequests, ...proxy.connectRequests]) {
        expect(target).toContain(`127.0.0.1:${server.port}`);
      }
      expect(proxy.authHeaders).toContain(`Basic ${Buffer.from('proxy-user:proxy-pass').toString('base64')}`);
    } finally {
      await proxy.close();
    }
  });
});

describe.each(rowsFor('customCa'))('%s: custom CA', (_name, row) => {
  it('trusts the CA given in tls.ca, and no other', async () => {
    const pki = await createTestPki();
    const trusting = await start(row, { server: { tls: pki.server }, spec: { tls: { ca: pki.ca.cert } } });
    await trusting.created.post(row.event);
    expectCalls(row, trusting.calls());

    const untrusting = await start(row, { server: { tls: pki.server } });
    const error = await rejection(untrusting.created.post(row.event));
    expect(error).toMatchObject({ code: 'NETWORK', retryable: false });
    expect(untrusting.server.requests).toHaveLength(0);
  });
});

describe.each(rowsFor('secrets'))('%s: secrets', (_name, row) => {
  it('never show in errors, their causes, onAttempt reports or encode, even when the service echoes them', async () => {
    // The service repeats everything it got: header values, path, body.
    const echo = (request: RecordedRequest) =>
      `you sent ${Object.values(request.headers).join(' ')} ${request.path} ${request.body}`;
    const attempts: string[] = [];
    const { server, created } = await start(row, {
      onAttempt: (info) => attempts.push(JSON.stringify(info), exposedText(info.error)),
    });
    server.respondWith((request) => {
      if (!isDelivery(row)(request)) return row.answer(request);
      // A retried 5xx first, then a 401 that ends the post.
      const deliveriesSoFar = server.requests.filter(isDelivery(row)).length;
      return { status: deliveriesSoFar === 1 ? 503 : 401, body: echo(request) };
    });
    const error = await rejection(created.post(row.event));
    expect(attempts.length).toBeGreaterThan(1);
    const shown = [exposedText(error), ...attempts, JSON.stringify(await created.encode(row.event))].join(
      '\n',
    );
    for (const secret of row.secrets) expect(shown).not.toContain(secret);
  });
});

/** `text` with every credential of the row replaced, as encode shows it. */
function redacted(row: ContractRow, text: string): string {
  return row.secrets.reduce((shown, secret) => shown.replaceAll(secret, '<redacted>'), text);
}

/** The URL encode shows for a request the server received. */
function shownUrl(row: ContractRow, serverUrl: string, request: RecordedRequest): string {
  const origin = row.apiOrigin ?? serverUrl;
  return row.encodeHidesPath ? `${origin}/<redacted>` : redacted(row, `${origin}${request.path}`);
}

// An SDK may add a charset parameter to the content type it sends: the media type is what must match.
const headerValue = (name: string, value: string | undefined) =>
  name.toLowerCase() === 'content-type' ? value?.split(';')[0]?.trim() : value;

describe.each(rowsFor('encodeEqualsPost'))('%s: encode', (_name, row) => {
  it('shows what post sends: method, URL, headers and body of each write', async () => {
    const { server, created, deliveries } = await start(row);
    const encoded = await created.encode(row.event);
    await created.post(row.event);
    const sent = deliveries();
    expect(encoded).toHaveLength(sent.length);
    encoded.forEach((message: EncodedMessage, index) => {
      const request = sent[index];
      if (message.transport !== 'http' || !request)
        throw new Error(`expected an http message, got ${message.transport}`);
      expect(message.method).toBe(request.method);
      expect(message.url).toBe(shownUrl(row, server.url, request));
      expect(message.body).toBe(redacted(row, request.body));
      for (const [name, value] of Object.entries(message.headers)) {
        const onWire = request.headers[name.toLowerCase()];
        if (value.includes('<redacted>')) expect(onWire, name).toBeDefined();
        else expect(headerValue(name, onWire), name).toBe(headerValue(name, value));
      }
    });
  });
});
