/**
 * `otel`: each event as one OpenTelemetry span, exported at once over OTLP/HTTP as binary
 * protobuf (upstream `internal/notifier/otel.go`, which uses the OTel Go SDK and its
 * `otlptracehttp` exporter). Events of one alert (here: `provider` uid) and one revision share a
 * trace ID, so a deployment's events line up in one trace. The request is built by hand (no OTel
 * SDK) and goes through the core HTTP transport: proxy, TLS, retries and timeout apply as for
 * every HTTP provider.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  basicAuth,
  bearerAuth,
  defineProvider,
  type Event,
  field,
  type HttpRequest,
  httpAddress,
  mergeHeaders,
  parseFluxTimestamp,
  stringifyLikeGo,
} from '@notiflux/core';
import { sortedMetadata } from '../formatting/sorted-metadata.js';

/** Instrumentation scope of the exported spans, as upstream names its tracer. */
export const OTEL_SCOPE_NAME = 'flux:notification-controller';
/** Semantic-conventions schema of the resource, as upstream. */
export const OTEL_SCHEMA_URL = 'https://opentelemetry.io/schemas/1.34.0';
/** Path used when the address has none (OTLP/HTTP's traces path). */
export const OTEL_DEFAULT_TRACES_PATH = '/v1/traces';

/** Kinds whose events are not exported: not a primary source for tracing (upstream). */
const SKIPPED_KINDS = new Set(['HelmRepository']);

/** Sampled | context-has-is-remote | parent-is-remote: what upstream's remote-parented spans carry. */
const SPAN_FLAGS = 0x301;
const SPAN_KIND_INTERNAL = 1;
const STATUS_CODE_OK = 1;
const STATUS_CODE_ERROR = 2;

/** The alert identity a span belongs to; upstream takes it from the Alert, notiflux from `provider`. */
export interface OtelAlertIdentity {
  uid: string;
  name: string;
  namespace: string;
}

export interface OtelSpecFields {
  address: string;
  username?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
  headers: Record<string, string>;
  tls?: { ca?: string; cert?: string; key?: string } | undefined;
  provider: OtelAlertIdentity;
}

/** What is random or time-bound in a span, fixed by callers that need reproducible output. */
export interface OtelSpanOverrides {
  /** 16 hex digits; default 8 random bytes. */
  spanId?: string;
  /** When the span ended; default now. */
  endTimeUnixNano?: bigint;
}

// OTLP/JSON shapes (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): ids in
// hex, 64-bit integers as decimal strings, enums as numbers.
export interface OtlpStringAttribute {
  key: string;
  value: { stringValue: string };
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpStringAttribute[];
  /** `message` only on errors: OTel discards descriptions of other statuses. */
  status: { code: number; message?: string };
}

export interface OtlpExportTraceRequest {
  resourceSpans: {
    resource: { attributes: OtlpStringAttribute[] };
    schemaUrl: string;
    scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[];
  }[];
}

const alertMetadataMissing =
  'alert metadata not found in context: set provider.uid (with provider.name and provider.namespace) to the Alert identity the spans belong to';

export const otelProvider = defineProvider({
  type: 'otel',
  spec: {
    address: httpAddress,
    // Stands in for the Alert upstream reads from the post context (a library has no Alert).
    provider: field.object(
      {
        uid: field.string(alertMetadataMissing).minLength(1, alertMetadataMissing),
        name: field.string().withDefault(''),
        namespace: field.string().withDefault(''),
      },
      { message: alertMetadataMissing },
    ),
  },
  // Upstream's exporter refuses this at start-up.
  validate: (spec) =>
    spec.tls && !otelEndpointUrl(spec.address).startsWith('https:')
      ? 'tls: insecure HTTP endpoint cannot use TLS client configuration'
      : undefined,
  encode(event, spec) {
    if (SKIPPED_KINDS.has(event.involvedObject.kind)) return [];
    return [encodeOtelRequest(event, spec)];
  },
});

/**
 * The OTLP/HTTP export for one event: protobuf on the wire, its OTLP/JSON form as what `encode`
 * shows (`transport: 'otlp'`).
 */
export function encodeOtelRequest(
  event: Event,
  spec: OtelSpecFields,
  overrides: OtelSpanOverrides = {},
): HttpRequest {
  const url = otelEndpointUrl(spec.address);
  const request = encodeOtlpTraceRequest(event, spec.provider, overrides);
  const authorization = otelAuthorization(spec);
  // The user's headers first; they never replace the content type, nor the Authorization the credentials make
  // (docs/design/providers.md#otel). Without credentials, a user Authorization header is sent as is.
  const headers = mergeHeaders(spec.headers, {
    'Content-Type': 'application/x-protobuf',
    ...(authorization === undefined ? {} : { Authorization: authorization }),
  });
  return {
    transport: 'http',
    method: 'POST',
    url,
    headers,
    body: encodeOtlpTraceProtobuf(request),
    shownBody: stringifyLikeGo(request),
    encodedAs: 'otlp',
  };
}

/**
 * The endpoint per OTLP's `WithEndpointURL`: scheme, host and port kept; no path → `/v1/traces`,
 * any path (even `/`) used as given; query, fragment and userinfo dropped (the address's
 * userinfo must not become Basic auth either).
 */
export function otelEndpointUrl(address: string): string {
  const url = new URL(address);
  // WHATWG URLs turn an empty path into '/': look at the text to tell `host:4318` from `host:4318/`.
  const hasPath = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\//i.test(address);
  return `${url.protocol}//${url.host}${hasPath ? url.pathname : OTEL_DEFAULT_TRACES_PATH}`;
}

/**
 * `Authorization` from the credentials, whether or not `headers` are set (upstream adds it only
 * with headers): `token`, else `password`; Basic with a username, else Bearer; none without a
 * credential (upstream would send `Bearer `).
 */
export function otelAuthorization(spec: {
  username?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
}): string | undefined {
  const credential = spec.token || spec.password;
  if (!credential) return undefined;
  if (spec.username) return basicAuth(spec.username, credential);
  return bearerAuth(credential);
}

/** The trace ID: the first 16 bytes of SHA-256 over `<alert uid>:<revision>`, in hex. */
export function otelTraceId(alertUid: string, event: Pick<Event, 'metadata'>): string {
  return createHash('sha256')
    .update(`${alertUid}:${otelRevision(event)}`)
    .digest('hex')
    .slice(0, 32);
}

/** `app-version@oci-digest` when both are present, else `revision` (even empty), else `unknown`. */
export function otelRevision(event: Pick<Event, 'metadata'>): string {
  const metadata = event.metadata ?? {};
  const appVersion = metadata['app-version'];
  const ociDigest = metadata['oci-digest'];
  if (appVersion !== undefined && ociDigest !== undefined) return `${appVersion}@${ociDigest}`;
  return metadata.revision ?? 'unknown';
}

/** The ExportTraceServiceRequest for one event, in its OTLP/JSON form. */
export function encodeOtlpTraceRequest(
  event: Event,
  alert: OtelAlertIdentity,
  overrides: OtelSpanOverrides = {},
): OtlpExportTraceRequest {
  const { involvedObject } = event;
  const startTimeUnixNano = BigInt(parseFluxTimestamp(event.timestamp)) * 1_000_000n;
  const endTimeUnixNano = overrides.endTimeUnixNano ?? BigInt(Date.now()) * 1_000_000n;
  const span: OtlpSpan = {
    traceId: otelTraceId(alert.uid, event),
    spanId: overrides.spanId ?? randomBytes(8).toString('hex'),
    flags: SPAN_FLAGS,
    name: `${involvedObject.kind}: ${involvedObject.namespace ?? ''}/${involvedObject.name}`,
    kind: SPAN_KIND_INTERNAL,
    startTimeUnixNano: startTimeUnixNano.toString(),
    endTimeUnixNano: endTimeUnixNano.toString(),
    attributes: spanAttributes(event),
    status:
      event.severity === 'error'
        ? { code: STATUS_CODE_ERROR, message: event.message }
        : { code: STATUS_CODE_OK },
  };
  return {
    resourceSpans: [
      {
        resource: {
          // Sorted by key, as an OTel attribute set is.
          attributes: [
            stringAttribute('service.instance.id', alert.uid),
            stringAttribute('service.name', `${alert.namespace}/${alert.name}`),
            stringAttribute('service.namespace', alert.namespace),
          ],
        },
        schemaUrl: OTEL_SCHEMA_URL,
        scopeSpans: [{ scope: { name: OTEL_SCOPE_NAME }, spans: [span] }],
      },
    ],
  };
}

/** `object.*` then metadata sorted by key; a metadata key replaces an equal one, an empty key is dropped. */
function spanAttributes(event: Event): OtlpStringAttribute[] {
  const { involvedObject } = event;
  const values = new Map<string, string>([
    ['object.uid', involvedObject.uid ?? ''],
    ['object.kind', involvedObject.kind],
    ['object.name', involvedObject.name],
    ['object.namespace', involvedObject.namespace ?? ''],
  ]);
  for (const [key, value] of sortedMetadata(event)) {
    if (key !== '') values.set(key, value);
  }
  return [...values].map(([key, value]) => stringAttribute(key, value));
}

function stringAttribute(key: string, value: string): OtlpStringAttribute {
  return { key, value: { stringValue: value } };
}

/**
 * The binary protobuf of an ExportTraceServiceRequest (opentelemetry-proto `trace/v1`), for the
 * subset this provider produces. Fields in field-number order; proto3 defaults (empty strings,
 * zeros) left out, except inside the `AnyValue` oneof, where a set value is always written.
 */
export function encodeOtlpTraceProtobuf(request: OtlpExportTraceRequest): Uint8Array {
  const message = new ProtoWriter();
  for (const resourceSpans of request.resourceSpans) {
    message.message(1, (writer) => {
      writer.message(1, (resource) => {
        for (const attribute of resourceSpans.resource.attributes) resource.message(1, keyValue(attribute));
      });
      for (const scopeSpans of resourceSpans.scopeSpans) {
        writer.message(2, (scopeWriter) => {
          scopeWriter.message(1, (scope) => scope.string(1, scopeSpans.scope.name));
          for (const span of scopeSpans.spans)
            scopeWriter.message(2, (spanWriter) => writeSpan(spanWriter, span));
        });
      }
      writer.string(3, resourceSpans.schemaUrl);
    });
  }
  return message.finish();
}

function writeSpan(writer: ProtoWriter, span: OtlpSpan): void {
  writer.bytes(1, Buffer.from(span.traceId, 'hex'));
  writer.bytes(2, Buffer.from(span.spanId, 'hex'));
  writer.string(5, span.name);
  writer.varint(6, span.kind);
  writer.fixed64(7, BigInt(span.startTimeUnixNano));
  writer.fixed64(8, BigInt(span.endTimeUnixNano));
  for (const attribute of span.attributes) writer.message(9, keyValue(attribute));
  writer.message(15, (status) => {
    status.string(2, span.status.message ?? '');
    status.varint(3, span.status.code);
  });
  writer.fixed32(16, span.flags);
}

function keyValue(attribute: OtlpStringAttribute): (writer: ProtoWriter) => void {
  return (writer) => {
    writer.string(1, attribute.key);
    // string_value is a oneof member: written even when empty, so the value stays a string.
    writer.message(2, (value) => value.string(1, attribute.value.stringValue, { always: true }));
  };
}

/** The protobuf wire format, just what OTLP traces need: varint, fixed32/64 and length-delimited fields. */
class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private static readonly utf8 = new TextEncoder();

  varint(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, 0);
    this.rawVarint(value);
  }

  fixed32(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value, true);
    this.chunks.push(bytes);
  }

  fixed64(field: number, value: bigint): void {
    if (value === 0n) return;
    this.tag(field, 1);
    const bytes = new Uint8Array(8);
    // Times before 1970 would be negative; fixed64 carries them as two's complement, as Go's uint64 cast
    // does.
    new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
    this.chunks.push(bytes);
  }

  string(field: number, value: string, options: { always?: boolean } = {}): void {
    this.bytes(field, ProtoWriter.utf8.encode(value), options);
  }

  bytes(field: number, value: Uint8Array, options: { always?: boolean } = {}): void {
    if (value.length === 0 && !options.always) return;
    this.tag(field, 2);
    this.rawVarint(value.length);
    this.chunks.push(value);
  }

  /** A nested message, always written (an empty one still marks the field as set). */
  message(field: number, write: (writer: ProtoWriter) => void): void {
    const nested = new ProtoWriter();
    write(nested);
    this.bytes(field, nested.finish(), { always: true });
  }

  finish(): Uint8Array {
    return Buffer.concat(this.chunks);
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  private rawVarint(value: number): void {
    const bytes: number[] = [];
    let rest = value;
    while (rest >= 0x80) {
      bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
    this.chunks.push(Uint8Array.from(bytes));
  }
}

export default otelProvider;
