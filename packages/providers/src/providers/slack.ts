/**
 * `slack`: the event as a Slack message with one legacy attachment, either through the Web API
 * (`chat.postMessage` with a bot token, sent by `@slack/web-api`'s WebClient) or to an
 * incoming webhook (sent by the core transport). Upstream `internal/notifier/slack.go`; the
 * payload is reused by `discord` and `rocket`.
 */
import { parse as parseForm, stringify as stringifyForm } from 'node:querystring';
import {
  type AttemptInfo,
  backoffDelayMs,
  basicAuthFromUserinfo,
  bearerAuth,
  type Deadline,
  type Dispatcher,
  defineProvider,
  type Event,
  type HttpRequest,
  httpAddress,
  importOptionalPeer,
  isRetryableStatus,
  isRetryableTransportError,
  jsonRequest,
  mergeHeaders,
  NotifierError,
  type OutgoingMessage,
  type ProviderConnection,
  type Redactor,
  type RetryOptions,
  retryAfterMs,
  stringifyLikeGo,
} from '@notiflux/core';
import type { FetchFunction, Logger, WebClient, WebClientOptions } from '@slack/web-api';
import { buildSlackPayload, SLACK_COLORS, type SlackPayload } from '../formatting/slack-payload.js';

export const slackProvider = defineProvider({
  type: 'slack',
  spec: { address: httpAddress },
  encode: (event, spec) => [encodeSlackRequest(event, spec)],
  // Only the Web API mode has a connection; a webhook notifier never loads the SDK.
  connect: async (spec, context) =>
    isSlackWebApiAddress(spec.address) ? openWebApiConnection(spec, context) : webhookModeConnection,
  send: async (event, context) => {
    const request = encodeSlackRequest(event, context.spec);
    if (isSlackWebApiAddress(context.spec.address) && context.connection) {
      await context.connection.deliver(request, context.deadline);
    } else {
      await context.http.send(request);
    }
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

// ---- Web API mode: WebClient over the notifier's dispatcher ----

const webhookModeConnection: ProviderConnection = {
  deliver: async () => {
    throw new Error('unreachable: webhook-mode Slack messages go through the HTTP transport');
  },
  close: async () => {},
};

interface WebApiContext {
  redactor: Redactor;
  dispatcher(): Promise<Dispatcher>;
  onAttempt: ((info: AttemptInfo) => void) | undefined;
}

type WebApiSpec = SlackSpec & { retry: Required<RetryOptions> };

async function openWebApiConnection(spec: WebApiSpec, context: WebApiContext): Promise<ProviderConnection> {
  const sdk = await importOptionalPeer('@slack/web-api', () => import('@slack/web-api'), 'slack');
  const WebClientClass =
    sdk.WebClient ?? (sdk as { default?: { WebClient?: typeof sdk.WebClient } }).default?.WebClient;
  if (!WebClientClass) throw new Error('@slack/web-api does not export WebClient');
  const dispatcher = await context.dispatcher();
  const target = webApiTarget(spec.address);
  const shownUrl = context.redactor.url(spec.address);
  const fail: Fail = (code, detail, extra = {}) =>
    new NotifierError(code, context.redactor.text(`POST ${shownUrl}: ${detail}`), {
      providerType: 'slack',
      ...extra,
    });

  return {
    async deliver(message: OutgoingMessage, deadline: Deadline): Promise<void> {
      if (message.transport !== 'http' || typeof message.body !== 'string') {
        throw new Error('Slack Web API mode delivers the form-encoded chat.postMessage request only');
      }
      let attempt = 0;
      let lastFailure: NotifierError | undefined;
      const report = (info: Omit<AttemptInfo, 'providerType' | 'attempt' | 'method' | 'url'>) =>
        context.onAttempt?.({ providerType: 'slack', attempt, method: 'POST', url: shownUrl, ...info });
      const attemptThrough = async (request: RawRequest): Promise<RawAnswer> => {
        attempt += 1;
        if (deadline.abortedBy) throw new Error('the deadline ended before the attempt');
        const started = performance.now();
        try {
          const answer = await requestThrough(dispatcher, request, deadline.signal);
          report({ status: answer.status, durationMs: performance.now() - started });
          return answer;
        } catch (error) {
          lastFailure = fail('NETWORK', describeError(error), {
            retryable: isRetryableTransportError(error),
            cause: context.redactor.error(error),
          });
          report({ error: lastFailure, durationMs: performance.now() - started });
          throw error;
        }
      };
      // @slack/web-api 8 sends with `fetch`.
      const fetchThroughDispatcher: FetchFunction = async (url, init) => {
        if (init?.body !== undefined && typeof init.body !== 'string') {
          throw new Error('only form-encoded bodies are sent');
        }
        const request = {
          url: String(url),
          method: init?.method ?? 'GET',
          headers: init?.headers ?? {},
          body: init?.body,
        };
        return asFetchResponse(request.url, await attemptThrough(request));
      };
      // @slack/web-api 7 sends with axios: the same attempt as an axios adapter.
      const axiosAdapterThroughDispatcher = async (config: AxiosLikeConfig) => {
        const path = config.url ?? '';
        const url = /^https?:\/\//.test(path) ? path : `${config.baseURL ?? ''}${path}`;
        try {
          const answer = await attemptThrough({
            url,
            method: (config.method ?? 'get').toUpperCase(),
            headers: plainHeaders(config.headers),
            body: typeof config.data === 'string' ? config.data : undefined,
          });
          return {
            data: answer.text,
            status: answer.status,
            statusText: '',
            headers: Object.fromEntries(answer.headers),
            config,
            request: {},
          };
        } catch (error) {
          // WebClient 7 wraps errors that carry `request` as WebAPIRequestError, as axios' own would be.
          throw Object.assign(error as Error, { request: {} });
        }
      };
      // A client per delivery, so its queue (paused while rate-limited) and its fetch are bound to this post.
      const client: WebClient = new WebClientClass(spec.token || undefined, {
        slackApiUrl: target.apiUrl,
        fetch: fetchThroughDispatcher,
        adapter: axiosAdapterThroughDispatcher,
        // As in the core transport, userinfo in the address is Basic auth only when no token is set.
        headers: mergeHeaders(
          spec.headers,
          target.basicAuth && !spec.token ? { Authorization: target.basicAuth } : {},
        ),
        logger: silentLogger,
        // Same retry count as the core policy; the waits are ours (below), so node-retry's are zero.
        retryConfig: {
          retries: spec.retry.retries,
          factor: 1,
          minTimeout: 0,
          maxTimeout: 0,
          randomize: false,
          onFailedAttempt: async (error: Error & { attemptNumber?: number }) => {
            if (deadline.abortedBy) throw error;
            if (!isRetryableSdkError(error)) throw error;
            // WebClient already waited out a 429's Retry-After before this retry.
            if (isRateLimitRetry(error)) return;
            const retryAfter = retryAfterOf(error);
            const delay = retryAfter ?? backoffDelayMs((error.attemptNumber ?? 1) - 1, spec.retry);
            if (delay >= deadline.remainingMs()) throw error;
            await deadline.sleep(delay);
            if (deadline.abortedBy) throw error;
          },
        } as WebClientOptions['retryConfig'],
      } as WebClientOptions);
      const args = parseForm(message.body) as Record<string, string>;
      const call = client.apiCall(target.method, args);
      // WebClient's own Retry-After sleep does not know the deadline: stop waiting for it when it ends.
      let stopWatching = () => {};
      const deadlineEnded = new Promise<never>((_resolve, reject) => {
        stopWatching = deadline.onAbort(() => reject(new Error('deadline ended')));
      });
      try {
        await Promise.race([call, deadlineEnded]);
      } catch (error) {
        call.catch(() => {});
        if (deadline.abortedBy) throw deadlineError(deadline, attempt, lastFailure, fail);
        const outcome = mapSdkError(error, fail, lastFailure, attempt);
        if (outcome !== 'ok') throw outcome;
      } finally {
        stopWatching();
        deadlineEnded.catch(() => {});
      }
    },
    close: async () => {},
  };
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

const RESPONSE_BODY_LIMIT = 4 * 1024 * 1024;

interface RawRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

interface RawAnswer {
  status: number;
  /** Lower-case names. */
  headers: Map<string, string>;
  text: string;
}

/** What WebClient 7 hands its axios adapter (the parts used here). */
interface AxiosLikeConfig {
  url?: string;
  baseURL?: string;
  method?: string;
  headers?: unknown;
  data?: unknown;
}

/** One request over the notifier's undici dispatcher, so proxy, TLS and a caller's MockAgent apply. */
async function requestThrough(
  dispatcher: Dispatcher,
  request: RawRequest,
  signal: AbortSignal,
): Promise<RawAnswer> {
  const target = new URL(request.url);
  const answer = await dispatcher.request({
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
    method: request.method as Dispatcher.HttpMethod,
    headers: request.headers,
    body: request.body,
    signal,
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of answer.body) {
    const bytes = Buffer.from(chunk as Uint8Array);
    chunks.push(bytes);
    size += bytes.length;
    if (size > RESPONSE_BODY_LIMIT) {
      answer.body.destroy();
      break;
    }
  }
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined) headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
  }
  return { status: answer.statusCode, headers, text: Buffer.concat(chunks).toString('utf8') };
}

/** The WHATWG-fetch-shaped response WebClient 8's `fetch` option returns. */
function asFetchResponse(url: string, answer: RawAnswer): Awaited<ReturnType<FetchFunction>> {
  const { status, headers, text } = answer;
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: '',
    url,
    headers: {
      get: (name: string) => headers.get(name.toLowerCase()) ?? null,
      entries: () => headers.entries(),
    },
    arrayBuffer: async () => new TextEncoder().encode(text).buffer as ArrayBuffer,
    json: async () => JSON.parse(text) as unknown,
    // WebClient reads the answer as text and parses it itself.
    text: async () => (status >= 200 && status < 300 ? asWebApiAnswer(text) : text),
  };
}

/**
 * A 2xx answer as WebClient can judge it: only a JSON object with `ok: true` (the boolean) is
 * success. Anything else becomes `ok: false` with a reason, which WebClient reports as the
 * service's refusal (`REJECTED`), instead of failing on it with a TypeError (`null`) or taking
 * it for success (`{"ok":"true"}`).
 */
function asWebApiAnswer(text: string): string {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return text; // WebClient refuses a body that is not JSON itself (ok: false, the text as error).
  }
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) {
    return JSON.stringify({
      ok: false,
      error: `the answer is not a JSON object: ${text.trim().slice(0, 200)}`,
    });
  }
  const { ok, error } = answer as { ok?: unknown; error?: unknown };
  if (ok === true || ok === false) return text;
  const reason =
    ok === undefined ? 'the answer has no ok field' : `ok is ${JSON.stringify(ok).slice(0, 200)}, not true`;
  return JSON.stringify({ ...answer, ok: false, error: typeof error === 'string' ? error : reason });
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

// ---- Error mapping (the core retry rules: network errors, 429 and 5xx except 501) ----

type Fail = (
  code: ConstructorParameters<typeof NotifierError>[0],
  detail: string,
  extra?: { status?: number; retryable?: boolean; cause?: unknown },
) => NotifierError;

interface SdkErrorShape {
  code?: unknown;
  statusCode?: unknown;
  body?: unknown;
  headers?: unknown;
  data?: { error?: unknown } | undefined;
  original?: unknown;
  message?: unknown;
}

function isRetryableSdkError(error: unknown): boolean {
  const shape = error as SdkErrorShape;
  if (shape.code === 'slack_webapi_http_error' && typeof shape.statusCode === 'number') {
    return isRetryableStatus(shape.statusCode);
  }
  if (shape.code === 'slack_webapi_request_error') return isRetryableTransportError(shape.original);
  // WebClient's own "rate limit was exceeded" error, thrown to retry after a 429.
  return isRateLimitRetry(error);
}

function isRateLimitRetry(error: unknown): boolean {
  const shape = error as SdkErrorShape;
  return (
    shape.code === undefined && typeof shape.message === 'string' && shape.message.startsWith('A rate limit')
  );
}

function retryAfterOf(error: unknown): number | undefined {
  const shape = error as SdkErrorShape;
  if (typeof shape.statusCode !== 'number' || typeof shape.headers !== 'object' || shape.headers === null) {
    return undefined;
  }
  const header = (shape.headers as Record<string, unknown>)['retry-after'];
  // 429s never get here: WebClient waits those out itself (see isRateLimitRetry).
  return typeof header === 'string' ? retryAfterMs(shape.statusCode, header) : undefined;
}

/** A WebClient failure as the NotifierError the core transport would give; 'ok' for a 2xx answer with `ok: true`. */
function mapSdkError(
  error: unknown,
  fail: Fail,
  lastFailure: NotifierError | undefined,
  attempts: number,
): NotifierError | 'ok' {
  const shape = error as SdkErrorShape;
  const after = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  switch (shape.code) {
    case 'slack_webapi_platform_error': {
      const reason = typeof shape.data?.error === 'string' ? shape.data.error : '';
      return fail(
        'REJECTED',
        `HTTP 200 but the service refused the message: Slack responded with error: ${reason}`,
        { status: 200 },
      );
    }
    case 'slack_webapi_http_error': {
      const status = typeof shape.statusCode === 'number' ? shape.statusCode : 0;
      // WebClient hands the body over parsed when it is JSON, else as text.
      const answer =
        typeof shape.body === 'object' && shape.body !== null
          ? (shape.body as { ok?: unknown; error?: unknown })
          : undefined;
      const body = typeof shape.body === 'string' ? shape.body.trim() : answer ? JSON.stringify(answer) : '';
      if (answer?.ok === true && status >= 200 && status < 300) return 'ok';
      if (answer && answer.ok !== true && !isRetryableStatus(status)) {
        return fail(
          'REJECTED',
          `HTTP ${status}: Slack responded with error: ${typeof answer.error === 'string' ? answer.error : ''}`,
          { status },
        );
      }
      if (status >= 300 && status < 400) {
        return fail('HTTP_STATUS', `HTTP ${status}: redirect not followed`, { status });
      }
      return fail(
        'HTTP_STATUS',
        `${body ? `HTTP ${status}: ${body.slice(0, 4096)}` : `HTTP ${status}`}${after}`,
        {
          status,
          retryable: isRetryableStatus(status),
        },
      );
    }
    case 'slack_webapi_rate_limited_error':
      return fail('HTTP_STATUS', `HTTP 429${after}`, { status: 429, retryable: true });
    default:
      // WebClient gives up at once on a 429 whose Retry-After it cannot read.
      if (typeof shape.message === 'string' && shape.message.startsWith('Retry header did not contain')) {
        return fail('HTTP_STATUS', `HTTP 429 without a usable Retry-After${after}`, {
          status: 429,
          retryable: true,
        });
      }
      if (lastFailure) {
        return attempts > 1
          ? fail('NETWORK', `${lastFailure.message.replace(/^POST \S+: /, '')}${after}`, {
              retryable: lastFailure.retryable,
              cause: lastFailure.cause,
            })
          : lastFailure;
      }
      return fail('NETWORK', describeError(error), { retryable: false });
  }
}

function deadlineError(
  deadline: Deadline,
  attempts: number,
  lastFailure: NotifierError | undefined,
  fail: Fail,
): NotifierError {
  const after = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  if (deadline.abortedBy === 'caller') {
    return fail('ABORTED', `aborted by the caller (${after})`, { cause: lastFailure });
  }
  return fail('TIMEOUT', `timed out after ${deadline.timeoutMs}ms (${after})`, {
    retryable: true,
    cause: lastFailure,
  });
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
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
