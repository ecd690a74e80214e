import { Deadline, Redactor } from '@notiflux/core';
import { type Event, NotifierError } from '@notiflux/providers';
import sentryProvider, {
  encodeSentryErrorEvent,
  encodeSentryItem,
  encodeSentryTransaction,
  parseSentryDsn,
} from '@notiflux/providers/sentry';
import { getClient, SDK_VERSION } from '@sentry/node';
import { Agent, MockAgent } from 'undici';
import { describe, expect, it, vi } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import type { RecordedRequest } from '../support/recording-server.js';
import { sampleEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();
const providers = [sentryProvider];
const PUBLIC_KEY = 'f00dfeed1234publickey';

const infoEvent: Event = {
  ...sampleEvent,
  severity: 'info',
  reason: 'ReconciliationSucceeded',
  message: 'Reconciliation finished in 2.5s, next run in 10m0s',
};
const sampleSeconds = Date.parse('2022-10-28T07:26:19Z') / 1000;
const sampleTags = {
  flux_involved_object_kind: 'Kustomization',
  flux_involved_object_name: 'webapp',
  flux_involved_object_namespace: 'apps',
  flux_reason: 'ReconciliationSucceeded',
  flux_reporting_controller: 'kustomize-controller',
  flux_reporting_instance: 'kustomize-controller-7c7b47f5f-8bhrp',
  revision: 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1',
  summary: 'Cluster: prod-eu',
};

/** An envelope as sent: header line, item header line, item payload (newline-delimited JSON). */
function decodeEnvelope(request: RecordedRequest) {
  const [header, itemHeader, payload] = request.body.split('\n');
  return {
    header: JSON.parse(header ?? '') as Record<string, unknown>,
    itemHeader: JSON.parse(itemHeader ?? '') as Record<string, unknown>,
    payload: JSON.parse(payload ?? '') as Record<string, unknown>,
  };
}

async function sentryServer() {
  const server = await receiver();
  const dsn = `http://${PUBLIC_KEY}@127.0.0.1:${server.port}/42`;
  return { server, dsn };
}

describe('sentry: wire format', () => {
  it('sends an error event as an envelope to /api/<project>/envelope/', async () => {
    const { server, dsn } = await sentryServer();
    await notifier({ type: 'sentry', address: dsn, channel: 'production-eu' }, { providers }).post(
      sampleEvent,
    );
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/api/42/envelope/');
    expect(request?.headers['content-type']).toBe('application/x-sentry-envelope');
    expect(request?.headers['x-sentry-auth']).toBe(
      `Sentry sentry_version=7, sentry_client=sentry.javascript.node/${SDK_VERSION}, sentry_key=${PUBLIC_KEY}`,
    );
    const { header, itemHeader, payload } = decodeEnvelope(request as RecordedRequest);
    expect(itemHeader.type).toBe('event');
    expect(header.event_id).toBe(payload.event_id);
    expect(payload).toMatchObject({
      level: 'error',
      message: 'service/apps/webapp validation error: spec.type: Unsupported value: Ingress',
      timestamp: sampleSeconds,
      server_name: 'kustomize-controller',
      transaction: 'Kustomization: apps/webapp',
      environment: 'production-eu',
      platform: 'node',
    });
    expect((payload.contexts as Record<string, unknown>).metadata).toEqual({
      revision: 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1',
      summary: 'Cluster: prod-eu',
    });
    for (const absent of ['tags', 'extra', 'fingerprint', 'exception', 'breadcrumbs', 'user']) {
      expect(payload[absent]).toBeUndefined();
    }
  });

  it('sends an info event as a transaction with one span', async () => {
    const { server, dsn } = await sentryServer();
    await notifier({ type: 'sentry', address: dsn, channel: 'production-eu' }, { providers }).post(infoEvent);
    const { itemHeader, payload } = decodeEnvelope(server.requests[0] as RecordedRequest);
    expect(itemHeader.type).toBe('transaction');
    expect(payload).toMatchObject({
      type: 'transaction',
      transaction: 'Kustomization: apps/webapp',
      message: 'Reconciliation finished in 2.5s, next run in 10m0s',
      start_timestamp: sampleSeconds,
      timestamp: sampleSeconds,
      environment: 'production-eu',
      tags: sampleTags,
    });
    const trace = (payload.contexts as { trace: Record<string, unknown> }).trace;
    expect(trace).toEqual({
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
      op: 'event',
    });
    expect(payload.spans).toEqual([
      {
        trace_id: trace.trace_id,
        span_id: trace.span_id,
        op: 'event',
        origin: 'manual',
        start_timestamp: sampleSeconds,
        timestamp: sampleSeconds,
        tags: sampleTags,
      },
    ]);
    expect((payload.contexts as Record<string, unknown>).metadata).toBeUndefined();
    expect(payload.extra).toBeUndefined();
  });
});

describe('sentry: formatting', () => {
  it('leaves environment out when the channel is empty (no forced "production")', async () => {
    const { server, dsn } = await sentryServer();
    const sentry = notifier({ type: 'sentry', address: dsn }, { providers });
    await sentry.post(sampleEvent);
    await sentry.post(infoEvent);
    expect(server.requests).toHaveLength(2);
    for (const request of server.requests) {
      const { header, payload } = decodeEnvelope(request);
      expect(payload.environment).toBeUndefined();
      expect(request.body).not.toContain('"production"');
      if (header.trace !== undefined) expect(header.trace).not.toHaveProperty('environment');
    }
    // The transaction's envelope carries the trace header the SDK builds; it must be there to check.
    expect(decodeEnvelope(server.requests[1] as RecordedRequest).header.trace).toMatchObject({
      public_key: PUBLIC_KEY,
    });
  });

  it('sends contexts.metadata {} without metadata, and only the fixed tags on transactions', async () => {
    const { server, dsn } = await sentryServer();
    const sentry = notifier({ type: 'sentry', address: dsn }, { providers });
    const { metadata: _metadata, reportingInstance: _instance, ...bare } = sampleEvent;
    await sentry.post(bare);
    await sentry.post({ ...bare, severity: 'info', reason: '' });
    const [error, transaction] = server.requests.map((request) => decodeEnvelope(request).payload);
    expect(error?.contexts).toMatchObject({ metadata: {} });
    expect(transaction?.tags).toEqual({
      flux_involved_object_kind: 'Kustomization',
      flux_involved_object_name: 'webapp',
      flux_involved_object_namespace: 'apps',
      flux_reason: '',
      flux_reporting_controller: 'kustomize-controller',
      flux_reporting_instance: '',
    });
  });

  it('carries multi-line, unicode and markup text unchanged, and many metadata keys sorted', async () => {
    const { server, dsn } = await sentryServer();
    const metadata = Object.fromEntries(
      Array.from({ length: 40 }, (_, index) => [`key-${String(39 - index).padStart(2, '0')}`, `v${index}`]),
    );
    const message = 'línea 1 ✓ 🚀\n<b>*bold*</b> & `code` "quoted"\n\ttabbed';
    await notifier({ type: 'sentry', address: dsn }, { providers }).post({
      ...sampleEvent,
      message,
      metadata,
    });
    const { payload } = decodeEnvelope(server.requests[0] as RecordedRequest);
    expect(payload.message).toBe(message);
    const sent = (payload.contexts as { metadata: Record<string, string> }).metadata;
    expect(sent).toEqual(metadata);
    expect(Object.keys(sent)).toEqual(Object.keys(metadata).sort());
  });

  it('lets a metadata key overwrite a fixed transaction tag', async () => {
    const { server, dsn } = await sentryServer();
    await notifier({ type: 'sentry', address: dsn }, { providers }).post({
      ...infoEvent,
      metadata: { flux_reason: 'from metadata' },
    });
    const { payload } = decodeEnvelope(server.requests[0] as RecordedRequest);
    expect((payload.tags as Record<string, string>).flux_reason).toBe('from metadata');
  });

  it('maps events as upstream tests pin them', () => {
    const event: Event = {
      involvedObject: { kind: 'GitRepository', namespace: 'flux-system', name: 'test-app' },
      severity: 'info',
      timestamp: '2020-01-01T00:00:00Z',
      message: 'message',
      reason: '',
      metadata: { key1: 'val1', key2: 'val2' },
      reportingController: 'source-controller',
    };
    const seconds = Date.parse('2020-01-01T00:00:00Z') / 1000;
    expect(encodeSentryErrorEvent(event)).toEqual({
      level: 'info',
      message: 'message',
      timestamp: seconds,
      server_name: 'source-controller',
      transaction: 'GitRepository: flux-system/test-app',
      contexts: { metadata: { key1: 'val1', key2: 'val2' } },
    });
    const transaction = encodeSentryTransaction(event, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) });
    expect(transaction).toMatchObject({ type: 'transaction', message: 'message', timestamp: seconds });
    expect(transaction.tags).toEqual({
      flux_involved_object_kind: 'GitRepository',
      flux_involved_object_name: 'test-app',
      flux_involved_object_namespace: 'flux-system',
      flux_reason: '',
      flux_reporting_controller: 'source-controller',
      flux_reporting_instance: '',
      key1: 'val1',
      key2: 'val2',
    });
  });

  it('draws fresh trace and span ids for every transaction', () => {
    const first = encodeSentryItem(infoEvent, {})?.payload.contexts as { trace: { trace_id: string } };
    const second = encodeSentryItem(infoEvent, {})?.payload.contexts as { trace: { trace_id: string } };
    expect(first.trace.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(first.trace.trace_id).not.toBe(second.trace.trace_id);
  });
});

describe('sentry: skipped events', () => {
  it('sends nothing for trace events and encodes nothing', async () => {
    const { server, dsn } = await sentryServer();
    const sentry = notifier({ type: 'sentry', address: dsn }, { providers });
    await sentry.post({ ...sampleEvent, severity: 'trace' });
    expect(server.requests).toHaveLength(0);
    expect(await sentry.encode({ ...sampleEvent, severity: 'trace' })).toEqual([]);
  });

  it('does not filter reasons: a Progressing info event becomes a transaction', async () => {
    const { server, dsn } = await sentryServer();
    await notifier({ type: 'sentry', address: dsn }, { providers }).post({
      ...infoEvent,
      reason: 'Progressing',
    });
    expect(decodeEnvelope(server.requests[0] as RecordedRequest).itemHeader.type).toBe('transaction');
  });
});

describe('sentry: validation', () => {
  const invalid = (address: string | undefined) => {
    try {
      notifier({ type: 'sentry', ...(address === undefined ? {} : { address }) }, { providers });
    } catch (error) {
      expect(error).toBeInstanceOf(NotifierError);
      expect((error as NotifierError).code).toBe('INVALID_SPEC');
      expect((error as NotifierError).message).not.toContain(PUBLIC_KEY);
      return (error as NotifierError).message;
    }
    throw new Error('expected INVALID_SPEC');
  };

  it('refuses an empty DSN with the upstream text', () => {
    expect(invalid(undefined)).toMatch(/address: DSN cannot be empty$/);
    expect(invalid('')).toMatch(/address: DSN cannot be empty$/);
    expect(parseSentryDsn('')).toBe('DSN cannot be empty');
  });

  it.each([
    ['not a url', 'invalid url: Invalid URL'],
    [`ftp://${PUBLIC_KEY}@127.0.0.1/42`, 'invalid scheme'],
    ['http://127.0.0.1/42', 'empty username'],
    [`http://${PUBLIC_KEY}@127.0.0.1`, 'empty project id'],
    [`http://${PUBLIC_KEY}@127.0.0.1/`, 'empty project id'],
    [`http://${PUBLIC_KEY}@127.0.0.1/42/`, 'empty project id'],
    [`http://key-with-dash@127.0.0.1/42`, 'invalid public key'],
    [`http://${PUBLIC_KEY}:sec-ret@127.0.0.1/42`, 'invalid secret key'],
    [`http://${PUBLIC_KEY}@127.0.0.1/project`, 'invalid project id'],
  ])('refuses %s: %s', (address, reason) => {
    expect(invalid(address)).toMatch(new RegExp(`address: \\[Sentry\\] DsnParseError: ${reason}$`));
  });

  it('accepts the upstream test DSN, path prefixes and project ids with trailing text', () => {
    expect(() =>
      notifier({ type: 'sentry', address: 'https://test@localhost/1', channel: 'foo' }, { providers }),
    ).not.toThrow();
    expect(parseSentryDsn(`https://${PUBLIC_KEY}:s3cret@127.0.0.1:9000/sentry/42abc`)).toEqual({
      publicKey: PUBLIC_KEY,
      secretKey: 's3cret',
      envelopeUrl: 'https://127.0.0.1:9000/sentry/api/42/envelope/',
      projectId: '42',
    });
  });
});

describe('sentry: delivery failures and redaction', () => {
  it('rejects with HTTP_STATUS after retrying a 5xx, never showing the key', async () => {
    const { server, dsn } = await sentryServer();
    server.respondWith(() => ({ status: 503, body: `echo ${PUBLIC_KEY}` }));
    const attempts: unknown[] = [];
    const sentry = notifier(
      { type: 'sentry', address: dsn, retry: { retries: 2, minDelayMs: 1 } },
      { providers, onAttempt: (info) => attempts.push(info) },
    );
    const error = (await sentry.post(sampleEvent).catch((caught: unknown) => caught)) as NotifierError;
    expect(error).toBeInstanceOf(NotifierError);
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.status).toBe(503);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('sentry: failed to send event to Sentry: HTTP 503');
    expect(server.requests).toHaveLength(3);
    const shown = JSON.stringify([
      error.message,
      String(error.cause),
      (error.cause as Error).message,
      attempts,
    ]);
    expect(shown).not.toContain(PUBLIC_KEY);
    expect(attempts).toHaveLength(3);
    expect(JSON.stringify(attempts)).toContain('/api/42/envelope/');
  });

  it('rejects a 4xx at once, and recovers on the next post', async () => {
    const { server, dsn } = await sentryServer();
    server.respondWith([{ status: 403 }]);
    const sentry = notifier({ type: 'sentry', address: dsn, retry: { minDelayMs: 1 } }, { providers });
    await expect(sentry.post(sampleEvent)).rejects.toMatchObject({ code: 'HTTP_STATUS', status: 403 });
    expect(server.requests).toHaveLength(1);
    await sentry.post(infoEvent);
    expect(server.requests).toHaveLength(2);
  });

  it('rejects with NETWORK when nothing listens', async () => {
    const { server, dsn } = await sentryServer();
    await server.close();
    const error = (await notifier({ type: 'sentry', address: dsn, retry: { retries: 0 } }, { providers })
      .post(sampleEvent)
      .catch((caught: unknown) => caught)) as NotifierError;
    expect(error.code).toBe('NETWORK');
    expect(error.message).not.toContain(PUBLIC_KEY);
  });

  it('encodes the event without the DSN keys', async () => {
    const dsn = `http://${PUBLIC_KEY}:s3cretkey@127.0.0.1:9/42`;
    const sentry = notifier({ type: 'sentry', address: dsn, channel: 'production-eu' }, { providers });
    const encoded = await sentry.encode(sampleEvent);
    expect(encoded).toEqual([
      {
        transport: 'sentry',
        dsn: 'http://127.0.0.1:9/42',
        body: JSON.stringify({
          level: 'error',
          message: sampleEvent.message,
          timestamp: sampleSeconds,
          server_name: 'kustomize-controller',
          transaction: 'Kustomization: apps/webapp',
          contexts: {
            metadata: {
              revision: 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1',
              summary: 'Cluster: prod-eu',
            },
          },
          environment: 'production-eu',
        }),
      },
    ]);
    const [infoMessage] = await sentry.encode(infoEvent);
    const info = JSON.stringify(infoMessage);
    expect(JSON.parse(infoMessage?.body ?? '')).toMatchObject({ type: 'transaction', tags: sampleTags });
    for (const secret of [PUBLIC_KEY, 's3cretkey']) {
      expect(JSON.stringify(encoded)).not.toContain(secret);
      expect(info).not.toContain(secret);
    }
  });
});

describe('sentry: isolation from the host application', () => {
  it('loads the SDK only at the first post, and never sets a global client', async () => {
    const { server, dsn } = await sentryServer();
    const connect = vi.fn(sentryProvider.connect);
    const sentry = notifier(
      { type: 'sentry', address: dsn },
      { providers: [{ ...sentryProvider, connect }] },
    );
    await sentry.encode(sampleEvent);
    expect(connect).not.toHaveBeenCalled();
    await sentry.post(sampleEvent);
    await sentry.post(infoEvent);
    expect(connect).toHaveBeenCalledTimes(1);
    expect(getClient()).toBeUndefined();
    expect(server.requests).toHaveLength(2);
    await sentry.close();
    expect(getClient()).toBeUndefined();
    // A later post opens a new client.
    await sentry.post(sampleEvent);
    expect(connect).toHaveBeenCalledTimes(2);
    expect(server.requests).toHaveLength(3);
  });

  it('removes its process listeners on close', async () => {
    const { dsn } = await sentryServer();
    const before = process.listenerCount('beforeExit');
    const sentry = notifier({ type: 'sentry', address: dsn }, { providers });
    await sentry.post(sampleEvent);
    expect(process.listenerCount('beforeExit')).toBeGreaterThan(before);
    await sentry.close();
    expect(process.listenerCount('beforeExit')).toBe(before);
  });

  it('imports @sentry/node only lazily (no static import in the module)', async () => {
    const { readFile } = await import('node:fs/promises');
    const source = await readFile(
      new URL('../../packages/providers/src/providers/sentry.ts', import.meta.url),
      'utf8',
    );
    expect(source).not.toMatch(/^import (?!type )[^;]*from '@sentry\/node'/m);
    expect(source).toContain("import('@sentry/node')");
  });

  it('keeps the host global scope (tags, extra, user) out of its events', async () => {
    const { getGlobalScope } = await import('@sentry/node');
    const { server, dsn } = await sentryServer();
    getGlobalScope().setTag('host_tag', 'leak').setExtra('host_extra', 'leak').setUser({ id: 'host-user' });
    try {
      const sentry = notifier({ type: 'sentry', address: dsn }, { providers });
      await sentry.post(sampleEvent);
      await sentry.post(infoEvent);
    } finally {
      getGlobalScope().setTags({ host_tag: undefined }).setExtras({ host_extra: undefined }).setUser(null);
    }
    for (const request of server.requests) expect(request.body).not.toContain('leak');
    expect(server.requests).toHaveLength(2);
  });
});

describe('sentry: transport options', () => {
  it("goes through the caller's dispatcher (MockAgent)", async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const bodies: string[] = [];
    agent
      .get('http://127.0.0.1:9')
      .intercept({ path: '/api/42/envelope/', method: 'POST' })
      .reply(200, (options) => {
        bodies.push(String(options.body));
        return '{}';
      });
    try {
      await notifier(
        { type: 'sentry', address: `http://${PUBLIC_KEY}@127.0.0.1:9/42` },
        { providers, dispatcher: agent },
      ).post(sampleEvent);
      expect(bodies).toHaveLength(1);
      expect(bodies[0]).toContain('"transaction":"Kustomization: apps/webapp"');
    } finally {
      await agent.close();
    }
  });
});

describe('sentry: connection used directly', () => {
  it('delivers encoded messages once through the given dispatcher, rejecting a failure', async () => {
    const { server, dsn } = await sentryServer();
    const spec = { address: dsn, channel: 'production-eu' };
    const agent = new Agent();
    const deadline = new Deadline(5000);
    const connection = await sentryProvider.connect?.(spec as never, {
      sdk: () => import('@sentry/node'),
      peer: () => Promise.reject(new Error('sentry needs no other peer')),
      redactor: new Redactor([]),
      deadline,
      dispatcher: async () => agent,
      onAttempt: undefined,
    });
    try {
      const [message] = await sentryProvider.encode(sampleEvent, spec as never);
      if (!connection || !message) throw new Error('expected a connection and a message');
      await connection.deliver(message, deadline);
      expect(decodeEnvelope(server.requests[0] as RecordedRequest).payload).toMatchObject({
        level: 'error',
        environment: 'production-eu',
      });
      server.respondWith(() => ({ status: 500 }));
      await expect(connection.deliver(message, deadline)).rejects.toMatchObject({
        code: 'HTTP_STATUS',
        status: 500,
      });
      expect(server.requests).toHaveLength(2);
    } finally {
      await connection?.close();
      deadline.dispose();
      await agent.close();
    }
  });
});

describe('sentry: hardening', () => {
  it('encodes the event or the transaction JSON itself as the body (item 20)', async () => {
    const sentry = notifier(
      { type: 'sentry', address: `http://${PUBLIC_KEY}@127.0.0.1:9/42` },
      { providers },
    );
    const [error] = await sentry.encode(sampleEvent);
    expect(JSON.parse(error?.body ?? '')).toEqual(encodeSentryErrorEvent(sampleEvent));
    const [info] = await sentry.encode(infoEvent);
    expect(JSON.parse(info?.body ?? '')).toMatchObject({ type: 'transaction', tags: sampleTags });
  });

  it("uses one trace id in the envelope header and the transaction's trace context (item 21)", async () => {
    const { server, dsn } = await sentryServer();
    await notifier({ type: 'sentry', address: dsn }, { providers }).post(infoEvent);
    const { header, payload } = decodeEnvelope(server.requests[0] as RecordedRequest);
    const { trace_id: traceId } = (payload.contexts as { trace: { trace_id: string } }).trace;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect((header.trace as { trace_id?: string }).trace_id).toBe(traceId);
  });
});
