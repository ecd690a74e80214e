import { NotifierError, prefixError, rewordError } from '@notiflux/core';
import { describe, expect, it } from 'vitest';

const original = new NotifierError('HTTP_STATUS', 'POST https://example.test/: HTTP 429', {
  providerType: 'generic',
  status: 429,
  retryable: true,
  retryAfterMs: 2000,
});

describe('prefixError / rewordError', () => {
  it('prefixes the message and keeps code, status, retryable, retryAfterMs, provider; the original is the cause', () => {
    const prefixed = prefixError(original, 'generic: resolve');
    expect(prefixed).toBeInstanceOf(NotifierError);
    expect(prefixed.message).toBe('generic: resolve: POST https://example.test/: HTTP 429');
    expect(prefixed).toMatchObject({
      code: 'HTTP_STATUS',
      providerType: 'generic',
      status: 429,
      retryable: true,
      retryAfterMs: 2000,
    });
    expect(prefixed.cause).toBe(original);
  });

  it('takes another provider and cause when given', () => {
    const cause = new Error('redacted copy');
    const reworded = rewordError(original, 'sentry: failed', { providerType: 'sentry', cause });
    expect(reworded.message).toBe('sentry: failed');
    expect(reworded.providerType).toBe('sentry');
    expect(reworded.cause).toBe(cause);
    expect(reworded.retryAfterMs).toBe(2000);
  });

  it('leaves out what the original did not have', () => {
    const bare = prefixError(new NotifierError('NETWORK', 'connection refused'), 'gitea');
    expect(bare.message).toBe('gitea: connection refused');
    expect(bare.status).toBeUndefined();
    expect(bare.retryAfterMs).toBeUndefined();
    expect(bare.retryable).toBe(false);
  });
});
