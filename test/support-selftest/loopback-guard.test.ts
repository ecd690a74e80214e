import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../support/loopback-guard.js';

// The guard's decision is tested on its own; no test ever tries a real outside address.
describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'])(
    'allows %s',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );

  it.each([
    '169.254.169.254',
    'metadata.google.internal',
    '10.0.0.1',
    '0.0.0.0',
    'example.com',
    '',
    undefined,
    '::ffff:10.0.0.1',
  ])('refuses %s', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});
