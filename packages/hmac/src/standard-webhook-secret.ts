/**
 * Standard Webhooks secrets: `whsec_` + base64 of the key bytes. The HMAC key is the
 * decoded bytes, not the text, which is the usual interop bug; plain base64 and raw bytes are
 * accepted too, as the reference library does.
 */
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';

/** `'whsec_<base64>'`, plain `'<base64>'`, or the raw key bytes. */
export type StandardWebhookSecret = string | Uint8Array;

const secretPrefix = 'whsec_';
const base64Text = /^[A-Za-z0-9+/]+={0,2}$/;

/** The HMAC key bytes of a secret. Throws TypeError (never echoing the secret) when it is unusable. */
export function standardWebhookKey(secret: StandardWebhookSecret): Buffer {
  let key: Buffer;
  if (secret instanceof Uint8Array) {
    key = Buffer.from(secret);
  } else if (typeof secret === 'string') {
    const text = secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret;
    const padded = text.includes('=');
    if (!base64Text.test(text) || (padded ? text.length % 4 !== 0 : text.length % 4 === 1)) {
      throw new TypeError('Standard Webhooks secret is not "whsec_" followed by base64 (nor raw bytes)');
    }
    key = Buffer.from(text, 'base64');
  } else {
    throw new TypeError('Standard Webhooks secret must be a string or a Uint8Array');
  }
  if (key.length === 0) throw new TypeError('Standard Webhooks secret is empty');
  return key;
}

/** Several secrets (key rotation) or one, as keys; at least one is required. */
export function standardWebhookKeys(
  secrets: StandardWebhookSecret | readonly StandardWebhookSecret[],
): Buffer[] {
  const list = Array.isArray(secrets) ? secrets : [secrets as StandardWebhookSecret];
  if (list.length === 0) throw new TypeError('at least one Standard Webhooks secret is required');
  return list.map(standardWebhookKey);
}

/** A fresh random secret in the `whsec_` form (32 bytes, inside the spec's 24–64 range). */
export function generateStandardWebhookSecret(): string {
  return `${secretPrefix}${randomBytes(32).toString('base64')}`;
}
