/**
 * `datadog`: each event as a DataDog event through the Events API v1 (`POST /api/v1/events`),
 * with Flux/Kubernetes tags (upstream `internal/notifier/datadog.go`, which uses the DataDog Go
 * SDK; here the same request goes through the core HTTP transport, so no SDK is needed).
 */
import {
  defineProvider,
  type Event,
  field,
  type HttpRequest,
  isHttpUrl,
  jsonRequest,
  parseFluxTimestamp,
  stringifyLikeGo,
} from '@notiflux/core';
import { sortedMetadata } from '../formatting/sorted-metadata.js';

/** The US1 site, used when `address` is empty (the Go SDK's default server). */
export const DATADOG_DEFAULT_SITE = 'https://api.datadoghq.com';

/** The Events API v1 body, keys in alphabetical order as the Go SDK serialises them. */
export interface DatadogEventPayload {
  alert_type: 'error' | 'info';
  /** Unix seconds. */
  date_happened: number;
  source_type_name: 'fluxcd';
  tags: string[];
  text: string;
  title: string;
}

const apiKeyMissing = 'cannot be empty (the DataDog API key)';

export const datadogProvider = defineProvider({
  type: 'datadog',
  spec: {
    // Optional: empty means US1. A value without scheme would silently target US1 upstream, so it
    // is refused here.
    address: field
      .string()
      .check((address) =>
        !address || isHttpUrl(address)
          ? undefined
          : 'must be an absolute http(s) URL of the DataDog site, e.g. https://api.datadoghq.eu',
      )
      .optional(),
    token: field.string(apiKeyMissing).minLength(1, apiKeyMissing),
  },
  encode: (event, spec) => [encodeDatadogRequest(event, spec)],
});

/** The Events API request: only the address's scheme and host[:port] are used, as upstream. */
export function encodeDatadogRequest(
  event: Event,
  spec: { address?: string | undefined; token: string; headers: Record<string, string> },
): HttpRequest {
  const origin = new URL(spec.address || DATADOG_DEFAULT_SITE).origin;
  return jsonRequest({
    url: `${origin}/api/v1/events`,
    // User headers never replace the API key or the content type (docs/design/providers.md).
    headers: spec.headers,
    fixedHeaders: {
      Accept: 'application/json',
      'DD-API-KEY': spec.token,
    },
    // The SDK's encoder ends the JSON with a newline.
    body: `${stringifyLikeGo(encodeDatadogPayload(event))}\n`,
  });
}

/** The DataDog event for a Flux event. */
export function encodeDatadogPayload(event: Event): DatadogEventPayload {
  return {
    alert_type: event.severity === 'error' ? 'error' : 'info',
    date_happened: Math.floor(parseFluxTimestamp(event.timestamp) / 1000),
    source_type_name: 'fluxcd',
    tags: datadogTags(event),
    text: event.message,
    // Original case, in the wording of DataDog's own Kubernetes integration.
    title: `Events from the ${event.involvedObject.kind} ${event.involvedObject.name}/${event.involvedObject.namespace ?? ''}`,
  };
}

/** The fixed Flux/Kubernetes tags, then one per metadata entry (sorted by key), all lower-cased. */
export function datadogTags(event: Event): string[] {
  const { involvedObject } = event;
  const tags = [
    `flux_reporting_controller:${event.reportingController}`,
    `flux_reason:${event.reason}`,
    `kube_kind:${involvedObject.kind}`,
    `kube_name:${involvedObject.name}`,
    `kube_namespace:${involvedObject.namespace ?? ''}`,
    ...sortedMetadata(event).map(([key, value]) => `${key}:${value}`),
  ];
  return tags.map((tag) => tag.toLowerCase());
}

export default datadogProvider;
