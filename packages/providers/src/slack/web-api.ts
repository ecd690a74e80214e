/**
 * Slack's Web API mode: `chat.postMessage` with a bot token, sent by `@slack/web-api`'s
 * WebClient, whose every request is one core transport request (see `./web-api-fetch.ts`).
 */
import { parse as parseForm } from 'node:querystring';
import {
  basicAuthFromUserinfo,
  bearerAuth,
  type HttpRequest,
  mergeHeaders,
  NotifierError,
  type Redactor,
  type SendHttp,
} from '@notiflux/core';
import type { FetchFunction, Logger, WebClient, WebClientOptions } from '@slack/web-api';
import { axiosAdapter } from './axios-adapter.js';
import { slackWebApiFetch } from './web-api-fetch.js';

const WEB_API_METHOD = 'chat.postMessage';

/** Web API mode when the address path, ignoring trailing slashes, ends in `/api/chat.postMessage` (any host). */
export function isSlackWebApiAddress(address: string): boolean {
  try {
    return new URL(address).pathname.replace(/\/+$/, '').endsWith(`/api/${WEB_API_METHOD}`);
  } catch {
    return false;
  }
}

/** The Web API request's own headers: a spec header of the same name never replaces them. */
export function webApiHeaders(token: string | undefined): Record<string, string> {
  return {
    Accept: 'application/json',
    'Content-Type': 'application/x-www-form-urlencoded',
    ...(token ? { Authorization: bearerAuth(token) } : {}),
  };
}

type SlackWebApiModule = typeof import('@slack/web-api');

interface WebApiSpec {
  address: string;
  token?: string | undefined;
  headers: Record<string, string>;
}

/**
 * Sends `chat.postMessage` with a WebClient whose every request is one core transport request.
 * WebClient's own retries are off (the transport retries 5xx, 429 after Retry-After and lost
 * connections within the deadline), so it sees only answers the transport judged `ok: true`.
 */
export async function sendThroughWebClient(
  module: SlackWebApiModule,
  message: HttpRequest,
  spec: WebApiSpec,
  context: { send: SendHttp; redactor: Redactor },
): Promise<void> {
  const WebClientClass =
    module.WebClient ?? (module as { default?: { WebClient?: typeof module.WebClient } }).default?.WebClient;
  if (!WebClientClass) throw new Error('@slack/web-api does not export WebClient');
  const target = webApiTarget(spec.address);
  // As in the core transport, userinfo in the address is Basic auth only when no token is set.
  const ownHeaders = mergeHeaders(
    webApiHeaders(spec.token),
    target.basicAuth && !spec.token ? { Authorization: target.basicAuth } : {},
  );
  const fetchThroughTransport = slackWebApiFetch(context.send, context.redactor, ownHeaders);
  const client: WebClient = new WebClientClass(spec.token || undefined, {
    slackApiUrl: target.apiUrl,
    // @slack/web-api 8 sends with `fetch`; 7 with axios, given the same fetch as an adapter.
    fetch: fetchThroughTransport as FetchFunction,
    adapter: axiosAdapter(fetchThroughTransport),
    headers: spec.headers,
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
