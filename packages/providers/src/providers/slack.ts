/**
 * `slack`: the event as a Slack message with one legacy attachment, either through the Web API
 * (`chat.postMessage` with a bot token, sent by `@slack/web-api`'s WebClient over the core
 * transport's fetch) or to an incoming webhook (sent by the core transport). Upstream
 * `internal/notifier/slack.go`; the payload is reused by `discord` and `rocket`.
 */
import { parse as parseForm, stringify as stringifyForm } from 'node:querystring';
import {
  basicAuthFromUserinfo,
  bearerAuth,
  defineProvider,
  type Event,
  type HttpRequest,
  httpAddress,
  isRetryableStatus,
  jsonRequest,
  mergeHeaders,
  NotifierError,
  type Redactor,
  type SendHttp,
  stringifyLikeGo,
  transportFetch,
} from '@notiflux/core';
import type { FetchFunction, Logger, WebClient, WebClientOptions } from '@slack/web-api';
import { buildSlackPayload, SLACK_COLORS, type SlackPayload } from '../formatting/slack-payload.js';

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

const WEB_API_METHOD = 'chat.postMessage';

/** Web API mode when the address path, ignoring trailing slashes, ends in `/api/chat.postMessage` (any host). */
export function isSlackWebApiAddress(address: string): boolean {
  try {
    return new URL(address).pathname.replace(/\/+$/, '').endsWith(`/api/${WEB_API_METHOD}`);
  } catch {
    return false;
  }
}

type SlackSpec = {
  address: string;
  token?: string | undefined;
  channel?: string | undefined;
  username?: string | undefined;
  headers: Record<string, string>;
};

/** What `post` sends: the Web API form (through WebClient) or the webhook JSON (through the core transport). */
export function encodeSlackRequest(event: Event, spec: SlackSpec): HttpRequest {
  const auth: Record<string, string> = spec.token ? { Authorization: bearerAuth(spec.token) } : {};
  if (isSlackWebApiAddress(spec.address)) {
    return {
      transport: 'http',
      method: 'POST',
      url: spec.address,
      headers: mergeHeaders(
        spec.headers,
        { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
        auth,
      ),
      body: encodeSlackWebApiForm(event, spec),
    };
  }
  return jsonRequest({
    url: spec.address,
    headers: spec.headers,
    fixedHeaders: auth,
    body: encodeSlackPayload(event, spec),
    // An incoming-webhook URL is itself the credential.
    secretPath: true,
  });
}

// ---- Web API mode: WebClient over the core transport's fetch ----

type SlackWebApiModule = typeof import('@slack/web-api');

/** Non-retryable client errors: Slack explains them in a JSON body, which is read to word the error. */
const EXPLAINED_STATUSES = Array.from({ length: 100 }, (_, index) => 400 + index).filter(
  (status) => !isRetryableStatus(status),
);

/**
 * Sends `chat.postMessage` with a WebClient whose every request is one core transport request.
 * WebClient's own retries are off (the transport retries 5xx, 429 after Retry-After and lost
 * connections within the deadline), so it sees only answers the transport judged `ok: true`.
 */
async function sendThroughWebClient(
  module: SlackWebApiModule,
  message: HttpRequest,
  spec: SlackSpec,
  context: { send: SendHttp; redactor: Redactor },
): Promise<void> {
  const WebClientClass =
    module.WebClient ?? (module as { default?: { WebClient?: typeof module.WebClient } }).default?.WebClient;
  if (!WebClientClass) throw new Error('@slack/web-api does not export WebClient');
  const fetchThroughTransport = slackFetch(context.send, context.redactor);
  const target = webApiTarget(spec.address);
  const client: WebClient = new WebClientClass(spec.token || undefined, {
    slackApiUrl: target.apiUrl,
    // @slack/web-api 8 sends with `fetch`; 7 with axios, given the same fetch as an adapter.
    fetch: fetchThroughTransport as FetchFunction,
    adapter: axiosAdapter(fetchThroughTransport),
    // As in the core transport, userinfo in the address is Basic auth only when no token is set.
    headers: mergeHeaders(
      spec.headers,
      target.basicAuth && !spec.token ? { Authorization: target.basicAuth } : {},
    ),
    logger: silentLogger,
    retryConfig: { retries: 0 },
  } as WebClientOptions);
  try {
    await client.apiCall(target.method, parseForm(String(message.body)) as Record<string, string>);
  } catch (error) {
    throw webClientError(error, context.redactor);
  }
}

/**
 * The core transport's fetch with Slack's rules: a 2xx answer is success only as a JSON object
 * with `ok: true` (anything else is the service's refusal, `REJECTED`, instead of a TypeError
 * or a false success in WebClient); a client error with Slack's JSON body is `REJECTED` with its
 * reason, one without is `HTTP_STATUS` with the body.
 */
function slackFetch(send: SendHttp, redactor: Redactor): typeof fetch {
  const fetchThroughTransport = transportFetch(send, (request) => ({
    ...request,
    successStatuses: EXPLAINED_STATUSES,
    rejectReason: ({ status, body }) => (status < 300 ? webApiRefusal(body) : slackErrorOf(body)),
  }));
  return async (input, init) => {
    const response = await fetchThroughTransport(input, init);
    if (response.status < 300) return response;
    const body = (await response.text()).trim().slice(0, 4096);
    const url = redactor.url(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
    );
    const detail = body ? `HTTP ${response.status}: ${body}` : `HTTP ${response.status}`;
    throw new NotifierError('HTTP_STATUS', redactor.text(`${init?.method ?? 'GET'} ${url}: ${detail}`), {
      providerType: 'slack',
      status: response.status,
    });
  };
}

/** Why a 2xx answer is not a success, or `undefined` when it is (a JSON object with `ok: true`). */
function webApiRefusal(text: string): string | undefined {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return `the answer is not JSON: ${text.trim().slice(0, 200)}`;
  }
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) {
    return `the answer is not a JSON object: ${text.trim().slice(0, 200)}`;
  }
  const { ok } = answer as { ok?: unknown };
  if (ok === true) return undefined;
  if (ok === false) return slackErrorOf(text);
  return ok === undefined
    ? 'the answer has no ok field'
    : `ok is ${JSON.stringify(ok).slice(0, 200)}, not true`;
}

/** Slack's reason in a JSON error body (`{"ok":false,"error":"invalid_auth"}`), if it is one. */
function slackErrorOf(text: string): string | undefined {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) return undefined;
  if ((answer as { ok?: unknown }).ok === true) return undefined;
  const { error } = answer as { error?: unknown };
  return `Slack responded with error: ${typeof error === 'string' ? error : ''}`;
}

/** What WebClient 7 hands its axios adapter (the parts used here). */
interface AxiosLikeConfig {
  url?: string;
  baseURL?: string;
  method?: string;
  headers?: unknown;
  data?: unknown;
}

/** The fetch as an axios adapter, for WebClient 7. */
function axiosAdapter(fetchThroughTransport: typeof fetch) {
  return async (config: AxiosLikeConfig) => {
    const path = config.url ?? '';
    const url = /^https?:\/\//.test(path) ? path : `${config.baseURL ?? ''}${path}`;
    try {
      const response = await fetchThroughTransport(url, {
        method: (config.method ?? 'get').toUpperCase(),
        headers: plainHeaders(config.headers),
        ...(typeof config.data === 'string' ? { body: config.data } : {}),
      });
      return {
        data: await response.text(),
        status: response.status,
        statusText: '',
        headers: Object.fromEntries(response.headers),
        config,
        request: {},
      };
    } catch (error) {
      // WebClient 7 wraps errors that carry `request` as WebAPIRequestError, as axios' own would be.
      throw Object.assign(error as Error, { request: {} });
    }
  };
}

/** Axios headers (an AxiosHeaders instance or a plain object) as strings; unset ones dropped. */
function plainHeaders(headers: unknown): Record<string, string> {
  const source =
    headers && typeof (headers as { toJSON?: unknown }).toJSON === 'function'
      ? (headers as { toJSON(): unknown }).toJSON()
      : headers;
  const plain: Record<string, string> = {};
  if (source && typeof source === 'object') {
    for (const [name, value] of Object.entries(source)) {
      if (typeof value === 'string' || typeof value === 'number') plain[name] = String(value);
    }
  }
  return plain;
}

/**
 * A WebClient failure as the error `post` rejects with: the transport's NotifierError it wraps
 * (already redacted and counted), else its own error, redacted.
 */
function webClientError(error: unknown, redactor: Redactor): NotifierError {
  const original = (error as { original?: unknown } | null)?.original;
  if (original instanceof NotifierError) return original;
  if (error instanceof NotifierError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new NotifierError('NETWORK', `slack: ${redactor.text(detail)}`, {
    providerType: 'slack',
    cause: redactor.error(error),
  });
}

/** WebClient's base URL and method path that together give back the address (minus userinfo). */
function webApiTarget(address: string): { apiUrl: string; method: string; basicAuth: string | undefined } {
  const url = new URL(address);
  const methodAt = url.pathname.lastIndexOf(`/${WEB_API_METHOD}`) + 1;
  const basicAuth = basicAuthFromUserinfo(url);
  return {
    apiUrl: `${url.origin}${url.pathname.slice(0, methodAt)}`,
    method: `${url.pathname.slice(methodAt)}${url.search}`,
    basicAuth,
  };
}

const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => 'error' as ReturnType<Logger['getLevel']>,
  setName: () => {},
};

export default slackProvider;
