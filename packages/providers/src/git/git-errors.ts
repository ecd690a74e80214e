/** Error shapes shared by the git providers (docs/design/git-providers.md#errors). */
import { NotifierError, type ProviderType, rewordError } from '@notiflux/core';

/** A per-event check failed before any request (`INVALID_EVENT`). */
export function gitEventError(type: ProviderType, message: string): NotifierError {
  return new NotifierError('INVALID_EVENT', `${type}: ${message}`, { providerType: type });
}

/** A per-call spec problem (`INVALID_SPEC`), e.g. a `commitStatus` function that threw. */
export function gitSpecError(type: ProviderType, message: string, cause?: unknown): NotifierError {
  return new NotifierError('INVALID_SPEC', `${type}: ${message}`, { providerType: type, cause });
}

/**
 * Runs a call and puts the upstream wording in front of its failure
 * (`could not list commit statuses: <cause>`), keeping code, status and retryability.
 * The cause's message must already be redacted (core transport errors are).
 */
export async function withErrorPrefix<T>(
  type: ProviderType,
  prefix: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw prefixError(type, prefix, error);
  }
}

/** `error` as a NotifierError whose message reads `<type>: <prefix>: <cause message>`. */
export function prefixError(type: ProviderType, prefix: string, error: unknown): NotifierError {
  if (!(error instanceof NotifierError)) {
    const detail = error instanceof Error ? error.message : String(error);
    return new NotifierError('NETWORK', `${type}: ${prefix}: ${detail}`, {
      providerType: type,
      cause: error,
    });
  }
  const ownPrefix = `${type}: `;
  const detail = error.message.startsWith(ownPrefix) ? error.message.slice(ownPrefix.length) : error.message;
  return rewordError(error, `${type}: ${prefix}: ${detail}`, { providerType: type });
}
