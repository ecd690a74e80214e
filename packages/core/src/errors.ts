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

  constructor(code: NotifierErrorCode, message: string, options: NotifierErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.providerType !== undefined) this.providerType = options.providerType;
    if (options.status !== undefined) this.status = options.status;
    this.retryable = options.retryable ?? false;
  }
}

export function isNotifierError(value: unknown): value is NotifierError {
  return value instanceof NotifierError;
}
