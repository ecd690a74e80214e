/**
 * Flux's `X-Signature: <algorithm>=<hex>` (the `generic-hmac` provider, docs/design/signatures.md): the
 * functions of the public contract, as a thin layer over the generic scheme.
 */
import {
  checkAlgorithmList,
  defaultHmacAlgorithms,
  type HmacAlgorithm,
  isHmacAlgorithm,
} from './algorithms.js';
import type { ByteInput } from './byte-input.js';
import { computeHmacText } from './hmac-digest.js';
import {
  defineSignatureScheme,
  type SignatureHeaderValue,
  type SignatureScheme,
  verifyWithSchemeOrThrow,
  withAlgorithms,
} from './signature-scheme.js';

/** `X-Signature: <alg>=<hex>`, SHA-2 algorithms allowed, `sha256` signed by default. */
export const fluxSignatureScheme: SignatureScheme = defineSignatureScheme({
  header: 'x-signature',
  separator: '=',
  algorithms: defaultHmacAlgorithms,
  encoding: 'hex',
});

export interface VerifyOptions {
  /** Accepted algorithms (exact lower-case names). Default: sha224, sha256, sha384, sha512. */
  algorithms?: readonly HmacAlgorithm[];
}

/**
 * The `X-Signature` value for `payload`: `'<algorithm>=<lower-case hex>'`, byte-identical to what
 * Flux's `generic-hmac` provider sends for the same body and key.
 */
export function sign(payload: ByteInput, key: ByteInput, algorithm: HmacAlgorithm = 'sha256'): string {
  // Any known algorithm may be signed with (a legacy receiver may want sha1); verifying is what restricts.
  if (!isHmacAlgorithm(algorithm)) throw new TypeError(`unknown HMAC algorithm ${JSON.stringify(algorithm)}`);
  return `${algorithm}=${computeHmacText(algorithm, key, payload, 'hex')}`;
}

function schemeFor(options: VerifyOptions | undefined): SignatureScheme {
  if (options?.algorithms === undefined) return fluxSignatureScheme;
  checkAlgorithmList(options.algorithms, 'verify');
  return withAlgorithms(fluxSignatureScheme, options.algorithms);
}

/**
 * Throws `SignatureError` (reason `missing`, `malformed`, `unsupported-algorithm` or `mismatch`)
 * unless `signature` is a valid `X-Signature` of the raw `payload` under `key`. The MAC bytes are
 * compared in constant time; hex may be upper or lower case. An empty key is a `TypeError`.
 */
export function verifyOrThrow(
  signature: SignatureHeaderValue,
  payload: ByteInput,
  key: ByteInput,
  options?: VerifyOptions,
): void {
  verifyWithSchemeOrThrow(schemeFor(options), signature, payload, key);
}

/** `true` when `signature` is a valid `X-Signature` of `payload`; `false` otherwise. Never throws. */
export function verify(
  signature: SignatureHeaderValue,
  payload: ByteInput,
  key: ByteInput,
  options?: VerifyOptions,
): boolean {
  try {
    verifyOrThrow(signature, payload, key, options);
    return true;
  } catch {
    return false;
  }
}
