/**
 * Standard Webhooks v1 (standardwebhooks.com, spec 1.0.0; docs/design/signatures.md): an HMAC-SHA256 over
 * `<id>.<timestamp>.<body>` in `webhook-signature`, with a timestamp that bounds replays and a
 * list of signatures for secret rotation. Implemented on node:crypto; unlike the reference
 * library, the body is signed as bytes (no lossy string round-trip) and the timestamp must be
 * all digits.
 */
import type { Buffer } from 'node:buffer';
import { createHash, createHmac } from 'node:crypto';
import { type ByteInput, toBytes } from './byte-input.js';
import { bytesEqualConstantTime } from './constant-time.js';
import { decodeDigest } from './digest-encoding.js';
import { type HeaderSource, readHeader } from './request-headers.js';
import { SignatureError } from './signature-error.js';
import { type StandardWebhookSecret, standardWebhookKeys } from './standard-webhook-secret.js';

/** A type alias (not an interface) so it fits `Record<string, string>` header parameters. */
export type StandardWebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** The reference libraries' window, both into the past and the future. */
export const defaultStandardWebhookToleranceSeconds = 300;

const signatureBytes = 32;
/** Printable ASCII without '.', which would make `<id>.<timestamp>` ambiguous. */
const validId = /^[\x21-\x2d\x2f-\x7e]+$/;
const digitsOnly = /^[0-9]+$/;

export interface SignStandardWebhookInput {
  /** `webhook-id`: the same on every retry of one message; must not contain '.'. */
  id: string;
  /** Unix seconds (or a Date) of this attempt. Default: now. */
  timestamp?: number | Date;
  /** The exact body bytes sent (a string means its UTF-8 bytes). */
  body: ByteInput;
  /** One secret, or several to sign with each (zero-downtime rotation). */
  secrets: StandardWebhookSecret | readonly StandardWebhookSecret[];
}

function checkId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !validId.test(id)) {
    throw new TypeError('webhook-id must be non-empty printable ASCII without "." or spaces');
  }
}

function timestampSeconds(timestamp: number | Date | undefined): number {
  const seconds =
    timestamp === undefined
      ? Math.floor(Date.now() / 1000)
      : timestamp instanceof Date
        ? Math.floor(timestamp.getTime() / 1000)
        : timestamp;
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new TypeError('webhook timestamp must be whole, non-negative Unix seconds');
  }
  return seconds;
}

/** HMAC-SHA256 over `<id>.<timestamp>.` followed by the body bytes, concatenated as bytes. */
function macFor(key: Uint8Array, id: string, timestamp: string, body: Uint8Array): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`, 'utf8').update(body).digest();
}

/** The three `webhook-*` headers for one delivery attempt. */
export function signStandardWebhook(input: SignStandardWebhookInput): StandardWebhookHeaders {
  checkId(input.id);
  const timestamp = String(timestampSeconds(input.timestamp));
  const body = toBytes(input.body, 'body');
  const signatures = standardWebhookKeys(input.secrets).map(
    (key) => `v1,${macFor(key, input.id, timestamp, body).toString('base64')}`,
  );
  return {
    'webhook-id': input.id,
    'webhook-timestamp': timestamp,
    'webhook-signature': signatures.join(' '),
  };
}

/**
 * A `webhook-id` that is the same for the same body, so every retry of one notification carries
 * one id (receivers de-duplicate on it): `msg_` + base64url of the first 18 bytes of SHA-256.
 */
export function deriveStandardWebhookId(body: ByteInput): string {
  const hash = createHash('sha256').update(toBytes(body, 'body')).digest();
  return `msg_${hash.subarray(0, 18).toString('base64url')}`;
}

export interface StandardWebhookCheckOptions {
  /** Secret(s) the sender may have used; any match is enough. */
  secrets: StandardWebhookSecret | readonly StandardWebhookSecret[];
  /** Seconds the timestamp may be off from `now`, either way. Default 300. */
  toleranceSeconds?: number;
  /** The receiver's clock. Default: the current time. */
  now?: Date;
}

export interface VerifyStandardWebhookInput extends StandardWebhookCheckOptions {
  /** The raw body bytes as received (a string means its UTF-8 bytes). */
  body: ByteInput;
  /** Request headers: Node's `req.headers`, a fetch `Headers`, or a plain record (any case). */
  headers: HeaderSource;
}

export interface VerifiedStandardWebhook {
  /** `webhook-id`, to de-duplicate retries. */
  id: string;
  /** `webhook-timestamp`, Unix seconds. */
  timestamp: number;
}

interface CheckedHeaders extends VerifiedStandardWebhook {
  timestampText: string;
  signatureHeader: string;
}

function requiredHeader(headers: HeaderSource, name: keyof StandardWebhookHeaders): string {
  const value = readHeader(headers, name)?.trim();
  if (value === undefined || value === '')
    throw new SignatureError('missing', `${name} header is missing or empty`);
  return value;
}

/** Everything that needs no body: presence, id and timestamp syntax, tolerance (steps 1–2 of verifying). */
export function checkStandardWebhookHeaders(
  headers: HeaderSource,
  options: Omit<StandardWebhookCheckOptions, 'secrets'>,
): CheckedHeaders {
  const toleranceSeconds = options.toleranceSeconds ?? defaultStandardWebhookToleranceSeconds;
  if (!(toleranceSeconds >= 0)) throw new RangeError('toleranceSeconds must be a non-negative number');
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('now must be a valid Date');

  const id = requiredHeader(headers, 'webhook-id');
  const timestampText = requiredHeader(headers, 'webhook-timestamp');
  const signatureHeader = requiredHeader(headers, 'webhook-signature');
  if (!validId.test(id)) {
    throw new SignatureError('malformed', 'webhook-id is malformed: it must not contain "." or spaces');
  }
  const timestamp = Number(timestampText);
  if (!digitsOnly.test(timestampText) || !Number.isSafeInteger(timestamp)) {
    throw new SignatureError(
      'malformed',
      'webhook-timestamp is malformed: it must be Unix seconds, digits only',
    );
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    throw new SignatureError(
      'timestamp-out-of-tolerance',
      `webhook-timestamp is more than ${toleranceSeconds} s ${timestamp < nowSeconds ? 'in the past' : 'in the future'}`,
    );
  }
  return { id, timestamp, timestampText, signatureHeader };
}

/** Step 3 of verifying: any `v1` entry equal (in constant time) to the MAC under any secret. */
function checkSignatures(
  checked: CheckedHeaders,
  body: Uint8Array,
  secrets: StandardWebhookSecret | readonly StandardWebhookSecret[],
): void {
  const keys = standardWebhookKeys(secrets);
  const candidates: Buffer[] = [];
  let otherVersions = 0;
  for (const entry of checked.signatureHeader.split(/\s+/)) {
    const comma = entry.indexOf(',');
    if (comma === -1) continue;
    if (entry.slice(0, comma) !== 'v1') {
      otherVersions++;
      continue;
    }
    const decoded = decodeDigest(entry.slice(comma + 1), 'base64', signatureBytes);
    if ('bytes' in decoded) candidates.push(decoded.bytes);
  }
  if (candidates.length === 0) {
    throw otherVersions > 0
      ? new SignatureError('unsupported-algorithm', 'webhook-signature has no v1 (HMAC-SHA256) entry')
      : new SignatureError('malformed', 'webhook-signature is malformed: expected "v1,<base64>" entries');
  }
  for (const key of keys) {
    const expected = macFor(key, checked.id, checked.timestampText, body);
    if (candidates.some((candidate) => bytesEqualConstantTime(candidate, expected))) return;
  }
  throw new SignatureError('mismatch', 'no webhook-signature entry matches the body');
}

/**
 * Verifies a Standard Webhooks request; returns its id and timestamp. Throws `SignatureError`
 * with reason `missing`, `malformed`, `timestamp-out-of-tolerance`, `unsupported-algorithm`
 * (only non-v1 entries) or `mismatch`; a `TypeError` for an unusable secret.
 */
export function verifyStandardWebhook(input: VerifyStandardWebhookInput): VerifiedStandardWebhook {
  const body = toBytes(input.body, 'body');
  standardWebhookKeys(input.secrets);
  const checked = checkStandardWebhookHeaders(input.headers, input);
  checkSignatures(checked, body, input.secrets);
  return { id: checked.id, timestamp: checked.timestamp };
}

/** Internal entry for the request reader: headers already checked, body just read. */
export function verifyStandardWebhookBody(
  checked: CheckedHeaders,
  body: Uint8Array,
  secrets: StandardWebhookSecret | readonly StandardWebhookSecret[],
): VerifiedStandardWebhook {
  checkSignatures(checked, body, secrets);
  return { id: checked.id, timestamp: checked.timestamp };
}
