/**
 * Hono middleware (any runtime: Node, Bun, Deno, workers). Hono is only described structurally
 * here, never imported.
 */
import { type ByteInput, toKeyBytes } from '../byte-input.js';
import { SignatureError } from '../signature-error.js';
import { resolveVerifyRequestOptions, type VerifyRequestOptions, verifyRequest } from '../verify-request.js';
import { signatureFailureResponse } from './failure-response.js';

/** The parts of Hono's `Context` the middleware uses. */
export interface HonoContextLike {
  req: {
    raw: Request;
    /** Hono's per-request body cache, which `c.req.text()` / `json()` / `arrayBuffer()` read from. */
    bodyCache: { arrayBuffer?: unknown };
  };
}

export type HonoVerifierMiddleware = (
  c: HonoContextLike,
  next: () => Promise<void>,
) => Promise<Response | undefined>;

/**
 * Verifies the signature header (default Flux's `X-Signature`, see `VerifyRequestOptions`)
 * against the raw body before the route runs. The verified bytes are left in Hono's body cache,
 * so the handler reads them with `await c.req.json()`, `text()` or `arrayBuffer()` as usual.
 * On a signature failure it answers 401 (413 for `too-large`) with `{"error","reason"}` JSON;
 * other errors (the body already read by an earlier middleware) propagate to `app.onError`.
 */
export function honoVerifier(key: ByteInput, options?: VerifyRequestOptions): HonoVerifierMiddleware {
  toKeyBytes(key);
  resolveVerifyRequestOptions(options);

  return async (c, next) => {
    let body: Uint8Array;
    try {
      body = await verifyRequest(c.req.raw, key, options);
    } catch (error) {
      if (!(error instanceof SignatureError)) throw error;
      const failure = signatureFailureResponse(error);
      return new Response(failure.body, { status: failure.status, headers: failure.headers });
    }
    // A copy, so the cached ArrayBuffer holds exactly the body and nothing else of a pooled buffer.
    c.req.bodyCache.arrayBuffer = Promise.resolve(new Uint8Array(body).buffer);
    await next();
    return undefined;
  };
}
