/**
 * Verification of a whole incoming request: header first (a missing signature costs no body
 * read), then the raw body under a size cap, then the MAC. Works for Node's IncomingMessage and
 * for fetch `Request`s (Hono, Next.js route handlers, Bun/Deno-style servers).
 */
import { checkAlgorithmList, type HmacAlgorithm } from './algorithms.js';
import { type ByteInput, toKeyBytes } from './byte-input.js';
import {
  checkMaxBodyBytes,
  defaultMaxBodyBytes,
  type IncomingRequest,
  readRawBody,
  requestHeader,
} from './raw-body.js';
import {
  defineSignatureScheme,
  parseSignatureHeader,
  type SignatureScheme,
  verifyWithSchemeOrThrow,
} from './signature-scheme.js';
import { fluxSignatureScheme } from './x-signature.js';

export interface VerifyRequestOptions {
  /** Header holding the signature (any case). Default: the scheme's, `x-signature` for Flux. */
  header?: string;
  /** Refuse bodies larger than this with reason `too-large`. Default 3 MiB (3 * 1024 * 1024). */
  maxBodyBytes?: number;
  /** Accepted algorithms. Default: the scheme's (for Flux: sha224, sha256, sha384, sha512). */
  algorithms?: readonly HmacAlgorithm[];
  /**
   * Another header convention (`githubSignatureScheme`, `jobServSignatureScheme`, or one from
   * `defineSignatureScheme`). Default: Flux's `X-Signature`. `header`/`algorithms` override its own.
   */
  scheme?: SignatureScheme;
}

/** Resolves the options into one validated scheme and limit; throws TypeError/RangeError on misuse. */
export function resolveVerifyRequestOptions(options: VerifyRequestOptions = {}): {
  scheme: SignatureScheme;
  maxBodyBytes: number;
} {
  const base = options.scheme ?? fluxSignatureScheme;
  if (options.algorithms !== undefined) checkAlgorithmList(options.algorithms, 'verifyRequest');
  const scheme =
    options.header === undefined && options.algorithms === undefined
      ? base
      : defineSignatureScheme({
          ...base,
          header: options.header ?? base.header,
          algorithms: options.algorithms ?? base.algorithms,
        });
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  checkMaxBodyBytes(maxBodyBytes);
  return { scheme, maxBodyBytes };
}

/**
 * Verifies the signature header against the raw request body and resolves to the verified bytes
 * (parse those, never a re-serialised copy). Rejects with `SignatureError` (`missing`,
 * `malformed`, `unsupported-algorithm`, `mismatch`, `too-large`), with `BodyAlreadyReadError`
 * when a body parser already consumed the request, and with the stream's error if the client
 * goes away. After `too-large` the rest of the body is left unread: reply with
 * `Connection: close` so the server does not drain it.
 */
export async function verifyRequest(
  request: IncomingRequest,
  key: ByteInput,
  options?: VerifyRequestOptions,
): Promise<Uint8Array> {
  const { scheme, maxBodyBytes } = resolveVerifyRequestOptions(options);
  toKeyBytes(key);
  const signature = requestHeader(request, scheme.header);
  // Cheap rejections first: a missing or garbled header costs no body read.
  parseSignatureHeader(signature, scheme);
  const body = await readRawBody(request, maxBodyBytes);
  verifyWithSchemeOrThrow(scheme, signature, body, key);
  return body;
}
