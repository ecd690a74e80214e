/**
 * `otel`: each event as one OpenTelemetry span, exported at once over OTLP/HTTP as binary
 * protobuf (upstream `internal/notifier/otel.go`, which uses the OTel Go SDK and its
 * `otlptracehttp` exporter). Events of one alert (here: `provider` uid) and one revision share a
 * trace ID, so a deployment's events line up in one trace. The request is built by hand (no OTel
 * SDK) and goes through the core HTTP transport: proxy, TLS, retries and timeout apply as for
 * every HTTP provider.
 */
import {
  basicAuth,
  bearerAuth,
  defineProvider,
  type Event,
  field,
  type HttpRequest,
  httpAddress,
  mergeHeaders,
  stringifyLikeGo,
} from '@notiflux/core';
import { encodeOtlpTraceProtobuf } from '../otel/otlp-protobuf.js';
import {
  encodeOtlpTraceRequest,
  type OtelAlertIdentity,
  type OtelSpanOverrides,
} from '../otel/otlp-trace.js';

export { encodeOtlpTraceProtobuf } from '../otel/otlp-protobuf.js';
export {
  encodeOtlpTraceRequest,
  OTEL_SCHEMA_URL,
  OTEL_SCOPE_NAME,
  type OtelAlertIdentity,
  type OtelSpanOverrides,
  type OtlpExportTraceRequest,
  type OtlpSpan,
  type OtlpStringAttribute,
  otelRevision,
  otelTraceId,
} from '../otel/otlp-trace.js';

/** Path used when the address has none (OTLP/HTTP's traces path). */
export const OTEL_DEFAULT_TRACES_PATH = '/v1/traces';

/** Kinds whose events are not exported: not a primary source for tracing (upstream). */
const SKIPPED_KINDS = new Set(['HelmRepository']);

export interface OtelSpecFields {
  address: string;
  username?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
  headers: Record<string, string>;
  tls?: { ca?: string; cert?: string; key?: string } | undefined;
  provider: OtelAlertIdentity;
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
  // The protobuf on the wire is shown in its OTLP/JSON form.
  show: (_message, shown, { event, spec }) =>
    shown.transport === 'http'
      ? {
          transport: 'otlp',
          url: shown.url,
          headers: shown.headers,
          body: stringifyLikeGo(encodeOtlpTraceRequest(event, spec.provider)),
        }
      : shown,
});

/** The OTLP/HTTP export for one event: protobuf on the wire (`encode` shows its OTLP/JSON form). */
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

export default otelProvider;
