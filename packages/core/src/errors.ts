import type { ProviderType } from './provider-types.js';

export type NotifierErrorCode =
  | 'INVALID_SPEC'
  | 'INVALID_EVENT'
  | 'UNSUPPORTED_TYPE'
  | 'MISSING_DEPENDENCY'
  | 'HTTP_STATUS'
  | 'REJECTED'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'ABORTED';

export interface NotifierErrorOptions {
  providerType?: ProviderType | undefined;
  status?: number | undefined;
  retryable?: boolean | undefined;
  /** How long the service asked the caller to wait (`Retry-After`), in ms, when it said so. */
  retryAfterMs?: number | undefined;
  /** Must already be redacted: see `Redactor.error`. */
  cause?: unknown;
}

/**
 * The one error type every notiflux call rejects with. Messages, causes and properties never
 * carry secrets: they are built from redacted parts only.
 */
export class NotifierError extends Error {
  override readonly name = 'NotifierError';
  readonly code: NotifierErrorCode;
  readonly providerType?: ProviderType;
  readonly status?: number;
  readonly retryable: boolean;
  /**
   * The wait the service asked for (`Retry-After` on a 429 or 503), in ms, when it asked: a
   * queue that retries later honours it.
   */
  readonly retryAfterMs?: number;

  constructor(code: NotifierErrorCode, message: string, options: NotifierErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.providerType !== undefined) this.providerType = options.providerType;
    if (options.status !== undefined) this.status = options.status;
    this.retryable = options.retryable ?? false;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

export function isNotifierError(value: unknown): value is NotifierError {
  return value instanceof NotifierError;
}
