import { NotifierError, type Redactor } from '@notiflux/core';
import type { NatsError } from 'nats';

/**
 * The publisher's failures as NotifierErrors: authorization problems are REJECTED, a client
 * timeout TIMEOUT, the rest NETWORK; every message names the subject and passes the redactor.
 */
export class NatsPublishErrors {
  constructor(
    private readonly channel: string,
    private readonly redactor: Redactor,
  ) {}

  /** A client error, classified by its code. */
  failure(step: string, error: unknown): NotifierError {
    const code = (error as Partial<NatsError> | undefined)?.code;
    const detail = this.redactor.text(error instanceof Error ? error.message : String(error));
    if (code === 'TIMEOUT') {
      return new NotifierError('TIMEOUT', `${this.prefix()}${step}: ${detail}`, {
        providerType: 'nats',
        retryable: true,
        cause: this.redactor.error(error),
      });
    }
    if (
      code === 'BAD_CREDS' ||
      code === 'AUTHORIZATION_VIOLATION' ||
      code === 'PERMISSIONS_VIOLATION' ||
      code === 'BAD_AUTHENTICATION'
    ) {
      return this.rejected(step, detail, error);
    }
    if (code === 'NATS_PROTOCOL_ERR' && /nkey|seed|jwt|creds|authenticat/i.test(detail)) {
      return this.rejected(step, detail, error);
    }
    return new NotifierError('NETWORK', `${this.prefix()}${step}: ${detail}`, {
      providerType: 'nats',
      retryable: true,
      cause: this.redactor.error(error),
    });
  }

  /** The server refused: retrying the same post will not help. */
  rejected(step: string, detail: string, error?: unknown): NotifierError {
    return new NotifierError('REJECTED', `${this.prefix()}${step}: ${this.redactor.text(detail)}`, {
      providerType: 'nats',
      retryable: false,
      cause: error === undefined ? undefined : this.redactor.error(error),
    });
  }

  private prefix(): string {
    return `nats: error publishing event to subject ${this.channel}: `;
  }
}
