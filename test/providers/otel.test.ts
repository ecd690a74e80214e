import type { Event } from '@notiflux/providers';
import { createNotifier, createNotifierFromAnySpec, NotifierError } from '@notiflux/providers';
import otelDefault, {
  encodeOtlpTraceProtobuf,
  encodeOtlpTraceRequest,
  OTEL_SCHEMA_URL,
  OTEL_SCOPE_NAME,
  otelAuthorization,
  otelEndpointUrl,
  otelProvider,
  otelRevision,
  otelTraceId,
} from '@notiflux/providers/otel';
import { describe, expect, it } from 'vitest';
import { startProxy } from '../support/auth-proxy.js';
import { useProviderHarness } from '../support/provider-harness.js';
import type { RecordedRequest } from '../support/recording-server.js';
import { sampleEvent, upstreamTestEvent } from '../support/sample-events.js';
import { createTestPki } from '../support/test-certificates.js';

const { receiver, notifier } = useProviderHarness();
const providers = [otelProvider];

/** The Alert identity the span carries (upstream reads it from the Alert). */
const alert = { namespace: 'apps', name: 'webapp-alerts', uid: 'c1d2e3f4-a5b6-4c7d-8e9f-a0b1c2d3e4f5' };
const token = 'otel-fake-token-9f8e7d6c5b4a';
const sampleTraceId = '9a273790f1389b60dec9309c15c2f8f5';
const sampleStartNano = '1666941979000000000';

// ---- A protobuf decoder written from the wire format and the opentelemetry-proto field numbers,
// independent of the provider's encoder, so the receiver checks what actually arrived. ----

interface WireField {
  field: number;
  wireType: number;
  /** varint, fixed32 and fixed64 as bigint; length-delimited as bytes. */
  value: bigint | Buffer;
}

function decodeWire(bytes: Buffer): WireField[] {
  const fields: WireField[] = [];
  let offset = 0;
  const readVarint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = bytes[offset++];
      if (byte === undefined) throw new Error('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
      shift += 7n;
    }
  };
  while (offset < bytes.length) {
    const tag = readVarint();
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (wireType === 0) fields.push({ field, wireType, value: readVarint() });
    else if (wireType === 1) {
      fields.push({ field, wireType, value: bytes.readBigUInt64LE(offset) });
      offset += 8;
    } else if (wireType === 5) {
      fields.push({ field, wireType, value: BigInt(bytes.readUInt32LE(offset)) });
      offset += 4;
    } else if (wireType === 2) {
      const length = Number(readVarint());
      if (offset + length > bytes.length) throw new Error('truncated field');
      fields.push({ field, wireType, value: bytes.subarray(offset, offset + length) });
      offset += length;
    } else throw new Error(`unexpected wire type ${wireType}`);
  }
  return fields;
}

/** Every field of a message, as a map from field number to its occurrences; fails on unexpected ones. */
function fieldsOf(bytes: Buffer, expected: Record<number, number>): Map<number, WireField[]> {
  const byNumber = new Map<number, WireField[]>();
  for (const field of decodeWire(bytes)) {
    if (expected[field.field] !== field.wireType) {
      throw new Error(`unexpected field ${field.field} (wire type ${field.wireType})`);
    }
    byNumber.set(field.field, [...(byNumber.get(field.field) ?? []), field]);
  }
  return byNumber;
}

const bytesOf = (field: WireField | undefined) => (field ? (field.value as Buffer) : Buffer.alloc(0));
const stringOf = (field: WireField | undefined) => bytesOf(field).toString('utf8');
const numberOf = (field: WireField | undefined) => (field ? (field.value as bigint) : 0n);

function decodeKeyValue(bytes: Buffer) {
  const fields = fieldsOf(bytes, { 1: 2, 2: 2 });
  const value = fieldsOf(bytesOf(fields.get(2)?.[0]), { 1: 2 });
  // A string attribute must carry string_value even when empty (it is a oneof member).
  expect(value.get(1)).toHaveLength(1);
  return { key: stringOf(fields.get(1)?.[0]), value: { stringValue: stringOf(value.get(1)?.[0]) } };
}

/** An ExportTraceServiceRequest in OTLP/JSON notation (ids in hex, 64-bit values as strings). */
function decodeExportTraceRequest(bytes: Buffer) {
  const request = fieldsOf(bytes, { 1: 2 });
  return {
    resourceSpans: (request.get(1) ?? []).map((resourceSpansField) => {
      const resourceSpans = fieldsOf(bytesOf(resourceSpansField), { 1: 2, 2: 2, 3: 2 });
      const resource = fieldsOf(bytesOf(resourceSpans.get(1)?.[0]), { 1: 2, 2: 0 });
      return {
        resource: { attributes: (resource.get(1) ?? []).map((field) => decodeKeyValue(bytesOf(field))) },
        schemaUrl: stringOf(resourceSpans.get(3)?.[0]),
        scopeSpans: (resourceSpans.get(2) ?? []).map((scopeSpansField) => {
          const scopeSpans = fieldsOf(bytesOf(scopeSpansField), { 1: 2, 2: 2, 3: 2 });
          const scope = fieldsOf(bytesOf(scopeSpans.get(1)?.[0]), { 1: 2, 2: 2, 3: 2, 4: 0 });
          expect(scope.get(2)).toBeUndefined(); // no version
          expect(scopeSpans.get(3)).toBeUndefined(); // no scope schema URL
          return {
            scope: { name: stringOf(scope.get(1)?.[0]) },
            spans: (scopeSpans.get(2) ?? []).map((spanField) => decodeSpan(bytesOf(spanField))),
          };
        }),
      };
    }),
  };
}

function decodeSpan(bytes: Buffer) {
  // Every Span field with its wire type; trace_state (3), parent_span_id (4), events (11),
  // links (13) and dropped counts must be absent.
  const span = fieldsOf(bytes, {
    1: 2,
    2: 2,
    3: 2,
    4: 2,
    5: 2,
    6: 0,
    7: 1,
    8: 1,
    9: 2,
    10: 0,
    11: 2,
    12: 0,
    13: 2,
    14: 0,
    15: 2,
    16: 5,
  });
  for (const absent of [3, 4, 10, 11, 12, 13, 14]) expect(span.get(absent)).toBeUndefined();
  const status = fieldsOf(bytesOf(span.get(15)?.[0]), { 2: 2, 3: 0 });
  const message = status.get(2)?.[0];
  return {
    traceId: bytesOf(span.get(1)?.[0]).toString('hex'),
    spanId: bytesOf(span.get(2)?.[0]).toString('hex'),
    flags: Number(numberOf(span.get(16)?.[0])),
    name: stringOf(span.get(5)?.[0]),
    kind: Number(numberOf(span.get(6)?.[0])),
    startTimeUnixNano: numberOf(span.get(7)?.[0]).toString(),
    endTimeUnixNano: numberOf(span.get(8)?.[0]).toString(),
    attributes: (span.get(9) ?? []).map((field) => decodeKeyValue(bytesOf(field))),
    status: {
      code: Number(numberOf(status.get(3)?.[0])),
      ...(message ? { message: stringOf(message) } : {}),
    },
  };
}

type DecodedExport = ReturnType<typeof decodeExportTraceRequest>;

function onlySpan(decoded: DecodedExport) {
  const span = decoded.resourceSpans[0]?.scopeSpans[0]?.spans[0];
  if (!span) throw new Error('no span decoded');
  expect(decoded.resourceSpans).toHaveLength(1);
  expect(decoded.resourceSpans[0]?.scopeSpans).toHaveLength(1);
  expect(decoded.resourceSpans[0]?.scopeSpans[0]?.spans).toHaveLength(1);
  return span;
}

const attribute = (key: string, stringValue: string) => ({ key, value: { stringValue } });

/** Upstream's content for the sample event, without the span id and end time (random / wall clock). */
const sampleExport = {
  resourceSpans: [
    {
      resource: {
        attributes: [
          attribute('service.instance.id', alert.uid),
          attribute('service.name', 'apps/webapp-alerts'),
          attribute('service.namespace', 'apps'),
        ],
      },
      schemaUrl: 'https://opentelemetry.io/schemas/1.34.0',
      scopeSpans: [
        {
          scope: { name: 'flux:notification-controller' },
          spans: [
            {
              traceId: sampleTraceId,
              spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
              flags: 769,
              name: 'Kustomization: apps/webapp',
              kind: 1,
              startTimeUnixNano: sampleStartNano,
              endTimeUnixNano: expect.stringMatching(/^\d{19}$/),
              attributes: [
                attribute('object.uid', '7d0cdc51-ddcf-4743-b223-83ca5c699632'),
                attribute('object.kind', 'Kustomization'),
                attribute('object.name', 'webapp'),
                attribute('object.namespace', 'apps'),
                attribute('revision', 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1'),
                attribute('summary', 'Cluster: prod-eu'),
              ],
              status: {
                code: 2,
                message: 'service/apps/webapp validation error: spec.type: Unsupported value: Ingress',
              },
            },
          ],
        },
      ],
    },
  ],
};

/** Posts to a local OTLP receiver and decodes the one export that arrived. */
async function export1(event: Event, spec: Record<string, unknown> = {}) {
  const server = await receiver();
  const before = BigInt(Date.now()) * 1_000_000n;
  await notifier({ type: 'otel', address: server.url, provider: alert, ...spec }, { providers }).post(event);
  const after = BigInt(Date.now()) * 1_000_000n;
  expect(server.requests).toHaveLength(1);
  const request = server.requests[0] as RecordedRequest;
  const decoded = decodeExportTraceRequest(request.bodyBytes);
  return { server, request, decoded, span: onlySpan(decoded), before, after };
}

describe('otel', () => {
  it('exports the provider as named and default export', () => {
    expect(otelDefault).toBe(otelProvider);
    expect(otelProvider.type).toBe('otel');
    expect([OTEL_SCOPE_NAME, OTEL_SCHEMA_URL]).toEqual([
      'flux:notification-controller',
      'https://opentelemetry.io/schemas/1.34.0',
    ]);
  });

  it('POSTs one protobuf span for the sample event to /v1/traces, decoded as the spec shows', async () => {
    const { request, decoded, span, before, after } = await export1(sampleEvent);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/traces');
    expect(request.headers['content-type']).toBe('application/x-protobuf');
    expect(request.headers['content-encoding']).toBeUndefined();
    expect(request.headers.authorization).toBeUndefined();
    expect(decoded).toEqual(sampleExport);
    // Ended when exported: between the moments before and after post.
    expect(BigInt(span.endTimeUnixNano)).toBeGreaterThanOrEqual(before);
    expect(BigInt(span.endTimeUnixNano)).toBeLessThanOrEqual(after);
  });

  it('sends the info variant with status OK and no message; the reason appears nowhere', async () => {
    const { span, request } = await export1({
      ...sampleEvent,
      severity: 'info',
      reason: 'ReconciliationSucceeded',
      message: 'Reconciliation finished in 2.5s, next run in 10m0s',
    });
    expect(span.status).toEqual({ code: 1 });
    expect(span.traceId).toBe(sampleTraceId);
    expect(request.bodyBytes.includes('ReconciliationSucceeded')).toBe(false);
    expect(request.bodyBytes.includes('Reconciliation finished')).toBe(false);
  });

  it('exports trace and Progressing events with status OK, and commit-status events too', async () => {
    const server = await receiver();
    const otel = notifier({ type: 'otel', address: server.url, provider: alert }, { providers });
    await otel.post({ ...sampleEvent, severity: 'trace', reason: 'Progressing' });
    await otel.post({ ...sampleEvent, severity: 'info', metadata: { commit_status: 'update' } });
    expect(server.requests).toHaveLength(2);
    for (const request of server.requests) {
      expect(onlySpan(decodeExportTraceRequest(request.bodyBytes)).status).toEqual({ code: 1 });
    }
  });

  it('gives each span a fresh random span id but the same trace id per alert and revision', async () => {
    const server = await receiver();
    const otel = notifier({ type: 'otel', address: server.url, provider: alert }, { providers });
    await otel.post(sampleEvent);
    await otel.post({
      ...sampleEvent,
      involvedObject: { kind: 'GitRepository', name: 'webapp', namespace: 'apps' },
    });
    const [first, second] = server.requests.map((request) =>
      onlySpan(decodeExportTraceRequest(request.bodyBytes)),
    );
    expect(first?.traceId).toBe(sampleTraceId);
    expect(second?.traceId).toBe(sampleTraceId);
    expect(second?.name).toBe('GitRepository: apps/webapp');
    expect(first?.spanId).not.toBe(second?.spanId);
  });

  it('derives trace ids from app-version@oci-digest, else revision, else unknown', () => {
    expect(otelTraceId(alert.uid, sampleEvent)).toBe(sampleTraceId);
    expect(otelTraceId(alert.uid, { metadata: {} })).toBe('bdb2a9cdcc33c17392801e0d1279a5d7');
    expect(otelTraceId(alert.uid, {})).toBe('bdb2a9cdcc33c17392801e0d1279a5d7');
    const both = { 'app-version': '1.2.3', 'oci-digest': 'sha256:abc', revision: 'main@sha1:x' };
    expect(otelRevision({ metadata: both })).toBe('1.2.3@sha256:abc');
    expect(otelRevision({ metadata: { 'app-version': '1.2.3', revision: 'main@sha1:x' } })).toBe(
      'main@sha1:x',
    );
    expect(otelRevision({ metadata: { 'oci-digest': 'sha256:abc' } })).toBe('unknown');
    expect(otelRevision({ metadata: { revision: '' } })).toBe('');
    expect(otelTraceId('other-alert', sampleEvent)).not.toBe(sampleTraceId);
  });

  it('skips HelmRepository events: nothing sent, nothing encoded', async () => {
    const server = await receiver();
    const otel = notifier({ type: 'otel', address: server.url, provider: alert }, { providers });
    const helmRepository = { ...sampleEvent, involvedObject: { kind: 'HelmRepository', name: 'podinfo' } };
    await otel.post(helmRepository);
    expect(await otel.encode(helmRepository)).toEqual([]);
    await otel.post({ ...helmRepository, involvedObject: { kind: 'HelmChart', name: 'podinfo' } });
    expect(server.requests).toHaveLength(1);
  });

  it('passes the upstream test: GitRepository info event with extra metadata', async () => {
    const { request, span } = await export1(
      { ...upstreamTestEvent, metadata: { cluster: 'my-cluster', region: 'us-east-2', env: 'prod' } },
      { provider: { namespace: 'test-namespace', name: 'test-alert', uid: 'test-alert-uid' } },
    );
    expect(request.headers['content-type']).toContain('application/x-protobuf');
    for (const text of ['webapp', 'GitRepository', 'gitops-system', 'my-cluster', 'us-east-2', 'prod']) {
      expect(request.bodyBytes.includes(text)).toBe(true);
    }
    expect(span.name).toBe('GitRepository: gitops-system/webapp');
    expect(span.traceId).toBe(otelTraceId('test-alert-uid', { metadata: {} }));
    expect(span.attributes).toEqual([
      attribute('object.uid', ''),
      attribute('object.kind', 'GitRepository'),
      attribute('object.name', 'webapp'),
      attribute('object.namespace', 'gitops-system'),
      attribute('cluster', 'my-cluster'),
      attribute('env', 'prod'),
      attribute('region', 'us-east-2'),
    ]);
  });

  it('sorts many metadata keys, lets metadata override object.* keys, drops empty keys, keeps empty values', () => {
    const keys = Array.from({ length: 40 }, (_, index) => `key-${String(index).padStart(2, '0')}`);
    const metadata: Record<string, string> = Object.fromEntries(
      [...keys].reverse().map((key) => [key, `value ${key}`]),
    );
    const request = encodeOtlpTraceRequest(
      { ...sampleEvent, metadata: { ...metadata, 'object.kind': 'Overridden', '': 'dropped', empty: '' } },
      alert,
    );
    const attributes = request.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.attributes;
    expect(attributes?.slice(0, 4)).toEqual([
      attribute('object.uid', '7d0cdc51-ddcf-4743-b223-83ca5c699632'),
      attribute('object.kind', 'Overridden'),
      attribute('object.name', 'webapp'),
      attribute('object.namespace', 'apps'),
    ]);
    expect(attributes?.slice(4)).toEqual([
      attribute('empty', ''),
      ...keys.map((key) => attribute(key, `value ${key}`)),
    ]);
    // What the receiver decodes matches, empty value included.
    const decoded = onlySpan(decodeExportTraceRequest(Buffer.from(encodeOtlpTraceProtobuf(request))));
    expect(decoded.attributes).toEqual(attributes);
  });

  it('sends only the object attributes when there is no metadata', async () => {
    const { span } = await export1({ ...sampleEvent, metadata: undefined });
    expect(span.attributes.map((entry) => entry.key)).toEqual([
      'object.uid',
      'object.kind',
      'object.name',
      'object.namespace',
    ]);
    expect(span.traceId).toBe('bdb2a9cdcc33c17392801e0d1279a5d7');
  });

  it('carries multi-line, unicode, markdown/HTML and long messages byte for byte in the error status', async () => {
    const message = `Deployment/apps/webapp failed\n**bold** _it_ <b>&amp;</b> \`code\` [l](x)\nÜnïcödé ✅ 🚀 日本語\n${'x'.repeat(40_000)}`;
    const { span } = await export1({ ...sampleEvent, message, metadata: { 'note ✅': 'é <&>' } });
    expect(span.status).toEqual({ code: 2, message });
    expect(span.attributes.at(-1)).toEqual(attribute('note ✅', 'é <&>'));
  });

  it('encodes one otlp message: endpoint, headers with secrets redacted, the OTLP/JSON content', async () => {
    const otel = createNotifier(
      {
        type: 'otel',
        address: 'https://otel:pw-in-url@otlp.example.com/otlp/v1/traces?tenant=a#frag',
        token,
        // A plain header is shown as sent; one from the Secret is a credential.
        headers: { 'X-Scope-OrgID': 'team-a' },
        secret: { headers: 'X-Tenant: tenant-secret-1' },
        provider: alert,
      },
      { providers },
    );
    const [message, ...rest] = await otel.encode(sampleEvent);
    expect(rest).toEqual([]);
    expect(message).toEqual({
      transport: 'otlp',
      url: 'https://otlp.example.com/otlp/v1/traces',
      headers: {
        'X-Scope-OrgID': 'team-a',
        'X-Tenant': '<redacted>',
        'Content-Type': 'application/x-protobuf',
        Authorization: '<redacted>',
      },
      body: expect.any(String),
    });
    if (message?.transport !== 'otlp') throw new Error('expected an otlp message');
    expect(JSON.parse(message.body)).toEqual(sampleExport);
    for (const secret of [token, 'tenant-secret-1', 'pw-in-url']) {
      expect(JSON.stringify(message)).not.toContain(secret);
    }
  });

  it('sends exactly the content encode shows (span id and end time aside)', async () => {
    const server = await receiver();
    const otel = notifier({ type: 'otel', address: server.url, provider: alert }, { providers });
    const [message] = await otel.encode(sampleEvent);
    await otel.post(sampleEvent);
    const shown = JSON.parse((message as { body: string }).body) as DecodedExport;
    const sent = decodeExportTraceRequest(server.requests[0]?.bodyBytes ?? Buffer.alloc(0));
    const withoutRandom = (decoded: DecodedExport) => {
      const copy = structuredClone(decoded);
      Object.assign(onlySpan(copy), { spanId: '', endTimeUnixNano: '' });
      return copy;
    };
    expect(withoutRandom(sent)).toEqual(withoutRandom(shown));
  });

  describe('endpoint URL', () => {
    it('appends /v1/traces only when the address has no path; drops query, fragment and userinfo', () => {
      expect(otelEndpointUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
      expect(otelEndpointUrl('http://collector:4318?x=1')).toBe('http://collector:4318/v1/traces');
      expect(otelEndpointUrl('http://collector:4318/')).toBe('http://collector:4318/');
      expect(otelEndpointUrl('https://otlp.vendor.io/otlp/v1/traces')).toBe(
        'https://otlp.vendor.io/otlp/v1/traces',
      );
      expect(otelEndpointUrl('https://u:p@otlp.vendor.io/x?key=1#f')).toBe('https://otlp.vendor.io/x');
    });

    it('posts to the given path, and never turns address userinfo into auth', async () => {
      const server = await receiver();
      const address = `${server.url.replace('://', '://user:secret-pw@')}/custom/traces?api_key=zzz`;
      await notifier({ type: 'otel', address, provider: alert }, { providers }).post(sampleEvent);
      expect(server.requests[0]?.path).toBe('/custom/traces');
      expect(server.requests[0]?.headers.authorization).toBeUndefined();
    });
  });

  describe('authorization', () => {
    const cases: [spec: Record<string, string>, expected: string | undefined][] = [
      [{ token }, `Bearer ${token}`],
      [{ password: 'pw-only' }, 'Bearer pw-only'],
      [{ username: 'flux', password: 'hunter2' }, `Basic ${Buffer.from('flux:hunter2').toString('base64')}`],
      [
        { username: 'flux', token, password: 'ignored' },
        `Basic ${Buffer.from(`flux:${token}`).toString('base64')}`,
      ],
      [{ username: 'flux' }, undefined],
      [{ token: '' }, undefined],
      [{}, undefined],
    ];

    it('computes the header from the credentials alone (no headers needed)', () => {
      for (const [spec, expected] of cases) expect(otelAuthorization(spec)).toBe(expected);
    });

    it('sends it whether or not headers are set, and no empty Bearer', async () => {
      for (const [spec, expected] of cases) {
        for (const headers of [undefined, { 'X-Tenant': 'a' }]) {
          const { request } = await export1(sampleEvent, { ...spec, ...(headers ? { headers } : {}) });
          expect(request.headers.authorization).toBe(expected);
          if (headers) expect(request.headers['x-tenant']).toBe('a');
        }
      }
    });

    it('reads credentials from the Secret, trimmed', async () => {
      const { request } = await export1(sampleEvent, { secret: { token: `  ${token}\n` } });
      expect(request.headers.authorization).toBe(`Bearer ${token}`);
    });

    it('keeps a user Authorization header without credentials; credentials replace it; Content-Type stays', async () => {
      const own = await export1(sampleEvent, {
        headers: { authorization: 'Api-Key vendor-secret', 'Content-Type': 'application/json' },
      });
      expect(own.request.headers.authorization).toBe('Api-Key vendor-secret');
      expect(own.request.headers['content-type']).toBe('application/x-protobuf');
      const withToken = await export1(sampleEvent, {
        token,
        headers: { Authorization: 'Api-Key vendor-secret' },
      });
      expect(withToken.request.headers.authorization).toBe(`Bearer ${token}`);
    });
  });

  describe('failures', () => {
    it('retries 429/503, honouring the shared policy, and succeeds on a partial-success 200', async () => {
      const server = await receiver({
        respondWith: [{ status: 503 }, { status: 429, headers: { 'retry-after': '0' } }],
        defaultResponse: {
          status: 200,
          headers: { 'content-type': 'application/x-protobuf' },
          body: 'partial',
        },
      });
      await notifier(
        { type: 'otel', address: server.url, provider: alert, retry: { minDelayMs: 1, maxDelayMs: 5 } },
        { providers },
      ).post(sampleEvent);
      expect(server.requests).toHaveLength(3);
    });

    it('rejects when the export keeps failing (upstream would swallow it)', async () => {
      const server = await receiver({ defaultResponse: { status: 502, body: `oops ${token}` } });
      const error = await notifier(
        { type: 'otel', address: server.url, token, provider: alert, retry: { retries: 1, minDelayMs: 1 } },
        { providers },
      )
        .post(sampleEvent)
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 502 });
      expect(String((error as Error).message)).not.toContain(token);
      expect(server.requests).toHaveLength(2);
    });
  });

  describe('transport', () => {
    it('goes through the proxy with the proxy credentials, never the backend ones', async () => {
      const server = await receiver();
      const proxy = await startProxy({ username: 'proxy-user', password: 'proxy-pass' });
      try {
        await notifier(
          {
            type: 'otel',
            address: server.url,
            username: 'flux',
            password: 'backend-pw',
            proxy: proxy.url.replace('://', '://proxy-user:proxy-pass@'),
            provider: alert,
          },
          { providers },
        ).post(sampleEvent);
        expect(server.requests).toHaveLength(1);
        expect([...proxy.connectRequests, ...proxy.forwardedRequests].join(' ')).toContain(
          new URL(server.url).host,
        );
        expect(proxy.authHeaders).toEqual([
          `Basic ${Buffer.from('proxy-user:proxy-pass').toString('base64')}`,
        ]);
        expect(server.requests[0]?.headers.authorization).toBe(
          `Basic ${Buffer.from('flux:backend-pw').toString('base64')}`,
        );
      } finally {
        await proxy.close();
      }
    });

    it('exports over https with a custom CA and a client certificate', async () => {
      const pki = await createTestPki();
      const server = await receiver({
        tls: { key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert, requestCert: true },
      });
      await notifier(
        {
          type: 'otel',
          address: server.url,
          tls: { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key },
          provider: alert,
        },
        { providers },
      ).post(sampleEvent);
      expect(server.requests[0]?.path).toBe('/v1/traces');
      expect(server.requests[0]?.clientCertAuthorized).toBe(true);
      expect(
        onlySpan(decodeExportTraceRequest(server.requests[0]?.bodyBytes ?? Buffer.alloc(0))).traceId,
      ).toBe(sampleTraceId);
    });
  });

  describe('spec validation', () => {
    it('requires an absolute http(s) address', () => {
      for (const address of [undefined, '', 'collector:4318', 'ftp://collector', '/v1/traces']) {
        const attempt = () =>
          createNotifier(
            { type: 'otel', provider: alert, ...(address === undefined ? {} : { address }) },
            { providers },
          );
        expect(attempt).toThrow(NotifierError);
        expect(attempt).toThrow(/^invalid otel provider spec: address: /);
      }
    });

    it('requires the alert identity in provider, with the upstream wording', () => {
      for (const provider of [undefined, {}, { uid: '', name: 'a', namespace: 'b' }, { name: 'a' }]) {
        const attempt = () =>
          createNotifierFromAnySpec(
            { type: 'otel', address: 'http://127.0.0.1:4318', ...(provider ? { provider } : {}) },
            { providers },
          );
        expect(attempt).toThrow(NotifierError);
        expect(attempt).toThrow(
          /^invalid otel provider spec: provider\.uid: alert metadata not found in context/,
        );
      }
      // uid alone is enough: name and namespace default to empty.
      const request = encodeOtlpTraceRequest(sampleEvent, { uid: 'u', name: '', namespace: '' });
      expect(request.resourceSpans[0]?.resource.attributes[1]).toEqual(attribute('service.name', '/'));
    });

    it('refuses TLS client configuration for an http endpoint at createNotifier', async () => {
      const pki = await createTestPki();
      const server = await receiver();
      expect(() =>
        notifier(
          { type: 'otel', address: server.url, tls: { ca: pki.ca.cert }, provider: alert },
          { providers },
        ),
      ).toThrow(
        'invalid otel provider spec: tls: insecure HTTP endpoint cannot use TLS client configuration',
      );
      expect(server.requests).toHaveLength(0);
    });

    it('refuses a proxy that is not an http(s) URL', () => {
      expect(() =>
        createNotifier(
          { type: 'otel', address: 'http://127.0.0.1:4318', proxy: '::not a url', provider: alert },
          { providers },
        ),
      ).toThrow(/^invalid otel provider spec: .*proxy: /);
    });
  });
});
