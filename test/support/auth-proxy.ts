import http from 'node:http';
import type { Socket } from 'node:net';
import net from 'node:net';
import { listenOnLoopback } from './listen-on-loopback.js';
import { isLoopbackHost } from './loopback-guard.js';

export interface ProxyOptions {
  /** With username and password set, every request needs `Proxy-Authorization: Basic base64(user:pass)`. */
  username?: string;
  password?: string;
}

export interface TestProxy {
  /** 'http://127.0.0.1:PORT', no trailing slash. */
  url: string;
  port: number;
  /** Targets of CONNECT requests, as sent ('127.0.0.1:PORT'), including refused ones. */
  connectRequests: string[];
  /** Absolute-URI targets of forwarded plain-HTTP requests ('http://127.0.0.1:PORT/path'), including refused ones. */
  forwardedRequests: string[];
  /** The Proxy-Authorization value of every request (CONNECT or forwarded), undefined when absent. */
  authHeaders: (string | undefined)[];
  /** Stops listening and destroys every client and upstream connection. */
  close(): Promise<void>;
}

// Headers that describe one hop only and must not be passed on (RFC 9110 §7.6.1).
const hopByHopHeaders = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function splitHostPort(authority: string): { host: string; port: number } | undefined {
  // 'host:port' or '[v6]:port', as a CONNECT request line carries it.
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(authority);
  if (!match) return undefined;
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}

/**
 * An HTTP proxy on 127.0.0.1 and an ephemeral port: forwards absolute-URI plain-HTTP requests and
 * tunnels CONNECT, optionally behind Basic proxy auth, and records what it saw. Written on node:http
 * rather than the `proxy` package so it can refuse (403) any target off this machine before trying
 * to connect — defence in depth on top of the loopback guard — and record refused attempts too.
 */
export async function startProxy(options: ProxyOptions = {}): Promise<TestProxy> {
  const connectRequests: string[] = [];
  const forwardedRequests: string[] = [];
  const authHeaders: (string | undefined)[] = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  // A private agent without keep-alive, so no pooled upstream socket outlives close().
  const upstreamAgent = new http.Agent({ keepAlive: false });

  const requiresAuth = options.username !== undefined || options.password !== undefined;
  const expectedAuth = `Basic ${Buffer.from(`${options.username ?? ''}:${options.password ?? ''}`).toString('base64')}`;
  const isAuthorized = (header: string | undefined) => !requiresAuth || header === expectedAuth;

  const server = http.createServer((req, res) => {
    const target = req.url ?? '';
    const auth = req.headers['proxy-authorization'];
    forwardedRequests.push(target);
    authHeaders.push(auth);

    if (!isAuthorized(auth)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test proxy"', 'content-type': 'text/plain' });
      res.end('proxy authentication required');
      return;
    }
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('a proxy request needs an absolute http:// URI');
      return;
    }
    if (url.protocol !== 'http:') {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('only http:// is forwarded; use CONNECT for https');
      return;
    }
    if (!isLoopbackHost(url.hostname)) {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end(`test proxy refuses off-machine target ${url.host}`);
      return;
    }

    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !hopByHopHeaders.has(name)) headers[name] = value;
    }
    const upstream = http.request({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || 80,
      method: req.method,
      path: `${url.pathname}${url.search}`,
      headers,
      agent: upstreamAgent,
    });
    upstream.on('socket', track);
    upstream.on('response', (upstreamResponse) => {
      const responseHeaders: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(upstreamResponse.headers)) {
        if (value !== undefined && !hopByHopHeaders.has(name)) responseHeaders[name] = value;
      }
      res.writeHead(upstreamResponse.statusCode ?? 502, responseHeaders);
      upstreamResponse.pipe(res);
    });
    upstream.on('error', () => {
      // The upstream reset or refused: pass that on as a 502, or cut the client off mid-response.
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('test proxy: upstream failed');
      }
    });
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, clientSocket: Socket, head: Buffer) => {
    const target = req.url ?? '';
    const auth = req.headers['proxy-authorization'];
    connectRequests.push(target);
    authHeaders.push(auth);
    clientSocket.on('error', () => clientSocket.destroy());

    const refuse = (statusLine: string, extraHeaders = '') => {
      clientSocket.end(
        `HTTP/1.1 ${statusLine}\r\n${extraHeaders}content-length: 0\r\nconnection: close\r\n\r\n`,
      );
    };
    if (!isAuthorized(auth)) {
      refuse('407 Proxy Authentication Required', 'proxy-authenticate: Basic realm="test proxy"\r\n');
      return;
    }
    const hostPort = splitHostPort(target);
    if (!hostPort) {
      refuse('400 Bad Request');
      return;
    }
    if (!isLoopbackHost(hostPort.host)) {
      refuse('403 Forbidden');
      return;
    }

    let tunnelOpen = false;
    const upstream = net.connect({ host: hostPort.host, port: hostPort.port });
    track(upstream);
    upstream.once('connect', () => {
      tunnelOpen = true;
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      // Bytes the client sent straight after the CONNECT head (e.g. an eager TLS ClientHello).
      if (head.length > 0) upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    upstream.on('error', () => {
      if (!tunnelOpen) refuse('502 Bad Gateway');
    });
    // Once tunnelled, either side closing ends both; before that, refuse() ends the client politely.
    upstream.on('close', () => {
      if (tunnelOpen) clientSocket.destroy();
    });
    clientSocket.on('close', () => upstream.destroy());
  });

  server.on('connection', track);
  server.on('clientError', (_error, socket) => socket.destroy());

  const port = await listenOnLoopback(server);

  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connectRequests,
    forwardedRequests,
    authHeaders,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        upstreamAgent.destroy();
      });
      return closed;
    },
  };
}
