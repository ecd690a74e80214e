/**
 * Why a signed request was refused. Messages name the rule that failed and never carry the
 * key, the expected MAC or the received signature, so they are safe to log or return.
 */

export type SignatureFailureReason =
  /** No signature header, or an empty one (Standard Webhooks: any of its three headers). */
  | 'missing'
  /** The header does not have the scheme's shape: separator, hex/base64 digest of the right length, no ',' from joined duplicates. */
  | 'malformed'
  /** The header names an algorithm (or Standard Webhooks version) the verifier does not allow. */
  | 'unsupported-algorithm'
  /** Well-formed, but no signature matches the body and key. */
  | 'mismatch'
  /** The body is larger than `maxBodyBytes`; it was not read to the end nor verified. */
  | 'too-large'
  /** Standard Webhooks only: `webhook-timestamp` is further from now than the tolerance. */
  | 'timestamp-out-of-tolerance';

const defaultMessages: Readonly<Record<SignatureFailureReason, string>> = {
  missing: 'signature header is missing or empty',
  malformed: 'signature header is malformed',
  'unsupported-algorithm': 'signature algorithm is not allowed',
  mismatch: 'signature does not match the request body',
  'too-large': 'request body is larger than the limit',
  'timestamp-out-of-tolerance': 'webhook timestamp is outside the allowed tolerance',
};

export class SignatureError extends Error {
  override readonly name = 'SignatureError';
  readonly reason: SignatureFailureReason;

  constructor(reason: SignatureFailureReason, message: string = defaultMessages[reason]) {
    super(message);
    this.reason = reason;
  }
}

export function isSignatureError(value: unknown): value is SignatureError {
  return value instanceof SignatureError;
}
