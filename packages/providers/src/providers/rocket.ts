/**
 * `rocket`: the Slack attachment payload, with hex colours, posted to a Rocket.Chat incoming
 * webhook. Upstream `internal/notifier/rocket.go`.
 */
import {
  defineProvider,
  type Event,
  type HttpRequest,
  httpAddress,
  jsonRequest,
  stringifyLikeGo,
} from '@notiflux/core';
import { buildSlackPayload } from '../formatting/slack-payload.js';

export const rocketProvider = defineProvider({
  type: 'rocket',
  spec: { address: httpAddress },
  encode: (event, spec) => [encodeRocketRequest(event, spec)],
});

export const ROCKET_COLORS = { error: '#FF0000', other: '#0076D7' } as const;

/** Rocket.Chat's body: the Slack payload with `channel` and `username` verbatim (no defaults) and hex colours. */
export function encodeRocketPayload(
  event: Event,
  spec: { channel?: string | undefined; username?: string | undefined },
): string {
  return stringifyLikeGo(
    buildSlackPayload(event, {
      channel: spec.channel ?? '',
      username: spec.username ?? '',
      withFallback: false,
      colors: ROCKET_COLORS,
    }),
  );
}

export function encodeRocketRequest(
  event: Event,
  spec: {
    address: string;
    channel?: string | undefined;
    username?: string | undefined;
    headers: Record<string, string>;
  },
): HttpRequest {
  return jsonRequest({
    url: spec.address,
    headers: spec.headers,
    body: encodeRocketPayload(event, spec),
    // The integration token is in the path (`/hooks/<id>/<token>`).
    secretPath: true,
  });
}

export default rocketProvider;
