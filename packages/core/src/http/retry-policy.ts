import type { RetryOptions } from '../provider-spec.js';

// Flux's client (go-retryablehttp as notification-controller configures it): retry on
// connection errors, 429 and 5xx except 501; exponential back-off without jitter.

export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

/** Back-off before retry number `retryIndex` (0 for the first retry). */
export function backoffDelayMs(retryIndex: number, retry: Required<RetryOptions>): number {
  return Math.min(retry.minDelayMs * 2 ** retryIndex, retry.maxDelayMs);
}

/**
 * `Retry-After` in milliseconds, honoured on 429 and 503 as upstream: delta seconds or an
 * HTTP date (a past date means now). Undefined when absent or unparsable.
 */
export function retryAfterMs(
  status: number,
  header: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  if (status !== 429 && status !== 503) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

// Certificate problems and malformed requests do not get better by retrying (upstream's
// go-retryablehttp refuses to retry x509 errors, bad schemes and invalid headers).
const PERMANENT_ERROR_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'ERR_INVALID_URL',
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_INVALID_CHAR',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_OSSL_PEM_NO_START_LINE',
]);

export function isRetryableTransportError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (PERMANENT_ERROR_CODES.has(code)) return false;
    // A dispatcher's own refusal (a MockAgent without a matching interceptor) is a programming error.
    if (code.startsWith('UND_MOCK_ERR_')) return false;
    if (/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_SSL|ERR_OSSL/.test(code)) return false;
  }
  // undici reports a proxy's refusal of the tunnel as a message only.
  const proxyStatus = proxyRefusalStatus(error);
  if (proxyStatus !== undefined) return isRetryableStatus(proxyStatus);
  return true;
}

/** The status a proxy answered a CONNECT with, when that is why the request failed. */
export function proxyRefusalStatus(error: unknown): number | undefined {
  const message = error instanceof Error ? error.message : '';
  const match = /Proxy (?:response \((\d{3})\)|Authentication Required \((\d{3})\))/.exec(message);
  const status = match?.[1] ?? match?.[2];
  return status === undefined ? undefined : Number(status);
}
