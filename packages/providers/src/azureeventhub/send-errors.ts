/** How `@azure/event-hubs` failures become NotifierErrors: refusals REJECTED, the rest NETWORK. */
import { type Deadline, NotifierError, type NotifierErrorCode, type Redactor } from '@notiflux/core';

const TYPE = 'azureeventhub';

/** SDK error codes meaning the service refused: credentials, an unknown or disabled hub, the event itself. */
const REFUSED_CODES = new Set([
  'UnauthorizedError',
  'MessagingEntityNotFoundError',
  'MessagingEntityDisabledError',
  'MessageTooLargeError',
  'ArgumentError',
  'ArgumentOutOfRangeError',
  'QuotaExceededError',
]);

export function sendError(
  stage: string,
  error: unknown,
  deadline: Deadline,
  redactor: Redactor,
): NotifierError {
  const cause = redactor.error(error);
  const message = `${TYPE}: ${stage}: ${eventHubErrorDetail(error, redactor)}`;
  if (deadline.abortedBy === 'timeout') {
    return new NotifierError('TIMEOUT', `${TYPE}: timed out after ${deadline.timeoutMs}ms: ${stage}`, {
      providerType: TYPE,
      retryable: true,
      cause,
    });
  }
  if (deadline.abortedBy === 'caller') {
    return new NotifierError('ABORTED', `${TYPE}: aborted by the caller: ${stage}`, {
      providerType: TYPE,
      cause,
    });
  }
  const code = (lastFailure(error) as { code?: unknown } | null)?.code;
  const refused = typeof code === 'string' && REFUSED_CODES.has(code);
  const kind: NotifierErrorCode = refused ? 'REJECTED' : 'NETWORK';
  return new NotifierError(kind, message, { providerType: TYPE, retryable: !refused, cause });
}

/** The SDK reports retried operations as an AggregateError of every attempt's error. */
function failuresOf(error: unknown): unknown[] {
  return error instanceof AggregateError && error.errors.length > 0 ? error.errors : [error];
}

function lastFailure(error: unknown): unknown {
  return failuresOf(error).at(-1);
}

export function eventHubErrorDetail(error: unknown, redactor: Redactor): string {
  const messages = failuresOf(error).map((failure) =>
    failure instanceof Error ? failure.message || failure.name : String(failure),
  );
  return redactor.text([...new Set(messages)].join('; '));
}
