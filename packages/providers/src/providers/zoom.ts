/**
 * `zoom`: the event as a rich ("full" format) message to a Zoom Team Chat channel through the
 * Incoming Webhook chatbot (upstream `internal/notifier/zoom.go`): a head naming the object and
 * severity, the message, and the metadata as key/value fields.
 */
import {
  defineProvider,
  type Event,
  type HttpRequest,
  httpAddress,
  jsonRequest,
  requiredString,
  stringifyLikeGo,
} from '@notiflux/core';
import { objectTitle } from '../formatting/object-title.js';
import { sortedMetadata } from '../formatting/sorted-metadata.js';

export const zoomProvider = defineProvider({
  type: 'zoom',
  spec: {
    address: httpAddress,
    token: requiredString('the verification token of the incoming webhook connection'),
  },
  encode: (event, spec) => [encodeZoomRequest(event, spec)],
});

/** One item of the message body; `text` and `items` are left out when empty. */
export type ZoomBodyItem =
  | { type: 'message'; text?: string }
  | { type: 'fields'; items: { key: string; value: string }[] };

export interface ZoomPayload {
  content: {
    head: { text: string; sub_head: { text: string } };
    body: ZoomBodyItem[];
  };
}

/** The "full" format message: head and sub-head, the message, then the fields (only with metadata). */
export function encodeZoomPayload(event: Event): ZoomPayload {
  const message: ZoomBodyItem = event.message
    ? { type: 'message', text: event.message }
    : { type: 'message' };
  const body: ZoomBodyItem[] = [message];
  const fields = sortedMetadata(event).map(([key, value]) => ({ key, value }));
  if (fields.length > 0) body.push({ type: 'fields', items: fields });
  return {
    content: {
      head: { text: objectTitle(event.involvedObject), sub_head: { text: event.severity } },
      body,
    },
  };
}

/**
 * The webhook URL with `format=full`, added when `format` is absent or empty; a non-empty
 * `format` (e.g. `message`) leaves the URL as given. The other parameters keep their spelling
 * and order (upstream re-sorts them, which Zoom does not care about).
 */
export function zoomWebhookUrl(address: string): string {
  const url = new URL(address);
  if (url.searchParams.get('format')) return address;
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && decodeQueryName(pair) !== 'format');
  url.search = [...kept, 'format=full'].join('&');
  return url.toString();
}

function decodeQueryName(pair: string): string {
  const name = (pair.split('=', 1)[0] ?? '').replaceAll('+', ' ');
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

export function encodeZoomRequest(
  event: Event,
  spec: { address: string; token: string; headers: Record<string, string> },
): HttpRequest {
  return jsonRequest({
    url: zoomWebhookUrl(spec.address),
    // The raw token, no scheme. Set after the user's headers so they never replace it, and
    // always present, so userinfo in the address is never turned into Basic auth.
    headers: spec.headers,
    fixedHeaders: { Authorization: spec.token },
    body: stringifyLikeGo(encodeZoomPayload(event)),
    // The endpoint id in the path identifies the connection: never show it.
    secretPath: true,
  });
}

export default zoomProvider;
