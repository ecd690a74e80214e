import { describe, expect, it } from 'vitest';
import {
  acceptedHeaders,
  duplicateHeaders,
  formatResetTime,
} from '../../packages/dispatch/src/server/rate-limit-headers.js';

/** 2026-01-02 15:09:05 UTC, and half a second into it. */
const reset = Date.UTC(2026, 0, 2, 15, 9, 5);

describe('rate-limit headers', () => {
  it('formats the reset time as Go does, with the zone named UTC', () => {
    expect(formatResetTime(reset)).toBe('Fri, 02 Jan 2026 15:09:05 UTC');
    expect(formatResetTime(reset + 500)).toBe('Fri, 02 Jan 2026 15:09:05 UTC');
    expect(formatResetTime(reset + 1000)).toBe('Fri, 02 Jan 2026 15:09:06 UTC');
  });

  it('gives a 202 the three X-RateLimit headers and an empty body, as a flat list', () => {
    expect(acceptedHeaders({ limit: 1, remaining: 0, resetAt: reset })).toEqual([
      'X-RateLimit-Limit',
      '1',
      'X-RateLimit-Remaining',
      '0',
      'X-RateLimit-Reset',
      'Fri, 02 Jan 2026 15:09:05 UTC',
      'Content-Length',
      '0',
    ]);
    expect(acceptedHeaders(undefined)).toEqual(['Content-Length', '0']);
  });

  it('makes the list once per second of reset time and a new one when the second or the figures change', () => {
    const first = acceptedHeaders({ limit: 1, remaining: 0, resetAt: reset });
    expect(acceptedHeaders({ limit: 1, remaining: 0, resetAt: reset })).toBe(first);
    // Windows are anchored at each key's first event: ends within one second show the same time.
    expect(acceptedHeaders({ limit: 1, remaining: 0, resetAt: reset + 999 })).toBe(first);

    const next = acceptedHeaders({ limit: 1, remaining: 0, resetAt: reset + 300_000 });
    expect(next).not.toBe(first);
    expect(next[5]).toBe('Fri, 02 Jan 2026 15:14:05 UTC');

    const other = acceptedHeaders({ limit: 1, remaining: 1, resetAt: reset + 300_000 });
    expect(other.slice(0, 4)).toEqual(['X-RateLimit-Limit', '1', 'X-RateLimit-Remaining', '1']);
    // The list given earlier is not changed by the ones made after it.
    expect(first[5]).toBe('Fri, 02 Jan 2026 15:09:05 UTC');
  });

  it('gives a suppressed duplicate the same headers and Retry-After', () => {
    expect(duplicateHeaders({ limit: 1, remaining: 0, resetAt: reset })).toEqual({
      'X-RateLimit-Limit': '1',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': 'Fri, 02 Jan 2026 15:09:05 UTC',
      'Retry-After': 'Fri, 02 Jan 2026 15:09:05 UTC',
    });
    expect(duplicateHeaders(undefined)).toEqual({});
  });
});
