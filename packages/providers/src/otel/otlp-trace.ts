/**
 * The OTLP trace export for one Flux event, in its OTLP/JSON form: one span, under a resource
 * naming the alert, with a trace ID shared by the events of one alert and one revision.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Event, parseFluxTimestamp } from '@notiflux/core';
import { sortedMetadata } from '../formatting/sorted-metadata.js';

/** Instrumentation scope of the exported spans, as upstream names its tracer. */
export const OTEL_SCOPE_NAME = 'flux:notification-controller';
/** Semantic-conventions schema of the resource, as upstream. */
export const OTEL_SCHEMA_URL = 'https://opentelemetry.io/schemas/1.34.0';

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
