// Flux's `timeout` pattern: a Go duration of ms, s and m units (`500ms`, `30s`, `1m30s`, `1.5m`).
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m))+$/;
const GO_DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** setTimeout's ceiling (about 24.8 days). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Milliseconds of a Go duration string or a number of milliseconds; NaN when it is neither. */
export function parseDurationMs(value: string | number): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  if (!GO_DURATION.test(value)) return Number.NaN;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(GO_DURATION_PART)) {
    total += Number(amount) * (UNIT_MS[unit as string] as number);
  }
  return total;
}
