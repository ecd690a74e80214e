// A Go duration as `time.ParseDuration` reads it: an optional sign, then one or more decimal
// numbers each with a unit (`1h30m`, `1.5s`, `.5s`, `250ms`), or a bare `0`.
const GO_DURATION = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const GO_DURATION_PART = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3, // U+00B5 micro sign
  μs: 1e-3, // U+03BC Greek small letter mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** The units `parseDurationMs` accepts, for messages. */
export const GO_DURATION_UNITS = 'ns, us, ms, s, m, h';

/** setTimeout's ceiling (about 24.8 days). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Milliseconds of a Go duration string or a number of milliseconds; NaN when it is neither. */
export function parseDurationMs(value: string | number): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  if (value === '0' || value === '+0' || value === '-0') return 0;
  if (!GO_DURATION.test(value)) return Number.NaN;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(GO_DURATION_PART)) {
    total += Number(amount) * (UNIT_MS[unit as string] as number);
  }
  return value.startsWith('-') ? -total : total;
}
