/**
 * `pagerduty`: PagerDuty Events API v2. Error events trigger an incident, every other event
 * resolves the incident of the same object (dedup key = object UID), and info events also add
 * a change event to the service timeline (upstream `internal/notifier/pagerduty.go`).
 */
import {
  defineProvider,
  type Event,
  field,
  type HttpRequest,
  jsonRequest,
  NotifierError,
  parseFluxTimestamp,
  prefixError,
  REDACTED,
  stringifyLikeGo,
} from '@notiflux/core';
import { endpointUrl } from '../formatting/endpoint-url.js';
import { sortedMetadata } from '../formatting/sorted-metadata.js';

const ROUTING_KEY_REQUIRED = 'PagerDuty routing key (channel) cannot be empty';

export const pagerdutyProvider = defineProvider({
  type: 'pagerduty',
  spec: {
    address: endpointUrl((address) => `invalid PagerDuty endpoint URL ${JSON.stringify(address)}`),
    // Required here: upstream sends an empty key and PagerDuty answers 400.
    channel: field.string(ROUTING_KEY_REQUIRED).trimmed().minLength(1, ROUTING_KEY_REQUIRED),
  },
  // The routing key is the credential: hidden in errors, onAttempt and encode.
  secretFields: ['channel'],
  encode: (event, spec) => encodePagerdutyRequests(event, spec),
  // Both bodies start with the routing key, which `encode` shows redacted.
  show(_message, shown, { spec }) {
    const sent = `{"routing_key":${stringifyLikeGo(spec.channel)}`;
    if (shown.transport !== 'http' || !shown.body.startsWith(sent)) return shown;
    // Written out, not via stringifyLikeGo, which would escape the `<>` of the marker.
    return { ...shown, body: `{"routing_key":"${REDACTED}"${shown.body.slice(sent.length)}` };
  },
  async send(event, context) {
    const [alert, change] = encodePagerdutyRequests(event, context.spec);
    if (alert) await sendLabelled(alert, 'failed sending event', context.http);
    if (change) await sendLabelled(change, 'failed sending change event', context.http);
  },
});

/** An Events API v2 alert event: `trigger` with a payload, or a bare `resolve`. */
export interface PagerdutyAlertEvent {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  dedup_key?: string;
  payload?: {
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    timestamp: string;
    component?: string;
    group?: string;
    custom_details: PagerdutyCustomDetails;
  };
}

/** A change event for the service timeline. */
export interface PagerdutyChangeEvent {
  routing_key: string;
  payload: {
    summary: string;
    source: string;
    timestamp: string;
    custom_details: PagerdutyCustomDetails;
  };
}

/** The event message and its metadata (sorted by key; `null` when the event has none, as Go sends a nil map). */
export interface PagerdutyCustomDetails {
  message: string;
  metadata: Record<string, string> | null;
}

/** `Progressing` is not worth paging anyone about: nothing is sent (upstream). */
export function isSkippedByPagerduty(event: Event): boolean {
  return event.reason === 'Progressing';
}

/** Trigger for `error`, resolve for anything else; keys in upstream's order. */
export function encodePagerdutyAlertEvent(event: Event, routingKey: string): PagerdutyAlertEvent {
  const alert: PagerdutyAlertEvent = {
    routing_key: routingKey,
    event_action: event.severity === 'error' ? 'trigger' : 'resolve',
  };
  // omitempty upstream: without a UID each trigger opens a new incident.
  if (event.involvedObject.uid) alert.dedup_key = event.involvedObject.uid;
  if (alert.event_action === 'resolve') return alert;

  const { kind, name } = event.involvedObject;
  alert.payload = {
    summary: pagerdutySummary(event),
    source: `Flux ${event.reportingController}`,
    severity: pagerdutySeverity(event.severity),
    timestamp: rfc3339Seconds(event.timestamp),
    ...(name ? { component: name } : {}),
    ...(kind ? { group: kind } : {}),
    custom_details: pagerdutyCustomDetails(event),
  };
  return alert;
}

/** The change event sent after the resolve of an `info` event. */
export function encodePagerdutyChangeEvent(event: Event, routingKey: string): PagerdutyChangeEvent {
  return {
    routing_key: routingKey,
    payload: {
      summary: pagerdutySummary(event),
      source: `Flux ${event.reportingController}`,
      timestamp: rfc3339Seconds(event.timestamp),
      custom_details: pagerdutyCustomDetails(event),
    },
  };
}

/**
 * What `post` sends: the alert event to `/v2/enqueue`, then for `info` events the change event
 * to `/v2/change/enqueue`; nothing for `Progressing`. Only the address's origin is kept.
 */
export function encodePagerdutyRequests(
  event: Event,
  spec: { address: string; channel: string; headers: Record<string, string> },
): HttpRequest[] {
  if (isSkippedByPagerduty(event)) return [];
  const endpoint = new URL(spec.address).origin;
  const requests = [
    pagerdutyRequest(`${endpoint}/v2/enqueue`, encodePagerdutyAlertEvent(event, spec.channel), spec.headers),
  ];
  if (event.severity === 'info') {
    requests.push(
      pagerdutyRequest(
        `${endpoint}/v2/change/enqueue`,
        encodePagerdutyChangeEvent(event, spec.channel),
        spec.headers,
      ),
    );
  }
  return requests;
}

/** `<reason in lower-case words>: <lower-case kind>/<lower-case name>`, e.g. `validation failed: kustomization/webapp`. */
export function pagerdutySummary(event: Event): string {
  const { kind, name } = event.involvedObject;
  const description = splitCamelCase(event.reason).join(' ').toLowerCase();
  return `${description}: ${`${kind}/${name}`.toLowerCase()}`;
}

/** PagerDuty's severities for Flux's: `trace` is `info`, anything unknown is `error`. */
export function pagerdutySeverity(severity: string): 'error' | 'info' {
  return severity === 'info' || severity === 'trace' ? 'info' : 'error';
}

/**
 * Splits a CamelCase reason into words the way upstream's camelcase package does: runs of
 * lower-case letters, upper-case letters, digits and everything else; an upper-case run
 * followed by lower-case letters gives its last letter to them (`HTTPError` → `HTTP`, `Error`).
 */
export function splitCamelCase(text: string): string[] {
  // Not valid UTF-8 in Go (a lone surrogate here): one word.
  if (!text.isWellFormed()) return [text];
  const runs: string[][] = [];
  let lastClass = 0;
  for (const char of text) {
    const charClass = characterClass(char);
    const run = runs.at(-1);
    if (run && charClass === lastClass) run.push(char);
    else runs.push([char]);
    lastClass = charClass;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    const run = runs[i] as string[];
    const next = runs[i + 1] as string[];
    const first = run[0];
    const nextFirst = next[0];
    if (first && nextFirst && characterClass(first) === UPPER && characterClass(nextFirst) === LOWER) {
      next.unshift(run.pop() as string);
    }
  }
  return runs.filter((run) => run.length > 0).map((run) => run.join(''));
}

const LOWER = 1;
const UPPER = 2;

function characterClass(char: string): number {
  if (/^\p{Ll}$/u.test(char)) return LOWER;
  if (/^\p{Lu}$/u.test(char)) return UPPER;
  if (/^\p{Nd}$/u.test(char)) return 3;
  return 4;
}

function pagerdutyCustomDetails(event: Event): PagerdutyCustomDetails {
  return {
    message: event.message,
    metadata: event.metadata ? Object.fromEntries(sortedMetadata(event)) : null,
  };
}

/** UTC, whole seconds, `Z` (never milliseconds), as Go writes the time. */
function rfc3339Seconds(timestamp: string): string {
  return `${new Date(parseFluxTimestamp(timestamp)).toISOString().slice(0, 19)}Z`;
}

function pagerdutyRequest(
  url: string,
  body: PagerdutyAlertEvent | PagerdutyChangeEvent,
  headers: Record<string, string>,
): HttpRequest {
  return jsonRequest({
    url,
    // The user's headers are sent too, but never replace Content-Type.
    headers,
    body: stringifyLikeGo(body),
  });
}

/** Sends one request; a failure says which of the two it was (a resolve may already be delivered). */
async function sendLabelled(
  request: HttpRequest,
  label: string,
  http: { send(request: HttpRequest): Promise<unknown> },
): Promise<void> {
  try {
    await http.send(request);
  } catch (error) {
    if (!(error instanceof NotifierError)) throw error;
    throw prefixError(error, `pagerduty: ${label}`);
  }
}

export default pagerdutyProvider;
