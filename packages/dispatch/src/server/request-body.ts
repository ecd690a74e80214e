/**
 * Reads an event request's body under a hard cap: an announced Content-Length over the cap is
 * refused before a byte is read, and a body that grows past it (chunked, or a client that lies)
 * is refused as soon as the cap is crossed, so no more than one socket chunk past the limit is
 * ever held.
 */
import { Buffer } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly limit: number) {
    super(`request body is larger than the ${limit}-byte limit`);
  }
}

/** The client went away (or the socket failed) before the whole body arrived. */
export class BodyIncompleteError extends Error {
  override readonly name = 'BodyIncompleteError';
  constructor() {
    super('the request was closed before its body was complete');
  }
}

export function announcedLength(request: IncomingMessage): number | undefined {
  const declared = request.headers['content-length'];
  return declared !== undefined && /^[0-9]+$/.test(declared) ? Number(declared) : undefined;
}

export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = announcedLength(request);
  if (declared !== undefined && declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    // Once the body is whole the listeners are left in place (removing four on every request is
    // a cost with no use): the request emits nothing more that matters, and a late 'close' or
    // 'error' finds the promise settled.
    let settled = false;
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onFailure);
      request.off('close', onFailure);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > limit) {
        settled = true;
        chunks.length = 0;
        cleanup();
        // Stop pulling from the socket: what follows is discarded once the 413 is out.
        request.pause();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      settled = true;
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total));
    };
    const onFailure = () => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(new BodyIncompleteError());
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onFailure);
    request.on('close', onFailure);
  });
}

/**
 * After a refused body, the connection ends: FIN right after the answer, the rest of the body
 * read and dropped (never kept) for a moment, then the socket goes. Closing at once with unread
 * bytes would make the kernel send a reset, which can wipe the answer before the client reads it.
 */
export function endConnectionAfter(
  request: IncomingMessage,
  response: ServerResponse,
  lingerMs = 1000,
): void {
  response.once('finish', () => {
    const socket = request.socket;
    const destroy = () => socket.destroy();
    const timer = setTimeout(destroy, lingerMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    request.on('data', () => undefined);
    request.once('end', destroy);
    request.resume();
    socket.end();
  });
}
