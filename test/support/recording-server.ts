import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { listenOnLoopback } from './listen-on-loopback.js';

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  /** Path and query string, exactly as sent on the request line. */
  path: string;
  /** Lower-case names as node gives them; a repeated header's values joined with ', '. */
  headers: Record<string, string>;
  /** Names in their original case and order, alternating with values, as node gives them. */
  rawHeaders: string[];
  /** The body decoded as UTF-8. */
  body: string;
  bodyBytes: Buffer;
  /** Date.now() when the request's body had been read. */
  receivedAt: number;
  /** Over TLS with requestCert: the client certificate's subject (e.g. 'CN=notiflux test client'), if one was presented. */
  clientCertSubject?: string;
  /** Over TLS with requestCert: whether the presented certificate chained to the configured CA. */
  clientCertAuthorized?: boolean;
}

/** How to answer one request. */
export interface ScriptedResponse {
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  /** Default empty. */
  body?: string;
  /** Wait this long before answering (or before resetting, with `destroy`). */
  delayMs?: number;
  /** Reset the connection instead of answering, as a crashed or overloaded server would. */
  destroy?: boolean;
}

export type ResponseHandler = (
  request: RecordedRequest,
  index: number,
) => ScriptedResponse | Promise<ScriptedResponse>;

/** A handler for every later request, a queue answered in order, or a single queued response. */
export type ResponseScript = ResponseHandler | ScriptedResponse | ScriptedResponse[];

export interface RecordingServerTlsOptions {
  key: string;
  cert: string;
  /** CA(s) client certificates are checked against (mTLS). */
  ca?: string | string[];
  /** Ask the client for a certificate (mTLS). */
  requestCert?: boolean;
  /**
   * Refuse the handshake when the client certificate is missing or untrusted. Default false, so a test
   * can see (in `clientCertSubject` / `clientCertAuthorized`) what the client presented.
   */
  rejectUnauthorized?: boolean;
}

export interface RecordingServerOptions {
  /** Serve HTTPS with this key and certificate instead of plain HTTP. */
  tls?: RecordingServerTlsOptions;
  /** The answer once the script is exhausted. Default: 200 with an empty body. */
  defaultResponse?: ScriptedResponse;
  /** An initial script, as `respondWith` takes. */
  respondWith?: ResponseScript;
}

export interface RecordingServer {
  /** 'http://127.0.0.1:PORT' or 'https://127.0.0.1:PORT', no trailing slash. */
  url: string;
  port: number;
  /** Every request received so far, in arrival order (appended once its body has been read). */
  requests: RecordedRequest[];
  /** TCP connections accepted so far; one connection for several requests proves keep-alive reuse. */
  readonly connections: number;
  /** Replaces the script: see ResponseScript. Requests past the end of a queue get the default response. */
  respondWith(script: ResponseScript): void;
  /** Stops listening and destroys every connection, idle or mid-response. */
  close(): Promise<void>;
}

function joinHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) joined[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return joined;
}

function peerCertificateSubject(socket: TLSSocket): string | undefined {
  const peer = socket.getPeerCertificate();
  // Without a client certificate node returns an empty object, not null.
  if (!peer || Object.keys(peer).length === 0 || !peer.subject) return undefined;
  return Object.entries(peer.subject)
    .map(([name, value]) => `${name}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ');
}

function resetConnection(socket: Socket): void {
  // resetAndDestroy sends a TCP RST, so the client sees ECONNRESET as from a crashed server. It refuses a
  // TLS socket (its handle is not a plain TCP one), so reset the TCP socket underneath: node keeps that
  // in the undocumented `_parent`. Should that ever go, an abrupt close without answering still fails
  // the request (undici: 'other side closed').
  const underlying = (socket as Socket & { _parent?: unknown })._parent;
  const tcpSocket = underlying instanceof net.Socket ? underlying : socket;
  try {
    tcpSocket.resetAndDestroy();
  } catch {
    tcpSocket.destroy();
  }
  socket.destroy();
}

/**
 * An HTTP(S) server on 127.0.0.1 and an ephemeral port that records every request and answers
 * from a script, for testing what a client sends and how it copes with what comes back.
 */
export async function startRecordingServer(options: RecordingServerOptions = {}): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const pendingDelays = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const defaultResponse = options.defaultResponse ?? {};
  let queue: ScriptedResponse[] = [];
  let handler: ResponseHandler | undefined;
  let connections = 0;
  let closing = false;

  const respondWith = (script: ResponseScript): void => {
    if (typeof script === 'function') {
      handler = script;
      queue = [];
    } else {
      handler = undefined;
      queue = Array.isArray(script) ? [...script] : [script];
    }
  };
  if (options.respondWith !== undefined) respondWith(options.respondWith);

  // close() resolves pending delays early so no timer keeps the process (or the close) waiting.
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          pendingDelays.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      pendingDelays.add(entry);
    });

  const onRequest = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bodyBytes = Buffer.concat(chunks);

    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: joinHeaders(req.headers),
      rawHeaders: [...req.rawHeaders],
      body: bodyBytes.toString('utf8'),
      bodyBytes,
      receivedAt: Date.now(),
    };
    if (options.tls?.requestCert) {
      const tlsSocket = req.socket as TLSSocket;
      const subject = peerCertificateSubject(tlsSocket);
      if (subject !== undefined) recorded.clientCertSubject = subject;
      recorded.clientCertAuthorized = tlsSocket.authorized;
    }
    const index = requests.length;
    requests.push(recorded);

    const scripted = handler ? await handler(recorded, index) : (queue.shift() ?? defaultResponse);
    if (scripted.delayMs !== undefined && scripted.delayMs > 0) await sleep(scripted.delayMs);
    if (closing || req.socket.destroyed) return;

    if (scripted.destroy) {
      resetConnection(req.socket);
      return;
    }
    res.writeHead(scripted.status ?? 200, scripted.headers);
    // end(body) with nothing written yet sets Content-Length, so the connection can be kept alive.
    res.end(scripted.body ?? '');
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    onRequest(req, res).catch((error: unknown) => {
      // A throwing handler is a bug in the test: answer 500 so the client sees it, and say why.
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`recording server handler failed: ${String(error)}`);
      }
    });
  };

  const server = options.tls
    ? https.createServer(
        {
          key: options.tls.key,
          cert: options.tls.cert,
          ca: options.tls.ca,
          requestCert: options.tls.requestCert ?? false,
          rejectUnauthorized: options.tls.rejectUnauthorized ?? false,
        },
        listener,
      )
    : http.createServer(listener);

  // 'connection' fires for every accepted TCP socket, before any TLS handshake.
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that gives up mid-handshake or mid-request is normal in these tests, not a failure.
  server.on('tlsClientError', () => {});
  server.on('clientError', (_error, socket) => socket.destroy());

  const port = await listenOnLoopback(server);

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    get connections() {
      return connections;
    },
    respondWith,
    close: async () => {
      if (closing) return;
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const delay of pendingDelays) {
        clearTimeout(delay.timer);
        delay.resolve();
      }
      pendingDelays.clear();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/**
 * Polls `predicate` until it returns truthy and resolves with that value; rejects after `timeoutMs`.
 * For waiting on something a client does in the background (a retry, a fire-and-forget send).
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  timeoutMs = 2_000,
  intervalMs = 10,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value as NonNullable<T>;
    if (Date.now() >= deadline) throw new Error(`waitFor: condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
