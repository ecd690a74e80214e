/**
 * Express (4 and 5) middleware. It reads the raw body itself, so it must run before any body
 * parser; Express is only described structurally here, never imported.
 */
import { Buffer } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ByteInput, toKeyBytes } from '../byte-input.js';
import { BodyAlreadyReadError, readRawBody, requestHeader, tooLarge } from '../raw-body.js';
import { SignatureError } from '../signature-error.js';
import { parseSignatureHeader, verifyWithSchemeOrThrow } from '../signature-scheme.js';
import { resolveVerifyRequestOptions, type VerifyRequestOptions } from '../verify-request.js';
import { signatureFailureResponse } from './failure-response.js';

/**
 * The parts of an Express request the middleware touches. `body` is typed as what it is once the
 * middleware has run, so in `app.post(path, expressVerifier(key), (req, res) => …)` Express
 * infers `req.body: Buffer` for the handler.
 */
export interface ExpressRequestLike extends IncomingMessage {
  body: Buffer;
  /** Set by some body parsers once they consumed the stream. */
  _body?: boolean;
}
export type ExpressNextLike = (error?: unknown) => void;
export type ExpressVerifierMiddleware = (
  req: ExpressRequestLike,
  res: ServerResponse,
  next: ExpressNextLike,
) => void;

const parserFirstAdvice =
  'did express.json(), express.urlencoded() or express.text() run first? Mount expressVerifier() ' +
  'before them, or put express.raw() in front of it so the raw bytes are kept';

function streamConsumed(req: ExpressRequestLike): boolean {
  return req.readableEnded || (req.complete && !req.readable) || req._body === true;
}

/**
 * Verifies the signature header (default Flux's `X-Signature`, see `VerifyRequestOptions`) of
 * each request against its raw body. On success `req.body` is the verified body as a `Buffer`
 * (parse it yourself: `JSON.parse(req.body.toString('utf8'))`) and `next()` runs. On a
 * signature failure it answers 401 (413 for `too-large`) with `{"error","reason"}` JSON and
 * does not call `next`. Anything else — a body parser that ran first, a broken connection —
 * goes to `next(error)` for your error handler (it is a server problem, not the sender's).
 * If `express.raw()` ran first, the Buffer it left in `req.body` is verified instead.
 */
export function expressVerifier(key: ByteInput, options?: VerifyRequestOptions): ExpressVerifierMiddleware {
  toKeyBytes(key);
  const { scheme, maxBodyBytes } = resolveVerifyRequestOptions(options);

  const verifyRaw = async (req: ExpressRequestLike): Promise<Buffer> => {
    const signature = requestHeader(req, scheme.header);
    parseSignatureHeader(signature, scheme);
    let body: Uint8Array;
    if (streamConsumed(req)) {
      // Whatever a parser that ran first left there: only raw bytes (express.raw()) are usable.
      const parsed: unknown = req.body;
      if (!(parsed instanceof Uint8Array)) throw new BodyAlreadyReadError(parserFirstAdvice);
      body = parsed;
      if (body.byteLength > maxBodyBytes) {
        throw tooLarge(maxBodyBytes);
      }
    } else {
      body = await readRawBody(req, maxBodyBytes);
    }
    verifyWithSchemeOrThrow(scheme, signature, body, key);
    return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  };

  return (req, res, next) => {
    verifyRaw(req).then(
      (body) => {
        req.body = body;
        next();
      },
      (error: unknown) => {
        if (!(error instanceof SignatureError) || res.headersSent) {
          next(error);
          return;
        }
        const failure = signatureFailureResponse(error);
        res.statusCode = failure.status;
        for (const [name, value] of Object.entries(failure.headers)) res.setHeader(name, value);
        res.end(failure.body);
      },
    );
  };
}
