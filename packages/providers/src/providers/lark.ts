/**
 * `lark`: the event as an interactive message card through a Lark (Feishu) custom-bot webhook:
 * a red or turquoise header naming the object, the message in bold and the metadata below
 * (upstream `internal/notifier/lark.go`). The webhook path carries the bot's token.
 */
import {
  defineProvider,
  type Event,
  field,
  type HttpRequest,
  type HttpResponse,
  isHttpUrl,
  jsonRequest,
  stringifyLikeGo,
} from '@notiflux/core';
import { objectTitle } from '../formatting/object-title.js';
import { alertEmoji } from '../formatting/severity-emoji.js';
import { sortedMetadata } from '../formatting/sorted-metadata.js';

/** The Lark message card upstream sends, keys in its order. */
export interface LarkCardPayload {
  msg_type: 'interactive';
  card: {
    config: { wide_screen_mode: boolean };
    header: { title: { tag: 'plain_text'; content: string }; template: 'red' | 'turquoise' };
    elements: [{ tag: 'div'; text: { tag: 'lark_md'; content: string } }];
  };
}

export const larkProvider = defineProvider({
  type: 'lark',
  spec: {
    address: field
      .string('required: the Lark custom bot webhook URL')
      .check((address) =>
        isHttpUrl(address) ? undefined : 'must be an absolute http(s) URL (the Lark custom bot webhook)',
      ),
  },
  encode: (event, spec) => [encodeLarkRequest(event, spec)],
});

/** The webhook POST; a 2xx whose JSON `code` is not 0 counts as refused (upstream: delivered). */
export function encodeLarkRequest(
  event: Event,
  spec: { address: string; headers: Record<string, string> },
): HttpRequest {
  return jsonRequest({
    url: spec.address,
    // User headers never replace the content type (docs/design/providers.md).
    headers: spec.headers,
    body: stringifyLikeGo(encodeLarkPayload(event)),
    // The last path segment is the bot's token.
    secretPath: true,
    rejectReason: larkRejectReason,
  });
}

/**
 * The card: plain-text header `<emoji> <kind>/<name>.<namespace>`, then one Lark-Markdown div
 * with `**<message>**`, a blank line and `key: value` lines sorted by key.
 */
export function encodeLarkPayload(event: Event): LarkCardPayload {
  let content = `**${event.message}**\n\n`;
  for (const [key, value] of sortedMetadata(event)) content += `${key}: ${value}\n`;
  return {
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: {
        title: {
          tag: 'plain_text',
          content: `${alertEmoji(event.severity)} ${objectTitle(event.involvedObject)}`,
        },
        template: event.severity === 'error' ? 'red' : 'turquoise',
      },
      elements: [{ tag: 'div', text: { tag: 'lark_md', content } }],
    },
  };
}

/**
 * Lark reports a bad token, a failed keyword/IP/signature check and the like as HTTP 200 with a
 * non-zero `code` (`{"code":19021,"msg":"sign match fail …"}`); success has `code: 0`. A body
 * that is not such JSON is accepted, as upstream accepts every 2xx.
 */
export function larkRejectReason(response: HttpResponse): string | undefined {
  let answer: unknown;
  try {
    answer = JSON.parse(response.body);
  } catch {
    return undefined;
  }
  if (answer === null || typeof answer !== 'object') return undefined;
  const { code, msg } = answer as { code?: unknown; msg?: unknown };
  if (typeof code !== 'number' || code === 0) return undefined;
  const detail = typeof msg === 'string' && msg !== '' ? `: ${msg}` : '';
  return `Lark code ${code}${detail}`;
}

export default larkProvider;
