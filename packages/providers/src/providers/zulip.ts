/**
 * `zulip`: the event as a Markdown message to a Zulip channel (stream) and topic through
 * `POST /api/v1/messages`, as a bot with its e-mail and API key in Basic auth and a
 * form-encoded body (upstream `internal/notifier/zulip.go`).
 */
import {
  basicAuth,
  defineProvider,
  type Event,
  field,
  type HttpRequest,
  httpAddress,
  mergeHeaders,
} from '@notiflux/core';
import { formatMarkdownPost } from '../formatting/markdown-post.js';

const channelFormatError = (value: string) =>
  `invalid Zulip channel format, expected <channel>/<topic>, got '${value}'`;

export const zulipProvider = defineProvider({
  type: 'zulip',
  spec: {
    address: httpAddress,
    channel: field
      .string(channelFormatError(''))
      .check((channel) => (splitZulipChannel(channel) ? undefined : channelFormatError(channel))),
  },
  encode: (event, spec) => [encodeZulipRequest(event, spec)],
});

/**
 * The messages API request. Basic auth comes from `username` (the bot's e-mail) and `password`
 * (its API key) when either is set; otherwise userinfo in the address supplies it.
 */
export function encodeZulipRequest(
  event: Event,
  spec: {
    address: string;
    channel: string;
    username?: string | undefined;
    password?: string | undefined;
    headers: Record<string, string>;
  },
): HttpRequest {
  const target = splitZulipChannel(spec.channel);
  if (!target) throw new Error(channelFormatError(spec.channel));
  const { username = '', password = '' } = spec;
  const auth: Record<string, string> =
    username || password ? { Authorization: basicAuth(username, password) } : {};
  return {
    transport: 'http',
    method: 'POST',
    url: zulipMessagesUrl(spec.address),
    // User headers never replace auth or the content type (docs/design/providers.md).
    headers: mergeHeaders(spec.headers, { 'Content-Type': 'application/x-www-form-urlencoded' }, auth),
    body: encodeZulipForm(event, target),
  };
}

/** The address with its path replaced by `/api/v1/messages`; userinfo and query stay. */
export function zulipMessagesUrl(address: string): string {
  const url = new URL(address);
  url.pathname = '/api/v1/messages';
  url.hash = '';
  return url.toString();
}

/** `<channel>/<topic>` split at the first `/`; undefined unless both parts are non-empty. */
export function splitZulipChannel(channel: string): { channel: string; topic: string } | undefined {
  const slash = channel.indexOf('/');
  if (slash <= 0 || slash === channel.length - 1) return undefined;
  return { channel: channel.slice(0, slash), topic: channel.slice(slash + 1) };
}

/**
 * The form body: `content` (the shared Markdown post), `to`, `topic`, `type=stream`, in key
 * order and escaped byte for byte as Go's `url.Values.Encode` does.
 */
export function encodeZulipForm(event: Event, target: { channel: string; topic: string }): string {
  const fields: [name: string, value: string][] = [
    ['content', formatMarkdownPost(event)],
    ['to', target.channel],
    ['topic', target.topic],
    ['type', 'stream'],
  ];
  return fields.map(([name, value]) => `${escapeFormValue(name)}=${escapeFormValue(value)}`).join('&');
}

/** Go's `url.QueryEscape`: `A–Z a–z 0–9 - _ . ~` as is, space as `+`, every other UTF-8 byte as `%XX`. */
function escapeFormValue(value: string): string {
  let escaped = '';
  // Buffer makes a lone surrogate U+FFFD, as a Go string would hold it.
  for (const byte of Buffer.from(value, 'utf8')) {
    if (isUnreservedByte(byte)) escaped += String.fromCharCode(byte);
    else if (byte === 0x20) escaped += '+';
    else escaped += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return escaped;
}

function isUnreservedByte(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) || // A–Z
    (byte >= 0x61 && byte <= 0x7a) || // a–z
    (byte >= 0x30 && byte <= 0x39) || // 0–9
    byte === 0x2d || // -
    byte === 0x5f || // _
    byte === 0x2e || // .
    byte === 0x7e // ~
  );
}

export default zulipProvider;
