import { NotifierError, type NotifierErrorCode } from '@notiflux/providers';

/** What of a failed post survives in Redis: BullMQ keeps the error's message as `failedReason`. */
interface StoredFailure {
  code: NotifierErrorCode;
  message: string;
  status?: number;
  retryable: boolean;
  providerType?: string;
}

const MARK = 'notiflux-failure:';

/**
 * The message BullMQ stores for a failed attempt: the NotifierError's fields as JSON. Messages
 * of NotifierErrors are already redacted; anything else thrown is reduced to its class name, as
 * its message might hold a secret.
 */
export function storedFailureMessage(error: unknown): string {
  const failure: StoredFailure =
    error instanceof NotifierError
      ? {
          code: error.code,
          message: error.message,
          retryable: error.retryable,
          ...(error.status !== undefined ? { status: error.status } : {}),
          ...(error.providerType !== undefined ? { providerType: error.providerType } : {}),
        }
      : {
          code: 'REJECTED',
          message: `the post failed with ${error instanceof Error ? error.name : typeof error}`,
          retryable: false,
        };
  return MARK + JSON.stringify(failure);
}

/** Rebuilds the NotifierError of a dead delivery, in whichever process reads it. */
export function rebuildFailure(failedReason: string | undefined): NotifierError {
  if (failedReason?.startsWith(MARK)) {
    try {
      const stored = JSON.parse(failedReason.slice(MARK.length)) as StoredFailure;
      return new NotifierError(stored.code, stored.message, {
        retryable: stored.retryable,
        status: stored.status,
        providerType: stored.providerType as NotifierError['providerType'],
      });
    } catch {
      // Fall through: a reason written by something else.
    }
  }
  // BullMQ's own reasons, e.g. a job that stalled more often than allowed.
  return new NotifierError(
    'ABORTED',
    `the queue gave up on the delivery: ${failedReason ?? 'no reason recorded'}`,
  );
}
