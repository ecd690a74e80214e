/**
 * `discord`: the Slack attachment payload posted to a Discord channel webhook through its
 * Slack-compatible endpoint (`<webhook>/slack`). Upstream `internal/notifier/discord.go`.
 */
import { posix } from 'node:path';
import {
  defineProvider,
  type Event,
  type HttpRequest,
  httpAddress,
  jsonRequest,
  stringifyLikeGo,
} from '@notiflux/core';
import { buildSlackPayload, SLACK_COLORS } from '../formatting/slack-payload.js';

export const discordProvider = defineProvider({
  type: 'discord',
  spec: { address: httpAddress },
  encode: (event, spec) => [encodeDiscordRequest(event, spec)],
});

/**
 * The webhook's Slack-compatible URL: `/slack` joined to the path (cleaned as a POSIX path),
 * unless the path, ignoring trailing slashes, already ends in `/slack`. The query is kept.
 */
export function discordSlackUrl(address: string): string {
  const url = new URL(address);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/slack') ? posix.normalize(path) : posix.join(url.pathname, 'slack');
  return url.toString();
}

/**
 * Discord's body: the Slack payload with `channel` and `fallback` always empty (a webhook is
 * bound to one channel), `username` defaulting to the reporting controller.
 */
export function encodeDiscordPayload(event: Event, spec: { username?: string | undefined }): string {
  return stringifyLikeGo(
    buildSlackPayload(event, {
      channel: '',
      username: spec.username || event.reportingController,
      withFallback: false,
      colors: SLACK_COLORS,
    }),
  );
}

export function encodeDiscordRequest(
  event: Event,
  spec: { address: string; username?: string | undefined; headers: Record<string, string> },
): HttpRequest {
  return jsonRequest({
    url: discordSlackUrl(spec.address),
    headers: spec.headers,
    body: encodeDiscordPayload(event, spec),
    // The webhook token is a path segment.
    secretPath: true,
  });
}

export default discordProvider;
