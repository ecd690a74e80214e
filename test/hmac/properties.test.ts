import { createHmac } from 'node:crypto';
import {
  type HmacAlgorithm,
  hmacAlgorithms,
  SignatureError,
  sign,
  signStandardWebhook,
  verify,
  verifyOrThrow,
  verifyStandardWebhook,
} from '@notiflux/hmac';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const algorithm = fc.constantFrom<HmacAlgorithm>(...hmacAlgorithms);
const bytes = fc.uint8Array({ maxLength: 512 });
const payload = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), bytes);
const key = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 }),
  fc.uint8Array({ minLength: 1, maxLength: 128 }),
);
const reasons = ['missing', 'malformed', 'unsupported-algorithm', 'mismatch'];

describe('properties', () => {
  it('sign then verify round-trips for any payload, key and algorithm', () => {
    fc.assert(
      fc.property(payload, key, algorithm, (body, secret, alg) => {
        const signature = sign(body, secret, alg);
        const expected = createHmac(alg, typeof secret === 'string' ? Buffer.from(secret) : secret)
          .update(typeof body === 'string' ? Buffer.from(body) : body)
          .digest('hex');
        expect(signature).toBe(`${alg}=${expected}`);
        expect(verify(signature, body, secret, { algorithms: [alg] })).toBe(true);
        expect(
          verify(signature.toUpperCase().replace(alg.toUpperCase(), alg), body, secret, {
            algorithms: [alg],
          }),
        ).toBe(true);
      }),
    );
  });

  it('a different key or payload never verifies', () => {
    fc.assert(
      fc.property(
        bytes,
        bytes,
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        algorithm,
        (body, other, secret, alg) => {
          fc.pre(!Buffer.from(body).equals(Buffer.from(other)));
          expect(verify(sign(body, secret, alg), other, secret, { algorithms: [alg] })).toBe(false);
          const otherKey = Uint8Array.from(secret, (byte, i) => (i === 0 ? byte ^ 1 : byte));
          expect(verify(sign(body, secret, alg), body, otherKey, { algorithms: [alg] })).toBe(false);
        },
      ),
    );
  });

  it('verify never throws on any header string, and verifyOrThrow only throws SignatureError', () => {
    const header = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc
        .tuple(
          fc.constantFrom(...hmacAlgorithms, 'SHA256', 'md5', ''),
          fc.constantFrom('=', ':', ''),
          fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFxyz=, '), maxLength: 140 }),
        )
        .map(([name, separator, digest]) => `${name}${separator}${digest}`),
    );
    fc.assert(
      fc.property(header, payload, key, (value, body, secret) => {
        expect(typeof verify(value, body, secret)).toBe('boolean');
        expect(typeof verify(value, body, secret, { algorithms: [...hmacAlgorithms] })).toBe('boolean');
        try {
          verifyOrThrow(value, body, secret);
        } catch (error) {
          expect(error).toBeInstanceOf(SignatureError);
          expect(reasons).toContain((error as SignatureError).reason);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('Standard Webhooks sign then verify round-trips for any body and id', () => {
    const id = fc.string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-'),
      minLength: 1,
      maxLength: 40,
    });
    const secret = fc.uint8Array({ minLength: 24, maxLength: 64 });
    fc.assert(
      fc.property(id, bytes, secret, fc.integer({ min: 0, max: 2 ** 40 }), (msgId, body, key, timestamp) => {
        const headers = signStandardWebhook({ id: msgId, timestamp, body, secrets: key });
        expect(
          verifyStandardWebhook({ body, headers, secrets: key, now: new Date(timestamp * 1000) }),
        ).toEqual({
          id: msgId,
          timestamp,
        });
      }),
    );
  });
});
