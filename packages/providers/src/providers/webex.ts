/**
 * `webex`: the event as a Markdown message in a Webex room, created through the Messages API with
 * a bot token (upstream `internal/notifier/webex.go`).
 */
import {
  bearerAuth,
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

export const webexProvider = defineProvider({
  type: 'webex',
  spec: {
    address: httpAddress,
    // Required here, where upstream lets Webex refuse the message with 400/401.
    channel: requiredString('the Webex room ID'),
    token: requiredString('the bot access token'),
  },
  encode: (event, spec) => [encodeWebexRequest(event, spec)],
});

/**
 * The message Markdown, every line ending in `\n`: `💣`/`✅` and the bold object title, the
 * message as is, then one block-quoted `>**key**: value` line per metadata entry, sorted by key.
 */
export function formatWebexMarkdown(event: Event): string {
  const emoji = event.severity === 'error' ? '\u{1F4A3}' : '\u2705';
  let markdown = `${emoji} **${objectTitle(event.involvedObject)}**\n${event.message}\n`;
  for (const [key, value] of sortedMetadata(event)) markdown += `>**${key}**: ${value}\n`;
  return markdown;
}

/** The Messages API body: `roomId` (the channel) and `markdown`. */
export function encodeWebexPayload(event: Event, spec: { channel: string }): string {
  return stringifyLikeGo({ roomId: spec.channel, markdown: formatWebexMarkdown(event) });
}

/** The POST with the bot token; the user's headers are sent too, but never replace auth or Content-Type. */
export function encodeWebexRequest(
  event: Event,
  spec: { address: string; channel: string; token: string; headers: Record<string, string> },
): HttpRequest {
  return jsonRequest({
    url: spec.address,
    headers: spec.headers,
    fixedHeaders: {
      Authorization: bearerAuth(spec.token),
    },
    body: encodeWebexPayload(event, spec),
  });
}

export default webexProvider;
