import type { Deadline } from '@notiflux/core';

/**
 * `work`, or a rejection as soon as the deadline ends, for SDK calls that take no signal (the
 * core turns the rejection into TIMEOUT or ABORTED). `why` words the rejection: `timeout` when
 * the time ran out, `caller` (default: the same) when the caller aborted.
 */
export function withinDeadline<T>(
  work: Promise<T>,
  deadline: Deadline,
  why: { timeout: string; caller?: string },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = deadline.onAbort(() =>
      reject(new Error(deadline.abortedBy === 'caller' ? (why.caller ?? why.timeout) : why.timeout)),
    );
    work.then(
      (value) => {
        stop();
        resolve(value);
      },
      (error: unknown) => {
        stop();
        reject(error);
      },
    );
  });
}
