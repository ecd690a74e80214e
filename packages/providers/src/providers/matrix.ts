/**
 * `matrix`: the event as a plain-text `m.room.message` in a Matrix room, through the
 * client-server API's send-event endpoint (upstream `internal/notifier/matrix.go`). The
 * transaction id is derived from the event, so the homeserver de-duplicates retries and
 * re-sent identical events.
 */
import { createHash } from 'node:crypto';
import {
  bearerAuth,
  defineProvider,
  type Event,
  encodeFluxEventJson,
  type HttpRequest,
  httpAddress,
  jsonRequest,
  requiredString,
  stringifyLikeGo,
} from '@notiflux/core';
import { objectTitle } from '../formatting/object-title.js';
import { alertEmoji } from '../formatting/severity-emoji.js';
import { sortedMetadata } from '../formatting/sorted-metadata.js';

export const matrixProvider = defineProvider({
  type: 'matrix',
  spec: {
    address: httpAddress,
    // Both required at createNotifier (upstream only fails at the homeserver).
    channel: requiredString('the room ID, e.g. !abc:matrix.org'),
    token: requiredString('the access token'),
  },
  encode: (event, spec) => [encodeMatrixRequest(event, spec)],
});

/** The `m.room.message` content: `{"body":…,"msgtype":"m.text"}`, compact, in that key order. */
export function encodeMatrixPayload(event: Event): string {
  return stringifyLikeGo({ body: formatMatrixText(event), msgtype: 'm.text' });
}

/**
 * The plain-text message: `<emoji> <kind>/<name>.<namespace>`, the message, then one
 * `- key: value` line per metadata entry (sorted by key). Every line ends in `\n`.
 */
export function formatMatrixText(event: Event): string {
  let text = `${alertEmoji(event.severity)} ${objectTitle(event.involvedObject)}\n${event.message}\n`;
  for (const [key, value] of sortedMetadata(event)) text += `- ${key}: ${value}\n`;
  return text;
}

/**
 * The transaction id: lower-case hex SHA-1 of the Flux event JSON (the bytes `generic` sends),
 * so one event always maps to one id and retries are idempotent.
 */
export function matrixTransactionId(event: Event): string {
  return createHash('sha1').update(encodeFluxEventJson(event)).digest('hex');
}

/**
 * `<homeserver>/_matrix/client/v3/rooms/<room id>/send/m.room.message/<txnId>`: unlike upstream,
 * `v3` (`r0` is deprecated) and the room id percent-encoded as a path segment. Unlike upstream's
 * string concatenation, a trailing slash on the homeserver URL does not produce `//_matrix`.
 */
export function matrixSendUrl(address: string, roomId: string, transactionId: string): string {
  const url = new URL(address);
  const base = url.pathname.replace(/\/+$/, '');
  url.pathname = `${base}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${transactionId}`;
  return url.toString();
}

export function encodeMatrixRequest(
  event: Event,
  spec: { address: string; channel: string; token: string; headers: Record<string, string> },
): HttpRequest {
  return jsonRequest({
    method: 'PUT',
    url: matrixSendUrl(spec.address, spec.channel, matrixTransactionId(event)),
    // The user's headers never replace the ones Matrix needs; Authorization is always set, so
    // userinfo in the address is never turned into Basic auth.
    headers: spec.headers,
    fixedHeaders: {
      Authorization: bearerAuth(spec.token),
    },
    body: encodeMatrixPayload(event),
  });
}

export default matrixProvider;
