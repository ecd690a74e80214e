/**
 * Fastify (4 and 5) `preHandler` hook. Fastify parses bodies before `preHandler`, so the raw
 * bytes must be kept by a buffer content-type parser (or the fastify-raw-body plugin's
 * `request.rawBody`). Fastify is only described structurally here, never imported.
 */
import { Buffer } from 'node:buffer';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { type ByteInput, toKeyBytes } from '../byte-input.js';
import { BodyAlreadyReadError, readRawBody, tooLarge } from '../raw-body.js';
import { readHeader } from '../request-headers.js';
import { SignatureError } from '../signature-error.js';
import { parseSignatureHeader, verifyWithSchemeOrThrow } from '../signature-scheme.js';
import { resolveVerifyRequestOptions, type VerifyRequestOptions } from '../verify-request.js';
import { signatureFailureResponse } from './failure-response.js';

/** The parts of a Fastify request the hook reads. */
export interface FastifyRequestLike {
  headers: IncomingHttpHeaders;
  body?: unknown;
  /** Set by the fastify-raw-body plugin. */
  rawBody?: unknown;
  raw: IncomingMessage;
}

/** The parts of a Fastify reply the hook uses to refuse a request. */
export interface FastifyReplyLike {
  code(statusCode: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
}

export type FastifyVerifierHook = (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>;

const bufferParserAdvice =
  'Fastify parsed it into an object. Keep the raw bytes with ' +
  "app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => done(null, body)) " +
  'or the fastify-raw-body plugin';

function rawRequestConsumed(raw: IncomingMessage): boolean {
  return raw.readableEnded || (raw.complete && !raw.readable);
}

/** Finds the raw bytes Fastify kept: `rawBody`, a Buffer/string body, or an unread stream (bodiless requests). */
async function keptBody(request: FastifyRequestLike, maxBodyBytes: number): Promise<Uint8Array> {
  for (const candidate of [request.rawBody, request.body]) {
    if (candidate instanceof Uint8Array) return candidate;
    // A parser that decoded text: exact for valid UTF-8; anything else can only fail to verify.
    if (typeof candidate === 'string') return Buffer.from(candidate, 'utf8');
  }
  if (request.body === undefined && !rawRequestConsumed(request.raw)) {
    return readRawBody(request.raw, maxBodyBytes);
  }
  throw new BodyAlreadyReadError(bufferParserAdvice);
}

/**
 * A `preHandler` that verifies the signature header (default Flux's `X-Signature`, see
 * `VerifyRequestOptions`) against the raw body. On a signature failure it replies 401 (413 for
 * `too-large`) with `{"error","reason"}` JSON and the route handler does not run; a missing raw
 * body is thrown as `BodyAlreadyReadError` (a 500: a server set-up problem). Set Fastify's
 * `bodyLimit` at least as high as `maxBodyBytes` (its default is 1 MiB).
 */
export function fastifyVerifier(key: ByteInput, options?: VerifyRequestOptions): FastifyVerifierHook {
  toKeyBytes(key);
  const { scheme, maxBodyBytes } = resolveVerifyRequestOptions(options);

  return async (request, reply) => {
    try {
      const signature = readHeader(request.headers, scheme.header);
      parseSignatureHeader(signature, scheme);
      const body = await keptBody(request, maxBodyBytes);
      if (body.byteLength > maxBodyBytes) {
        throw tooLarge(maxBodyBytes);
      }
      verifyWithSchemeOrThrow(scheme, signature, body, key);
    } catch (error) {
      if (!(error instanceof SignatureError)) throw error;
      const failure = signatureFailureResponse(error);
      let answer = reply.code(failure.status);
      for (const [name, value] of Object.entries(failure.headers)) answer = answer.header(name, value);
      // Returning the reply tells Fastify the response is handled.
      return answer.send(failure.body);
    }
    return undefined;
  };
}
