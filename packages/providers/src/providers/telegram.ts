/**
 * `telegram`: the event as a MarkdownV2 text message through the Bot API's `sendMessage`, to a
 * chat, a channel or a forum topic (upstream `internal/notifier/telegram.go`). The bot token is
 * part of the URL path, so it is redacted wherever the URL is shown.
 */
import {
  defineProvider,
  type Event,
  type HttpRequest,
  jsonRequest,
  Redactor,
  requiredString,
  stringifyLikeGo,
} from '@notiflux/core';
import { alertEmoji } from '../formatting/severity-emoji.js';
import { shortenText, TRUNCATION_MARKER } from '../formatting/shorten-text.js';
import { sortedMetadata } from '../formatting/sorted-metadata.js';

/** Where the Bot API lives; `address` is ignored, as upstream. */
export const TELEGRAM_API_BASE_URL = 'https://api.telegram.org';

/** Telegram refuses (400) message texts longer than this. */
export const TELEGRAM_TEXT_LIMIT = 4096;

/** The JSON body of `sendMessage`, keys in upstream's order. */
export interface TelegramSendMessage {
  chat_id: string;
  /** Absent when the channel names no forum topic. */
  message_thread_id?: string;
  text: string;
  parse_mode: 'MarkdownV2';
}

/**
 * A `telegram` provider that talks to another Bot API server (a local one in tests, a
 * self-hosted `telegram-bot-api`); not a spec field, as upstream.
 */
export function createTelegramProvider(options: { apiBaseUrl?: string } = {}) {
  const apiBaseUrl = (options.apiBaseUrl ?? TELEGRAM_API_BASE_URL).replace(/\/+$/, '');
  return defineProvider({
    type: 'telegram',
    spec: {
      channel: requiredString('the chat ID, @channel username or <chat>:<topic>'),
      token: requiredString('the bot token'),
    },
    encode: (event, spec) => [encodeTelegramRequest(event, spec, apiBaseUrl)],
  });
}

export const telegramProvider = createTelegramProvider();

/** The `sendMessage` request: JSON body, the bot token in the path. */
export function encodeTelegramRequest(
  event: Event,
  spec: { channel: string; token: string; headers: Record<string, string> },
  apiBaseUrl: string = TELEGRAM_API_BASE_URL,
): HttpRequest {
  // The token goes in as is (upstream does not escape it).
  const url = `${apiBaseUrl}/bot${spec.token}/sendMessage`;
  return jsonRequest({
    url,
    // User headers never replace the content type (docs/design/providers.md).
    headers: spec.headers,
    body: stringifyLikeGo(encodeTelegramPayload(event, spec.channel)),
    // The redactor masks the token inside the shown URL (`/bot<redacted>/sendMessage`); should
    // the token not survive URL parsing verbatim, or be too short to search for inside the
    // `bot<token>` segment, hide the whole path instead.
    secretPath: !Redactor.findsAnywhere(spec.token) || !showsTokenVerbatim(url, spec.token),
  });
}

/** The `sendMessage` body: `channel` split into chat and forum topic at its first `:`. */
export function encodeTelegramPayload(event: Event, channel: string): TelegramSendMessage {
  const colon = channel.indexOf(':');
  const chatId = colon === -1 ? channel : channel.slice(0, colon);
  const threadId = colon === -1 ? '' : channel.slice(colon + 1);
  return {
    chat_id: chatId,
    ...(threadId === '' ? {} : { message_thread_id: threadId }),
    text: shortenTelegramText(formatTelegramText(event)),
    parse_mode: 'MarkdownV2',
  };
}

/**
 * The MarkdownV2 message: bold `<emoji> <kind>/<name>/<namespace>` heading, the message, then
 * `\- *key*: value` per metadata entry (sorted by key); every line ends with `\n`.
 */
export function formatTelegramText(event: Event): string {
  const { kind, name, namespace = '' } = event.involvedObject;
  const heading = `${alertEmoji(event.severity)} ${kind.toLowerCase()}/${name}/${namespace}`;
  let text = `*${escapeTelegramMarkdownV2(heading)}*\n${escapeTelegramMarkdownV2(event.message)}\n`;
  for (const [key, value] of sortedMetadata(event)) {
    text += `\\- *${escapeTelegramMarkdownV2(key)}*: ${escapeTelegramMarkdownV2(value)}\n`;
  }
  return text;
}

const MARKDOWN_V2_SPECIAL = /[\\.\-_[\]()~>`#+=|{}!*]/g;

/** Puts a backslash before each of MarkdownV2's 19 special characters, in one pass. */
export function escapeTelegramMarkdownV2(text: string): string {
  return text.replace(MARKDOWN_V2_SPECIAL, '\\$&');
}

/** The shared marker, escaped: its parentheses are MarkdownV2 syntax. */
const TELEGRAM_TRUNCATION_MARKER = escapeTelegramMarkdownV2(TRUNCATION_MARKER);

/**
 * `text` (MarkdownV2) cut to `maxLength` with a visible marker, so Telegram shows the start of
 * a long message instead of refusing all of it. The cut never separates a backslash from the
 * character it escapes and never leaves a bold `*…*` open (it moves before the opening `*`).
 * Measured before Telegram parses the markup, so the limit holds with room to spare.
 */
export function shortenTelegramText(text: string, maxLength: number = TELEGRAM_TEXT_LIMIT): string {
  const shortened = shortenText(text, maxLength, TELEGRAM_TRUNCATION_MARKER);
  if (shortened === text) return text;
  const kept = shortened.slice(0, shortened.length - TELEGRAM_TRUNCATION_MARKER.length);
  let end = kept.length;
  let openBold = -1;
  for (let index = 0; index < kept.length; index++) {
    const character = kept[index];
    if (character === '\\') {
      // An escape pair; a backslash whose character was cut off goes too.
      if (index === kept.length - 1) end = index;
      index++;
    } else if (character === '*') {
      openBold = openBold === -1 ? index : -1;
    }
  }
  if (openBold !== -1) end = Math.min(end, openBold);
  return `${kept.slice(0, end)}${TELEGRAM_TRUNCATION_MARKER}`;
}

/** Whether the redactor can find the token in the URL as it will be shown. */
function showsTokenVerbatim(url: string, token: string): boolean {
  try {
    return new URL(url).pathname.includes(`/bot${token}/`);
  } catch {
    return false;
  }
}

export default telegramProvider;
