import { timingSafeEqual } from 'node:crypto';

/**
 * Byte comparison whose duration does not depend on where the inputs differ, so a forger
 * cannot learn a MAC prefix by timing. Lengths are public (fixed per algorithm), so checking
 * them first leaks nothing.
 */
export function bytesEqualConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}
