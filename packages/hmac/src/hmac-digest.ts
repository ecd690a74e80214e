import { createHmac } from 'node:crypto';
import type { HmacAlgorithm } from './algorithms.js';
import { type ByteInput, toBytes, toKeyBytes } from './byte-input.js';

/** HMAC of the exact payload bytes; the key is used as given (never trimmed nor lower-cased). */
export function computeHmac(algorithm: HmacAlgorithm, key: ByteInput, payload: ByteInput): Buffer {
  return createHmac(algorithm, toKeyBytes(key)).update(toBytes(payload, 'payload')).digest();
}
