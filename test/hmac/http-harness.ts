/** Loopback-only HTTP plumbing for the hmac tests: servers on 127.0.0.1:0, raw clients. */
import http, { type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { listenOnLoopback } from '../support/listen-on-loopback.js';

export interface TestServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function serveOnLoopback(server: Server): Promise<TestServer> {
  const port = await listenOnLoopback(server);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function startServer(listener: RequestListener): Promise<TestServer> {
  return serveOnLoopback(http.createServer(listener));
}

export interface ClientResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface ClientRequestOptions {
  port: number;
  path?: string;
  method?: string;
  headers?: Record<string, string | number>;
  /** Written one after another; the request is ended afterwards unless `end` is false. */
  chunks?: (string | Buffer)[];
  end?: boolean;
}

/**
 * Sends a request to 127.0.0.1 and resolves with the response, even when the server answers
 * before the body is complete (then the rest is never sent, and write errors are ignored).
 */
export function sendRequest(options: ClientRequestOptions): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1',
      port: options.port,
      path: options.path ?? '/hook',
      method: options.method ?? 'POST',
      headers: options.headers ?? {},
      agent: false,
    });
    request.on('error', reject);
    request.on('response', (response: IncomingMessage) => {
      const parts: Buffer[] = [];
      response.on('data', (chunk: Buffer) => parts.push(chunk));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(parts) });
      });
      response.on('error', reject);
    });
    for (const chunk of options.chunks ?? []) request.write(chunk);
    if (options.end !== false) request.end();
    else request.flushHeaders();
  });
}

/** A body stream that produces `chunkSize`-byte chunks on demand and records what was pulled. */
export function countingStream(chunkSize: number, totalChunks = Number.POSITIVE_INFINITY) {
  const stats = { pulledBytes: 0, pulls: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (stats.pulls >= totalChunks) {
          controller.close();
          return;
        }
        stats.pulls++;
        stats.pulledBytes += chunkSize;
        controller.enqueue(new Uint8Array(chunkSize).fill(0x61));
      },
      cancel() {
        stats.cancelled = true;
      },
    },
    // highWaterMark 0: nothing is pulled until someone reads, so `pulls` counts reads exactly.
    { highWaterMark: 0 },
  );
  return { stream, stats };
}
