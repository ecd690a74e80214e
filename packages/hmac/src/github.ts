/**
 * GitHub (and Gitea, Bitbucket) webhooks: `X-Hub-Signature-256: sha256=<hex>` over the raw body,
 * keyed with the webhook secret (as Flux's `github` Receiver checks it). Only sha256 is accepted: the legacy
 * `X-Hub-Signature: sha1=…` header can be verified with `defineSignatureScheme` if you must.
 */
import type { ByteInput } from './byte-input.js';
import {
  defineSignatureScheme,
  type SignatureHeaderValue,
  type SignatureScheme,
  signWithScheme,
  verifyWithScheme,
} from './signature-scheme.js';

export const githubSignatureScheme: SignatureScheme = defineSignatureScheme({
  header: 'x-hub-signature-256',
  separator: '=',
  algorithms: ['sha256'],
  encoding: 'hex',
});

/** The `X-Hub-Signature-256` value GitHub would send for `payload`. */
export function signGitHubPayload(payload: ByteInput, secret: ByteInput): string {
  return signWithScheme(githubSignatureScheme, payload, secret);
}

/** `true` when `signature` (the `X-Hub-Signature-256` value) matches the raw `payload`. Never throws. */
export function verifyGitHubSignature(
  signature: SignatureHeaderValue,
  payload: ByteInput,
  secret: ByteInput,
): boolean {
  return verifyWithScheme(githubSignatureScheme, signature, payload, secret);
}
