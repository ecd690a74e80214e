/**
 * The duplicate-suppression headers of notification-controller's limiter, so that a producer
 * sees the same answer from us as from Flux.
 */
import type { RateLimitInfo } from '../dispatcher-types.js';

/** The last second formatted: every answer in one second shows the same reset time. */
let lastSecond = Number.NaN;
let lastText = '';

/** `Mon, 02 Jan 2006 15:04:05 UTC`: RFC 1123 with the zone named `UTC`, as Go formats it. */
export function formatResetTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastText = new Date(ms).toUTCString().replace(/GMT$/, 'UTC');
    lastSecond = second;
  }
  return lastText;
}

/**
 * The head of a 202: the three rate-limit headers and an empty body, as the flat name/value list
 * Node's `writeHead` takes. The reset time is shown to the second, so every event whose window
 * ends in the same second gets the same list: it is made once per such second rather than once
 * per event (an object spread and three header values per answer were a measurable share of an
 * accepted event's cost).
 */
export function acceptedHeaders(info: RateLimitInfo | undefined): readonly string[] {
  if (info === undefined) return acceptedWithoutLimit;
  const reset = formatResetTime(info.resetAt);
  const held = lastAccepted;
  if (held?.reset === reset && held.limit === info.limit && held.remaining === info.remaining) {
    return held.headers;
  }
  const headers = [...Object.entries(rateLimitHeaders(info)).flat(), 'Content-Length', '0'];
  lastAccepted = { reset, limit: info.limit, remaining: info.remaining, headers };
  return headers;
}

const acceptedWithoutLimit: readonly string[] = ['Content-Length', '0'];
let lastAccepted: { reset: string; limit: number; remaining: number; headers: readonly string[] } | undefined;

export function rateLimitHeaders(info: RateLimitInfo): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(info.limit),
    'X-RateLimit-Remaining': String(info.remaining),
    'X-RateLimit-Reset': formatResetTime(info.resetAt),
  };
}

/** A suppressed duplicate also says when to come back, with the same time. */
export function duplicateHeaders(info: RateLimitInfo | undefined): Record<string, string> {
  if (info === undefined) return {};
  return { ...rateLimitHeaders(info), 'Retry-After': formatResetTime(info.resetAt) };
}
