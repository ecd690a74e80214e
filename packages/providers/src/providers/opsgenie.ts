/**
 * `opsgenie`: an Opsgenie alert (Alert API v2, create alert) for every event, with a
 * deterministic alias so repeats of the same object and reason are deduplicated (upstream
 * `internal/notifier/opsgenie.go`).
 */
import { createHash } from 'node:crypto';
import {
  compareUtf8,
  defineProvider,
  type Event,
  field,
  type HttpRequest,
  jsonRequest,
  stringifyLikeGo,
} from '@notiflux/core';
import { endpointUrl } from '../formatting/endpoint-url.js';

const TOKEN_REQUIRED = 'empty Opsgenie apikey/token';

export const opsgenieProvider = defineProvider({
  type: 'opsgenie',
  spec: {
    address: endpointUrl((address) => `invalid Opsgenie hook URL ${address}`),
    token: field.string(TOKEN_REQUIRED).minLength(1, TOKEN_REQUIRED),
  },
  encode: (event, spec) => [encodeOpsgenieRequest(event, spec)],
});

/** A create-alert body, keys in upstream's order. */
export interface OpsgenieAlert {
  message: string;
  alias: string;
  description: string;
  details: Record<string, string>;
}

/**
 * The dedup alias: SHA-256 hex of `<provider uid>/<kind>/<namespace>/<name>/<reason>` (empty
 * parts kept), so message, metadata and severity never split an alert.
 */
export function opsgenieAlias(event: Event, providerUid = ''): string {
  const { kind, namespace, name } = event.involvedObject;
  const key = `${providerUid}/${kind}/${namespace ?? ''}/${name}/${event.reason}`;
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * The alert for an event: `<Kind>/<name>` as message, the event message as description, and a
 * copy of the metadata plus `severity` as details. The caller's event is never changed
 * (upstream adds `severity` to the event's own metadata map).
 */
export function encodeOpsgenieAlert(event: Event, providerUid = ''): OpsgenieAlert {
  const details: Record<string, string> = { ...event.metadata, severity: event.severity };
  const sortedDetails: Record<string, string> = {};
  for (const key of Object.keys(details).sort(compareUtf8)) sortedDetails[key] = details[key] as string;
  return {
    message: `${event.involvedObject.kind}/${event.involvedObject.name}`,
    alias: opsgenieAlias(event, providerUid),
    description: event.message,
    details: sortedDetails,
  };
}

/** The create-alert body as Go writes it. */
export function encodeOpsgeniePayload(event: Event, providerUid = ''): string {
  return stringifyLikeGo(encodeOpsgenieAlert(event, providerUid));
}

/** The POST with `GenieKey` auth; the user's headers are sent too, but never replace auth or Content-Type. */
export function encodeOpsgenieRequest(
  event: Event,
  spec: { address: string; token: string; headers: Record<string, string>; provider: { uid?: string } },
): HttpRequest {
  return jsonRequest({
    url: spec.address,
    headers: spec.headers,
    fixedHeaders: {
      Authorization: `GenieKey ${spec.token}`,
    },
    body: encodeOpsgeniePayload(event, spec.provider.uid),
  });
}

export default opsgenieProvider;
