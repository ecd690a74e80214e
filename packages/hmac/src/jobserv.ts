/**
 * Foundries.io CI build webhooks: `X-JobServ-Sig: sha256:<hex>` (a colon, not Flux's `=`), an
 * HMAC-SHA256 of the raw body keyed with the factory secret (jobserv `notify.py`). Unlike jobserv's
 * example receiver, the secret is not trimmed: pass exactly the secret you configured.
 */
import type { ByteInput } from './byte-input.js';
import {
  defineSignatureScheme,
  type SignatureHeaderValue,
  type SignatureScheme,
  signWithScheme,
  verifyWithScheme,
} from './signature-scheme.js';

export const jobServSignatureScheme: SignatureScheme = defineSignatureScheme({
  header: 'x-jobserv-sig',
  separator: ':',
  algorithms: ['sha256'],
  encoding: 'hex',
});

/** The `X-JobServ-Sig` value jobserv would send for `payload`. */
export function signJobServPayload(payload: ByteInput, secret: ByteInput): string {
  return signWithScheme(jobServSignatureScheme, payload, secret);
}

/** `true` when `signature` (the `X-JobServ-Sig` value) matches the raw `payload`. Never throws. */
export function verifyJobServSignature(
  signature: SignatureHeaderValue,
  payload: ByteInput,
  secret: ByteInput,
): boolean {
  return verifyWithScheme(jobServSignatureScheme, signature, payload, secret);
}
