import { NotifierError } from '@notiflux/providers';

/** Delays between queue-level attempts: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_SCHEDULE: readonly number[] = [
  5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
];

/** Each delay varies by up to this share either way, so retries of many deliveries spread out. */
export const SCHEDULE_JITTER = 0.1;

/**
 * Whether a failed post is worth another queue-level attempt: connection failures, timeouts, and
 * HTTP 429 and 5xx but 501. Everything else (invalid event, a refusal, other 4xx, a missing SDK)
 * will fail the same way again.
 */
export function isRetryableFailure(error: unknown): boolean {
  if (!(error instanceof NotifierError)) return false;
  switch (error.code) {
    case 'NETWORK':
    case 'TIMEOUT':
      return true;
    case 'HTTP_STATUS':
      return (
        error.status === 429 || (error.status !== undefined && error.status >= 500 && error.status !== 501)
      );
    default:
      return false;
  }
}

/**
 * The delay before queue-level attempt `attemptsMade + 1`, or `undefined` when the delivery is
 * dead: a failure that is not retryable, or a schedule run out. A `Retry-After` longer than the
 * step is honoured.
 */
export function nextAttemptDelayMs(
  error: unknown,
  attemptsMade: number,
  schedule: readonly number[] = DEFAULT_SCHEDULE,
  random: () => number = Math.random,
): number | undefined {
  if (!isRetryableFailure(error)) return undefined;
  const step = schedule[attemptsMade - 1];
  if (step === undefined) return undefined;
  const jittered = Math.round(step * (1 + SCHEDULE_JITTER * (2 * random() - 1)));
  const asked = error instanceof NotifierError ? (error.retryAfterMs ?? 0) : 0;
  return Math.max(jittered, asked);
}

/** Checks a user's schedule: finite, non-negative delays. */
export function checkSchedule(schedule: readonly number[] | undefined): readonly number[] {
  if (schedule === undefined) return DEFAULT_SCHEDULE;
  if (!Array.isArray(schedule) || !schedule.every((delay) => Number.isFinite(delay) && delay >= 0)) {
    throw new TypeError('schedule must be an array of delays in ms, each a finite number >= 0');
  }
  return [...schedule];
}
