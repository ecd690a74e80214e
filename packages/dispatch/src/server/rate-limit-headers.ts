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
