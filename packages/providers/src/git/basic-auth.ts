import { NotifierError, type Redactor } from '@notiflux/core';

/** `base64(user:password)`, the value after `Basic ` (Bitbucket, Azure DevOps). */
export function basicAuthCredentials(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

/**
 * `error` with Basic credentials hidden as well: the notifier's redactor knows the password or
 * token, not its base64 form, which a server may echo back from the Authorization header.
 */
export function hideBasicCredentials(error: unknown, redactor: Redactor, credentials: string): unknown {
  if (!(error instanceof NotifierError) || !mentions(error, credentials)) return error;
  const hiding = redactor.with([credentials]);
  return new NotifierError(error.code, hiding.text(error.message), {
    providerType: error.providerType,
    status: error.status,
    retryable: error.retryable,
    cause: hiding.error(error.cause),
  });
}

function mentions(error: unknown, text: string, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 8) return false;
  return error.message.includes(text) || mentions(error.cause, text, depth + 1);
}
