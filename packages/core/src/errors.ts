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

/** What a re-worded error may change; everything else is taken from the error it wraps. */
export interface RewordOptions {
  /** The provider to name instead of the wrapped error's. */
  providerType?: ProviderType | undefined;
  /** The cause to keep instead of the wrapped error itself (a redacted copy, say). Must already be redacted. */
  cause?: unknown;
}

/**
 * `error` with a new message: code, status, retryable, retryAfterMs and provider kept, the
 * original as cause. The message must already be redacted.
 */
export function rewordError(
  error: NotifierError,
  message: string,
  options: RewordOptions = {},
): NotifierError {
  return new NotifierError(error.code, message, {
    providerType: options.providerType ?? error.providerType,
    status: error.status,
    retryable: error.retryable,
    retryAfterMs: error.retryAfterMs,
    cause: 'cause' in options ? options.cause : error,
  });
}

/** `error` as `<prefix>: <its message>`, everything else kept as by `rewordError`. */
export function prefixError(
  error: NotifierError,
  prefix: string,
  options: RewordOptions = {},
): NotifierError {
  return rewordError(error, `${prefix}: ${error.message}`, options);
}
