/**
 * Strict decoding of the digest part of a signature header. Buffer.from(text, 'hex') silently
 * stops at the first bad character, which would let "abZZ…" verify as "ab": so the text is
 * checked against the alphabet and the exact length first.
 */
import { Buffer } from 'node:buffer';

export type DigestEncoding = 'hex' | 'base64';

const hexDigits = /^[0-9a-fA-F]*$/;
/** What senders almost always use; tested first so the common case scans once. */
const lowerCaseHexDigits = /^[0-9a-f]*$/;
const base64Text = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decoded bytes, or a human-readable reason (without the input) why the text is not a digest of that size. */
export function decodeDigest(
  text: string,
  encoding: DigestEncoding,
  expectedBytes: number,
): { bytes: Buffer } | { problem: string } {
  if (encoding === 'hex') {
    if (!hexDigits.test(text)) return { problem: 'the digest is not hexadecimal' };
    if (text.length !== expectedBytes * 2) {
      return {
        problem: `the digest has ${text.length} hex characters where ${expectedBytes * 2} are expected`,
      };
    }
    return { bytes: Buffer.from(text, 'hex') };
  }
  const expectedLength = Math.ceil(expectedBytes / 3) * 4;
  if (!base64Text.test(text) || text.length !== expectedLength) {
    return { problem: `the digest is not ${expectedLength} characters of padded base64` };
  }
  const bytes = Buffer.from(text, 'base64');
  // Rejects non-canonical spellings (stray bits in the last character) so one MAC has one form.
  if (bytes.length !== expectedBytes || bytes.toString('base64') !== text) {
    return { problem: 'the digest is not canonical base64 of the expected length' };
  }
  return { bytes };
}

/**
 * The digest as the verifier compares it: lower-case hex, or the (canonical, padded) base64 as
 * given. Checks the same rules as `decodeDigest` without decoding.
 */
export function canonicalDigestText(
  text: string,
  encoding: DigestEncoding,
  expectedBytes: number,
): { text: string } | { problem: string } {
  if (encoding === 'base64') {
    const decoded = decodeDigest(text, encoding, expectedBytes);
    return 'problem' in decoded ? decoded : { text };
  }
  const lowerCase = lowerCaseHexDigits.test(text);
  if (!lowerCase && !hexDigits.test(text)) return { problem: 'the digest is not hexadecimal' };
  if (text.length !== expectedBytes * 2) {
    return {
      problem: `the digest has ${text.length} hex characters where ${expectedBytes * 2} are expected`,
    };
  }
  return { text: lowerCase ? text : text.toLowerCase() };
}
