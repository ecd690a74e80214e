/**
 * Reads a request body as the exact bytes that were sent, with a hard size cap. Signatures cover raw bytes,
 * so nothing here decodes or parses; and a body over the cap is refused rather than truncated
 * (docs/design/signatures.md#raw-bodies-and-size-limits), without buffering more than one chunk past the
 * limit.
 */
import { Buffer } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { readHeader } from './request-headers.js';
import { SignatureError } from './signature-error.js';

/** 3 MiB: notification-controller's own event size limit, so any event Flux accepts fits. */
export const defaultMaxBodyBytes = 3 * 1024 * 1024;

export type IncomingRequest = IncomingMessage | Request;

/** Told apart by shape rather than `instanceof`, so Requests from another realm or undici copy work too. */
export function isFetchRequest(request: IncomingRequest): request is Request {
  return typeof (request as Request).headers?.get === 'function' && 'bodyUsed' in request;
}

export function requestHeader(request: IncomingRequest, name: string): string | undefined {
  return readHeader(request.headers, name);
}

export function checkMaxBodyBytes(maxBodyBytes: number): void {
  if (
    !(Number.isSafeInteger(maxBodyBytes) && maxBodyBytes >= 0) &&
    maxBodyBytes !== Number.POSITIVE_INFINITY
  ) {
    throw new RangeError('maxBodyBytes must be a non-negative integer (or Infinity)');
  }
}

/** The `too-large` refusal, shared with the adapters that get bodies already read by the framework. */
export function tooLarge(maxBodyBytes: number): SignatureError {
  return new SignatureError('too-large', `request body is larger than the ${maxBodyBytes}-byte limit`);
}

/** A Content-Length the client announced above the limit lets us refuse before reading a byte. */
function announcedLengthExceeds(request: IncomingRequest, maxBodyBytes: number): boolean {
  const declared = requestHeader(request, 'content-length')?.trim();
  return declared !== undefined && /^[0-9]+$/.test(declared) && Number(declared) > maxBodyBytes;
}

/** Raised when something else (a JSON body parser, an earlier `await request.json()`) took the body first. */
export class BodyAlreadyReadError extends Error {
  override readonly name = 'BodyAlreadyReadError';
  constructor(
    advice = 'verify the signature before anything parses the body, or verify the raw bytes you kept with verify()',
  ) {
    super(`the request body was already consumed, so its raw bytes are gone: ${advice}`);
  }
}

export async function readRawBody(
  request: IncomingRequest,
  maxBodyBytes = defaultMaxBodyBytes,
): Promise<Uint8Array> {
  checkMaxBodyBytes(maxBodyBytes);
  return isFetchRequest(request)
    ? readFetchBody(request, maxBodyBytes)
    : readIncomingMessageBody(request, maxBodyBytes);
}

async function readFetchBody(request: Request, maxBodyBytes: number): Promise<Uint8Array> {
  if (request.bodyUsed) throw new BodyAlreadyReadError();
  const body = request.body;
  if (body === null) return new Uint8Array(0);
  if (announcedLengthExceeds(request, maxBodyBytes)) {
    // Cancelling tells the source (a socket, a generator) to stop producing.
    await body.cancel().catch(() => undefined);
    throw tooLarge(maxBodyBytes);
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const chunk: Uint8Array = value;
      total += chunk.byteLength;
      if (total > maxBodyBytes) {
        chunks.length = 0;
        await reader.cancel().catch(() => undefined);
        throw tooLarge(maxBodyBytes);
      }
      chunks.push(chunk);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks, total);
}

function readIncomingMessageBody(request: IncomingMessage, maxBodyBytes: number): Promise<Uint8Array> {
  if (request.readableEnded || (request.complete && !request.readable)) {
    return Promise.reject(new BodyAlreadyReadError());
  }
  if (announcedLengthExceeds(request, maxBodyBytes)) {
    // Nothing was read: the server replies and (with `Connection: close`) never takes the rest.
    return Promise.reject(tooLarge(maxBodyBytes));
  }
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;

    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onData = (data: Buffer | string) => {
      const chunk = typeof data === 'string' ? Buffer.from(data, request.readableEncoding ?? 'utf8') : data;
      total += chunk.byteLength;
      if (total > maxBodyBytes) {
        chunks.length = 0;
        cleanup();
        // Stop pulling from the socket. Not destroyed: the caller still has to send its 413/401.
        request.pause();
        reject(tooLarge(maxBodyBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, total));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('the request was closed before its body was complete'));
    };

    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
    request.resume();
  });
}
