/**
 * Payloads and keys arrive as strings or bytes. A string always means its UTF-8 bytes, as Go's
 * `[]byte(s)` does on the Flux side, so both ends HMAC the same octets.
 */
import { Buffer } from 'node:buffer';

export type ByteInput = string | Uint8Array;

export function toBytes(value: ByteInput, what: string): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`${what} must be a string or a Uint8Array`);
}

/** An empty key makes every MAC forgeable by anyone who knows it is empty: refuse it. */
export function toKeyBytes(key: ByteInput): Buffer {
  const bytes = toBytes(key, 'HMAC key');
  if (bytes.length === 0) throw new TypeError('HMAC key is empty');
  return bytes;
}

/** Throws the TypeError `toBytes` would, without copying: for inputs handed straight to node:crypto. */
export function checkByteInput(value: unknown, what: string): asserts value is ByteInput {
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
    throw new TypeError(`${what} must be a string or a Uint8Array`);
  }
}

/** `toKeyBytes`'s checks without the copy. */
export function checkKey(key: unknown): asserts key is ByteInput {
  checkByteInput(key, 'HMAC key');
  // A non-empty string always has at least one UTF-8 byte.
  if ((typeof key === 'string' ? key.length : key.byteLength) === 0) throw new TypeError('HMAC key is empty');
}
