/**
 * How the Sentry client's envelopes reach the server: the core transport's fetch of the post
 * that captured them (retries, deadline, proxy, TLS, redaction, onAttempt), or, outside a post,
 * once through the notifier's dispatcher. The SDK's transport has no retries of its own.
 */
import {
  type Deadline,
  type Dispatcher,
  type HttpRequest,
  type HttpResponse,
  NotifierError,
  type SendHttp,
  transportFetch,
} from '@notiflux/core';
import type { SentryDsn } from './dsn.js';

const TYPE = 'sentry';

/** What the SDK transport reads back: the status and its rate-limit headers. */
export interface TransportResponse {
  statusCode: number;
  headers: { 'x-sentry-rate-limits': string | null; 'retry-after': string | null };
}

/**
 * The core transport's fetch for envelopes of a post. The SDK reads only the status and two
 * headers, so the answer's body is not read.
 */
export function envelopeFetch(send: SendHttp): typeof fetch {
  return transportFetch(send, (request) => ({ ...request, readResponse: false }));
}

/** A fetch that sends once straight through the notifier's dispatcher, for envelopes outside a post. */
export function fetchOnce(pool: () => Promise<Dispatcher>, deadline?: Deadline): typeof fetch {
  return transportFetch((request) => requestDirect(pool, request, deadline));
}

async function requestDirect(
  pool: () => Promise<Dispatcher>,
  request: HttpRequest,
  deadline: Deadline | undefined,
): Promise<HttpResponse> {
  const dispatcher = await pool();
  const url = new URL(request.url);
  const response = await dispatcher.request({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: 'POST',
    headers: request.headers,
    body: request.body === undefined ? null : request.body,
    ...(deadline ? { signal: deadline.signal } : {}),
  });
  await response.body.dump();
  if (response.statusCode < 200 || response.statusCode > 299) {
    throw new NotifierError(
      'HTTP_STATUS',
      `${TYPE}: failed to send event to Sentry: HTTP ${response.statusCode}`,
      {
        providerType: TYPE,
        status: response.statusCode,
        retryable: response.statusCode === 429 || response.statusCode >= 500,
      },
    );
  }
  return { status: response.statusCode, headers: response.headers, body: '' };
}

/** Auth in a header, as the Go SDK sends it, so the URL (shown in errors and reports) holds no key. */
export function sentryAuthHeader(dsn: SentryDsn, sdkVersion: string): string {
  const secret = dsn.secretKey ? `, sentry_secret=${dsn.secretKey}` : '';
  return `Sentry sentry_version=7, sentry_client=sentry.javascript.node/${sdkVersion}, sentry_key=${dsn.publicKey}${secret}`;
}

export function toTransportResponse(response: Response): TransportResponse {
  return {
    statusCode: response.status,
    headers: {
      'x-sentry-rate-limits': response.headers.get('x-sentry-rate-limits'),
      'retry-after': response.headers.get('retry-after'),
    },
  };
}
