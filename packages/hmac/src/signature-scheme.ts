/**
 * One header, one MAC: the shape shared by Flux's `X-Signature`, GitHub's `X-Hub-Signature-256`,
 * Foundries.io's `X-JobServ-Sig` and Nexus. A scheme says where the signature lives and how it is spelled;
 * the same parser then applies the rules of docs/design/signatures.md#verification-rules to all of them.
 */
import {
  checkAlgorithmList,
  defaultHmacAlgorithms,
  type HmacAlgorithm,
  hmacDigestLength,
  isHmacAlgorithm,
} from './algorithms.js';
import { type ByteInput, checkByteInput, checkKey } from './byte-input.js';
import { bytesEqualConstantTime } from './constant-time.js';
import { canonicalDigestText, type DigestEncoding } from './digest-encoding.js';
import { computeHmacText } from './hmac-digest.js';
import { SignatureError } from './signature-error.js';

/** What sits between the algorithm name and the digest; `''` means a bare digest with an implied algorithm. */
export type SignatureSeparator = '=' | ':' | '';

export interface SignatureScheme {
  /** The request header carrying the signature, lower-case (header names are case-insensitive). */
  readonly header: string;
  readonly separator: SignatureSeparator;
  /** Accepted algorithms; the first one is what `signWithScheme` uses by default. Exactly one when `separator` is `''`. */
  readonly algorithms: readonly HmacAlgorithm[];
  readonly encoding: DigestEncoding;
}

export interface SignatureSchemeOptions {
  header: string;
  /** Default `'='`. */
  separator?: SignatureSeparator;
  /** Default: sha256, sha224, sha384, sha512. */
  algorithms?: readonly HmacAlgorithm[];
  /** Default `'hex'` (either case accepted when verifying, lower case when signing). */
  encoding?: DigestEncoding;
}

/** An HTTP header name token (RFC 9110 `tchar`s). */
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Validates a scheme once, so a typo fails when the verifier is set up, not on every request. */
export function defineSignatureScheme(options: SignatureSchemeOptions): SignatureScheme {
  const { header, separator = '=', algorithms = defaultHmacAlgorithms, encoding = 'hex' } = options;
  if (typeof header !== 'string' || !headerName.test(header)) {
    throw new TypeError(`signature scheme: ${JSON.stringify(header)} is not an HTTP header name`);
  }
  if (separator !== '=' && separator !== ':' && separator !== '') {
    throw new TypeError(`signature scheme: separator must be '=', ':' or ''`);
  }
  if (encoding !== 'hex' && encoding !== 'base64') {
    throw new TypeError(`signature scheme: encoding must be 'hex' or 'base64'`);
  }
  checkAlgorithmList(algorithms, 'signature scheme');
  if (separator === '' && algorithms.length !== 1) {
    throw new TypeError('signature scheme: a bare digest (separator "") needs exactly one algorithm');
  }
  return Object.freeze({
    header: header.toLowerCase(),
    separator,
    algorithms: Object.freeze([...algorithms]),
    encoding,
  });
}

/** The same scheme with another allow-list (e.g. `verify`'s `options.algorithms`). */
export function withAlgorithms(
  scheme: SignatureScheme,
  algorithms: readonly HmacAlgorithm[],
): SignatureScheme {
  return defineSignatureScheme({ ...scheme, algorithms });
}

/** Header values as callers hold them: Node gives `string[]` for some headers, fetch gives `null`. */
export type SignatureHeaderValue = string | readonly string[] | null | undefined;

export interface ParsedSignature {
  algorithm: HmacAlgorithm;
  /** The digest text: lower-case hex, or canonical base64. */
  digest: string;
}

/** Only short, plain algorithm names are repeated in messages; anything else may be attacker noise. */
function describeAlgorithm(name: string): string {
  return /^[A-Za-z0-9-]{1,16}$/.test(name) ? `"${name}" ` : '';
}

/** Applies verification rules 1, 2 and 4 (and 3 against `scheme.algorithms`); throws SignatureError. */
export function parseSignatureHeader(value: SignatureHeaderValue, scheme: SignatureScheme): ParsedSignature {
  if (value === null || value === undefined) throw new SignatureError('missing');
  if (Array.isArray(value)) {
    if (value.length === 0) throw new SignatureError('missing');
    if (value.length > 1) {
      throw new SignatureError('malformed', 'signature header is malformed: it was sent more than once');
    }
  }
  const raw: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string') throw new SignatureError('missing');
  const text = raw.trim();
  if (text === '') throw new SignatureError('missing');
  // Node and fetch join repeated headers with ', '; picking one of them would be a guess.
  if (text.includes(',')) {
    throw new SignatureError(
      'malformed',
      'signature header is malformed: it holds several values (duplicate headers joined by ",")',
    );
  }

  let algorithmName: string;
  let digestText: string;
  if (scheme.separator === '') {
    algorithmName = scheme.algorithms[0] ?? '';
    digestText = text;
  } else {
    // Split at the first separator only: a base64 digest may itself contain '='.
    const at = text.indexOf(scheme.separator);
    if (at === -1) {
      throw new SignatureError(
        'malformed',
        `signature header is malformed: expected <algorithm>${scheme.separator}<digest>`,
      );
    }
    algorithmName = text.slice(0, at);
    digestText = text.slice(at + 1);
  }

  // Exact, case-sensitive match: 'SHA256' is not on the list (documented).
  if (!isHmacAlgorithm(algorithmName) || !scheme.algorithms.includes(algorithmName)) {
    throw new SignatureError(
      'unsupported-algorithm',
      `signature algorithm ${describeAlgorithm(algorithmName)}is not allowed (allowed: ${scheme.algorithms.join(', ')})`,
    );
  }
  const decoded = canonicalDigestText(digestText, scheme.encoding, hmacDigestLength(algorithmName));
  if ('problem' in decoded) {
    throw new SignatureError(
      'malformed',
      `signature header is malformed: ${decoded.problem} for ${algorithmName}`,
    );
  }
  return { algorithm: algorithmName, digest: decoded.text };
}

/** The header value a sender puts on `payload`, e.g. `sha256=<lower-case hex>`. */
export function signWithScheme(
  scheme: SignatureScheme,
  payload: ByteInput,
  key: ByteInput,
  algorithm: HmacAlgorithm = scheme.algorithms[0] ?? 'sha256',
): string {
  if (!isHmacAlgorithm(algorithm)) throw new TypeError(`unknown HMAC algorithm ${JSON.stringify(algorithm)}`);
  if (scheme.separator === '' && algorithm !== scheme.algorithms[0]) {
    throw new TypeError(`this scheme carries no algorithm name; it signs with ${scheme.algorithms[0]} only`);
  }
  const digest = computeHmacText(algorithm, key, payload, scheme.encoding);
  return scheme.separator === '' ? digest : `${algorithm}${scheme.separator}${digest}`;
}

/** Throws SignatureError unless `signature` is a valid MAC of `payload` under `key` in this scheme. */
export function verifyWithSchemeOrThrow(
  scheme: SignatureScheme,
  signature: SignatureHeaderValue,
  payload: ByteInput,
  key: ByteInput,
): void {
  // Configuration problems surface as TypeErrors before anything about the request is judged.
  checkKey(key);
  checkByteInput(payload, 'payload');
  const { algorithm, digest } = parseSignatureHeader(signature, scheme);
  const expected = computeHmacText(algorithm, key, payload, scheme.encoding);
  // Both are ASCII text of the same encoding (hex lower-cased), so comparing their bytes in
  // constant time compares the MACs in constant time.
  if (!bytesEqualConstantTime(Buffer.from(digest, 'latin1'), Buffer.from(expected, 'latin1'))) {
    throw new SignatureError('mismatch');
  }
}

/** `true` for a valid signature; `false` for anything else, bad input included. Never throws. */
export function verifyWithScheme(
  scheme: SignatureScheme,
  signature: SignatureHeaderValue,
  payload: ByteInput,
  key: ByteInput,
): boolean {
  try {
    verifyWithSchemeOrThrow(scheme, signature, payload, key);
    return true;
  } catch {
    return false;
  }
}
