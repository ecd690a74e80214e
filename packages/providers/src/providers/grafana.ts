/**
 * `grafana`: each event as a Grafana annotation POSTed to the annotations API
 * (`/api/annotations`), tagged `flux`, with the controller, the metadata and the involved
 * object so dashboards can filter on them (upstream `internal/notifier/grafana.go`).
 */
import {
  basicAuth,
  basicAuthFromAddress,
  bearerAuth,
  defineProvider,
  type Event,
  field,
  type HttpRequest,
  isHttpUrl,
  jsonRequest,
  parseFluxTimestamp,
  stringifyLikeGo,
} from '@notiflux/core';
import { objectTitle } from '../formatting/object-title.js';
import { sortedMetadata } from '../formatting/sorted-metadata.js';

const grafanaAddress = field
  .string('invalid Grafana URL: required (the /api/annotations endpoint)')
  // Upstream's wording, which appends no cause.
  .check((address) => (isHttpUrl(address) ? undefined : `invalid Grafana URL ${withoutUserinfo(address)}`));

export const grafanaProvider = defineProvider({
  type: 'grafana',
  spec: { address: grafanaAddress },
  encode: (event, spec) => [encodeGrafanaRequest(event, spec)],
});

/** The annotation, keys in upstream's order plus `time`. */
export interface GrafanaAnnotation {
  /** Unix seconds, as upstream sends it (only Grafana's Graphite-format endpoint reads it). */
  when: number;
  /**
   * Unix milliseconds, which `/api/annotations` reads (unlike upstream): without it Grafana stamps
   * the annotation with the time it received it.
   */
  time: number;
  text: string;
  tags: string[];
}

/**
 * The annotation for an event. Only the time, the object, the controller and the metadata feed
 * it: message, severity and reason are not sent (as upstream).
 */
export function encodeGrafanaAnnotation(event: Event): GrafanaAnnotation {
  const millis = parseFluxTimestamp(event.timestamp);
  const { kind, name, namespace = '' } = event.involvedObject;
  return {
    when: Math.floor(millis / 1000),
    time: millis,
    text: objectTitle(event.involvedObject),
    tags: [
      'flux',
      event.reportingController,
      // Grafana splits tags on `:`, so metadata colons become `|`; keys sorted for stable tags.
      ...sortedMetadata(event).map(
        ([key, value]) => `${key.replaceAll(':', '|')}: ${value.replaceAll(':', '|')}`,
      ),
      `kind: ${kind}`,
      `name: ${name}`,
      `namespace: ${namespace}`,
    ],
  };
}

/** The body Grafana receives, as Go writes it. */
export function encodeGrafanaPayload(event: Event): string {
  return stringifyLikeGo(encodeGrafanaAnnotation(event));
}

/**
 * The POST to the annotations endpoint. Auth: the token wins; else username and password (both
 * set) as Basic; else userinfo in the address (as Basic auth, stripped from the URL by the core
 * transport). `headers` never replace these.
 */
export function encodeGrafanaRequest(
  event: Event,
  spec: {
    address: string;
    headers?: Record<string, string>;
    token?: string;
    username?: string;
    password?: string;
  },
): HttpRequest {
  return jsonRequest({
    url: spec.address,
    headers: spec.headers,
    fixedHeaders: grafanaAuthorization(spec),
    body: encodeGrafanaPayload(event),
  });
}

function grafanaAuthorization(spec: {
  address: string;
  token?: string;
  username?: string;
  password?: string;
}): Record<string, string> {
  if (spec.token) return { Authorization: bearerAuth(spec.token) };
  if (spec.username && spec.password) {
    return { Authorization: basicAuth(spec.username, spec.password) };
  }
  // Userinfo is this type's credential too: set here, so that a custom header cannot replace it.
  const fromUserinfo = basicAuthFromAddress(spec.address);
  return fromUserinfo ? { Authorization: fromUserinfo } : {};
}

/** The address fit for an error message: userinfo (a credential) hidden, even when it does not parse. */
function withoutUserinfo(address: string): string {
  return address.replace(/^((?:[a-z][a-z0-9+.-]*:)?\/\/)?[^/?#@]*@/i, '$1<redacted>@');
}

export default grafanaProvider;
