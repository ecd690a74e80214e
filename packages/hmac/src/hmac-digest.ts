import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { HmacAlgorithm } from './algorithms.js';
import { type ByteInput, checkByteInput, checkKey } from './byte-input.js';

/**
 * HMAC of the payload's bytes (a string means its UTF-8 bytes) under the key's bytes, as text:
 * signatures travel as text, and node:crypto makes a hex string faster than a Buffer.
 */
export function computeHmacText(
  algorithm: HmacAlgorithm,
  key: ByteInput,
  payload: ByteInput,
  encoding: 'hex' | 'base64',
): string {
  return hmacOf(algorithm, key, payload).digest(encoding);
}

function hmacOf(algorithm: HmacAlgorithm, key: ByteInput, payload: ByteInput) {
  checkKey(key);
  checkByteInput(payload, 'payload');
  // node:crypto takes strings as UTF-8 itself: no intermediate Buffer copies on the verify hot path.
  return createHmac(algorithm, keyObjectFor(key)).update(payload);
}

// A receiver verifies every request with the same key: importing it once as a KeyObject makes
// each HMAC measurably cheaper. Byte keys are not cached, since their contents can change.
let cachedKeyText: string | undefined;
let cachedKeyObject: KeyObject | undefined;

function keyObjectFor(key: ByteInput): KeyObject | Uint8Array {
  if (typeof key !== 'string') return key;
  if (key !== cachedKeyText || !cachedKeyObject) {
    cachedKeyObject = createSecretKey(Buffer.from(key, 'utf8'));
    cachedKeyText = key;
  }
  return cachedKeyObject;
}
