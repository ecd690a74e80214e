/**
 * `slack`: the event as a Slack message with one legacy attachment, either through the Web API
 * (`chat.postMessage` with a bot token, sent by `@slack/web-api`'s WebClient over the core
 * transport's fetch, in `../slack/`) or to an incoming webhook (sent by the core transport).
 * Upstream `internal/notifier/slack.go`; the payload is reused by `discord` and `rocket`.
 */
import { stringify as stringifyForm } from 'node:querystring';
import {
  bearerAuth,
  defineProvider,
  type Event,
  type HttpRequest,
  httpAddress,
  jsonRequest,
  mergeHeaders,
  stringifyLikeGo,
} from '@notiflux/core';
import { buildSlackPayload, SLACK_COLORS, type SlackPayload } from '../formatting/slack-payload.js';
import { isSlackWebApiAddress, sendThroughWebClient, webApiHeaders } from '../slack/web-api.js';

export const slackProvider = defineProvider({
  type: 'slack',
  spec: { address: httpAddress },
  encode: (event, spec) => [encodeSlackRequest(event, spec)],
  // Loaded by the first Web API post only: webhook notifiers never need it.
  sdk: { package: '@slack/web-api', load: () => import('@slack/web-api') },
  send: async (event, context) => {
    const request = encodeSlackRequest(event, context.spec);
    if (!isSlackWebApiAddress(context.spec.address)) {
      await context.http.send(request);
      return;
    }
    await sendThroughWebClient(await context.sdk(), request, context.spec, {
      send: context.http.send,
      redactor: context.redactor,
    });
  },
});

// ---- The payload (built in formatting/, shared with discord and rocket) ----

export {
  buildSlackPayload,
  SLACK_COLORS,
  type SlackAttachment,
  type SlackField,
  type SlackPayload,
  type SlackPayloadOptions,
} from '../formatting/slack-payload.js';

/** Slack's payload for this spec: `channel` as given, `username` defaulting to the reporting controller. */
export function slackPayload(event: Event, spec: { channel?: string; username?: string }): SlackPayload {
  return buildSlackPayload(event, {
    channel: spec.channel ?? '',
    username: spec.username || event.reportingController,
    withFallback: true,
    colors: SLACK_COLORS,
  });
}

/** The webhook body: Slack's payload as compact JSON, byte for byte what Flux sends. */
export function encodeSlackPayload(event: Event, spec: { channel?: string; username?: string }): string {
  return stringifyLikeGo(slackPayload(event, spec));
}

/**
 * The Web API body: the `chat.postMessage` arguments form-encoded as WebClient encodes them
 * (`attachments` as a JSON string). Slack accepts it like the JSON body; the content is the same.
 */
export function encodeSlackWebApiForm(event: Event, spec: { channel?: string; username?: string }): string {
  const { attachments, ...rest } = slackPayload(event, spec);
  const form: Record<string, string> = {};
  for (const [key, value] of Object.entries(rest)) form[key] = value.toWellFormed();
  form.attachments = JSON.stringify(attachments);
  return stringifyForm(form);
}

// ---- Modes and the request ----

export { isSlackWebApiAddress } from '../slack/web-api.js';

type SlackSpec = {
  address: string;
  token?: string | undefined;
  channel?: string | undefined;
  username?: string | undefined;
  headers: Record<string, string>;
};

/** What `post` sends: the Web API form (through WebClient) or the webhook JSON (through the core transport). */
export function encodeSlackRequest(event: Event, spec: SlackSpec): HttpRequest {
  if (isSlackWebApiAddress(spec.address)) {
    return {
      transport: 'http',
      method: 'POST',
      url: spec.address,
      headers: mergeHeaders(spec.headers, webApiHeaders(spec.token)),
      body: encodeSlackWebApiForm(event, spec),
    };
  }
  return jsonRequest({
    url: spec.address,
    headers: spec.headers,
    fixedHeaders: spec.token ? { Authorization: bearerAuth(spec.token) } : {},
    body: encodeSlackPayload(event, spec),
    // An incoming-webhook URL is itself the credential.
    secretPath: true,
  });
}

export default slackProvider;
