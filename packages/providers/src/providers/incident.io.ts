/**
 * `incident.io` (alias `incidentio`): an alert event for an incident.io HTTP alert source.
 * Error events fire the alert, every other event resolves it; the object UID is the
 * deduplication key (upstream `internal/notifier/incidentio.go`).
 */
import {
  bearerAuth,
  compareUtf8,
  defineProvider,
  type Event,
  field,
  type HttpRequest,
  jsonRequest,
  stringifyLikeGo,
} from '@notiflux/core';
import { endpointUrl } from '../formatting/endpoint-url.js';
import { objectTitle } from '../formatting/object-title.js';

const TOKEN_REQUIRED = 'empty incident.io API token';

export const incidentIoProvider = defineProvider({
  type: 'incident.io',
  // The type string upstream had before its release; both spellings are accepted.
  aliases: ['incidentio'],
  spec: {
    address: endpointUrl((address) => `invalid incident.io alert source URL ${address}`),
    token: field.string(TOKEN_REQUIRED).minLength(1, TOKEN_REQUIRED),
  },
  encode: (event, spec) => (isSkippedByIncidentIo(event) ? [] : [encodeIncidentIoRequest(event, spec)]),
});

/** An alert event of an HTTP alert source, keys in upstream's order. */
export interface IncidentIoAlertEvent {
  title: string;
  status: 'firing' | 'resolved';
  deduplication_key: string;
  description?: string;
  metadata: Record<string, string>;
}

/** Only terminal failures and recoveries matter: `Progressing` is not sent (upstream). */
export function isSkippedByIncidentIo(event: Event): boolean {
  return event.reason === 'Progressing';
}

/**
 * The alert event: `<kind>/<name>.<namespace>: <Reason>` as title, `firing` only for errors,
 * the UID as dedup key (`""` without one, as upstream), and a copy of the metadata with
 * `severity`, `reason` and a non-empty `reportingController` set over it.
 */
export function encodeIncidentIoAlertEvent(event: Event): IncidentIoAlertEvent {
  const metadata: Record<string, string> = {
    ...event.metadata,
    severity: event.severity,
    reason: event.reason,
  };
  if (event.reportingController) metadata.reportingController = event.reportingController;
  const sortedMetadata: Record<string, string> = {};
  for (const key of Object.keys(metadata).sort(compareUtf8)) sortedMetadata[key] = metadata[key] as string;
  return {
    title: `${objectTitle(event.involvedObject)}: ${event.reason}`,
    status: event.severity === 'error' ? 'firing' : 'resolved',
    deduplication_key: event.involvedObject.uid ?? '',
    // omitempty upstream.
    ...(event.message ? { description: event.message } : {}),
    metadata: sortedMetadata,
  };
}

/** The alert event body as Go writes it. */
export function encodeIncidentIoPayload(event: Event): string {
  return stringifyLikeGo(encodeIncidentIoAlertEvent(event));
}

/** The POST with the Bearer token; the user's headers are sent too, but never replace auth or Content-Type. */
export function encodeIncidentIoRequest(
  event: Event,
  spec: { address: string; token: string; headers: Record<string, string> },
): HttpRequest {
  return jsonRequest({
    url: spec.address,
    headers: spec.headers,
    fixedHeaders: {
      Authorization: bearerAuth(spec.token),
    },
    body: encodeIncidentIoPayload(event),
  });
}

export default incidentIoProvider;
