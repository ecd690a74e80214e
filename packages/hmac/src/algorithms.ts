/**
 * The HMAC hash functions `@notiflux/hmac` knows, and the facts the verifiers need about them.
 */

export type HmacAlgorithm = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** Every algorithm the package can compute, weakest first. */
export const hmacAlgorithms: readonly HmacAlgorithm[] = ['sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

/**
 * What `verify` accepts when the caller names nothing: the SHA-2 set of Flux's own verifier
 * sample. `sha1` is left out so a sender cannot downgrade to it; legacy senders list it.
 * `sha256` comes first because it is what Flux sends (and what scheme signing picks by default).
 */
export const defaultHmacAlgorithms: readonly HmacAlgorithm[] = ['sha256', 'sha224', 'sha384', 'sha512'];

const digestBytes: Readonly<Record<HmacAlgorithm, number>> = {
  sha1: 20,
  sha224: 28,
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

/** Length in bytes of the MAC the algorithm produces. */
export function hmacDigestLength(algorithm: HmacAlgorithm): number {
  return digestBytes[algorithm];
}

const knownAlgorithms: ReadonlySet<string> = new Set(hmacAlgorithms);

export function isHmacAlgorithm(value: unknown): value is HmacAlgorithm {
  // A Set, not `in digestBytes`: 'toString' and friends must not pass as algorithm names.
  return typeof value === 'string' && knownAlgorithms.has(value);
}

/** Checks a caller-supplied allow-list once, so a typo fails loudly instead of rejecting every request. */
export function checkAlgorithmList(algorithms: readonly HmacAlgorithm[], context: string): void {
  if (!Array.isArray(algorithms)) {
    throw new TypeError(`${context}: algorithms must be an array of ${hmacAlgorithms.join(', ')}`);
  }
  for (const algorithm of algorithms) {
    if (!isHmacAlgorithm(algorithm)) {
      throw new TypeError(
        `${context}: unknown HMAC algorithm ${JSON.stringify(algorithm)}; use one of ${hmacAlgorithms.join(', ')}`,
      );
    }
  }
}
