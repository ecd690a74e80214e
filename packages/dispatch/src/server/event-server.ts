/**
 * A drop-in for notification-controller's event endpoint on `node:http`: Flux controllers post
 * their events here (`--events-addr`), and each one goes through a Dispatcher. Beyond upstream:
 * per-path sources with HMAC signatures and metadata, health/readiness/metrics endpoints, one
 * log line per event and per delivery outcome, and a graceful close.
 */
import { Buffer } from 'node:buffer';
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSignatureError, verifyRequest } from '@notiflux/hmac';
import type { Event } from '@notiflux/providers';
import { pino } from 'pino';
import type { DeliveryReport } from '../delivery.js';
import type { Dispatcher, DispatchResult, Logger } from '../dispatcher-types.js';
import { AnswerBatch, type AnswerHeaders } from './answer-batch.js';
import { type EventSource, type ResolvedSource, resolveSources } from './event-sources.js';
import { bufferedLogDestination } from './log-destination.js';
import { acceptedHeaders, duplicateHeaders } from './rate-limit-headers.js';
import { BodyTooLargeError, endConnectionAfter, readBody } from './request-body.js';
import { describeError, logDelivery, logEvent } from './server-log.js';
import { createServerMetrics, type EventResult, Registry } from './server-metrics.js';

/** notification-controller's limits. */
export const eventServerDefaults = {
  port: 9090,
  host: '127.0.0.1',
  maxBodyBytes: 3 * 1024 * 1024,
  maxHeaderBytes: 256 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  closeTimeoutMs: 10_000,
} as const;

export interface EventServerOptions {
  /** Default 9090; 0 picks a free port. */
  port?: number;
  /** Default `127.0.0.1`; `0.0.0.0` or `::` to take events from other machines. */
  host?: string;
  /** When given, only these paths take events (others answer 404). */
  sources?: readonly EventSource[];
  /**
   * pino-compatible; default pino at `info` on stdout through `bufferedLogDestination()`
   * (lines gathered up to 16 KiB or 100 ms, then written together; written at exit).
   */
  logger?: Logger;
  /** Where the metrics live; default a new registry for this server. */
  registry?: Registry;
  /** Also export Node's process metrics (prefixed `notiflux_`). Default false. */
  processMetrics?: boolean;
  /** Largest accepted body, default 3 MiB (3 145 728 bytes). */
  maxBodyBytes?: number;
  /** Largest accepted request head, default 256 KiB. */
  maxHeaderBytes?: number;
  /** Time to receive a request's head, default 10 s (408 after). */
  headersTimeoutMs?: number;
  /** Time to receive a whole request, default 30 s (408 after). */
  requestTimeoutMs?: number;
  /** How long `close()` waits for requests in flight before cutting their connections, default 10 s. */
  closeTimeoutMs?: number;
  /**
   * Whether `close()` also closes the dispatcher (after the last request). Default false: the
   * server does not own the dispatcher it was given.
   */
  closeDispatcher?: boolean;
}

export interface EventServer {
  /** Starts listening; resolves with the base URL, e.g. `http://127.0.0.1:9090`. */
  listen(): Promise<{ url: string }>;
  /**
   * Stops taking events (503 while closing, `/readyz` 503), waits for requests in flight (their
   * deliveries are then queued), closes the dispatcher only with `closeDispatcher`. Idempotent.
   */
  close(): Promise<void>;
  /** The server's Prometheus registry. */
  readonly registry: Registry;
  /** The underlying `node:http` server. */
  readonly httpServer: Server;
}

const probePaths = new Set(['/healthz', '/readyz', '/metrics']);

export function createEventServer(dispatcher: Dispatcher, options: EventServerOptions = {}): EventServer {
  const settings = checkedSettings(options);
  const sources = resolveSources(options.sources);
  // Two lines per event (the event, its delivery): written one by one they would cost more than
  // the rest of the event's handling; the buffered destination gathers them.
  const ownDestination = options.logger === undefined ? bufferedLogDestination() : undefined;
  const logger: Logger = options.logger ?? pino({ level: 'info' }, ownDestination);
  const registry = options.registry ?? new Registry();
  const metrics = createServerMetrics(registry, dispatcher, {
    processMetrics: options.processMetrics ?? false,
  });

  let closing: Promise<void> | undefined;
  let listening = false;

  const httpServer = createServer(
    {
      maxHeaderSize: settings.maxHeaderBytes,
      headersTimeout: settings.headersTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      // The timeouts are checked on this period: keep it well under the shortest one.
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(settings.headersTimeoutMs / 4))),
    },
    (request, response) => {
      const fail = (error: unknown) => {
        logger.error({ path: pathOf(request.url), error: describeError(error) }, 'event server failure');
        if (!response.headersSent && !response.destroyed) sendError(response, 500, 'internal error');
      };
      try {
        handle(request, response)?.catch(fail);
      } catch (error) {
        fail(error);
      }
    },
  );

  const onDelivery = (report: DeliveryReport) => {
    metrics.deliveryReported(report);
    logDelivery(logger, report);
  };

  /** Every answer goes out here: while closing, it ends its connection, so keep-alive clients move on. */
  function writeHead(response: ServerResponse, status: number, headers: AnswerHeaders): void {
    if (closing !== undefined) response.setHeader('Connection', 'close');
    // Node reads a header list and never changes it: a shared one may be given as it is.
    response.writeHead(status, headers as OutgoingHttpHeaders | string[]);
  }

  const answers = new AnswerBatch(({ response, status, headers, body }) => {
    writeHead(response, status, headers);
    response.end(body);
  });

  function sendError(response: ServerResponse, status: number, message: string, reason?: string): void {
    const text = JSON.stringify(reason === undefined ? { error: message } : { error: message, reason });
    writeHead(response, status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
    });
    response.end(text);
  }

  function sendText(
    response: ServerResponse,
    status: number,
    text: string,
    contentType = 'text/plain; charset=utf-8',
  ): void {
    writeHead(response, status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
    response.end(text);
  }

  /**
   * Routes a request; what it answers at once returns nothing, the rest a promise. Not an async
   * function: an event then has one async frame fewer to pass through.
   */
  function handle(request: IncomingMessage, response: ServerResponse): Promise<void> | undefined {
    const path = pathOf(request.url);
    const method = request.method ?? '';
    if ((method === 'GET' || method === 'HEAD') && probePaths.has(path)) {
      return answerProbe(path, response);
    }
    const source = sources?.get(path);
    if (sources !== undefined && source === undefined) {
      sendError(response, 404, 'no event source at this path');
      return;
    }
    if (method !== 'POST') {
      response.setHeader('Allow', probePaths.has(path) ? 'GET, HEAD, POST' : 'POST');
      sendError(response, 405, `method ${method} is not allowed: events are POSTed`);
      return;
    }
    if (closing !== undefined) {
      sendError(response, 503, 'the event server is shutting down');
      return;
    }
    return receiveEvent(request, response, path, source);
  }

  async function answerProbe(path: string, response: ServerResponse): Promise<void> {
    if (path === '/healthz') {
      sendText(response, 200, 'ok\n');
    } else if (path === '/readyz') {
      const ready = closing === undefined && (await dispatcher.ready().catch(() => false));
      sendText(response, ready ? 200 : 503, ready ? 'ok\n' : 'not ready\n');
    } else {
      sendText(response, 200, await registry.metrics(), registry.contentType);
    }
  }

  function refuse(
    response: ServerResponse,
    path: string,
    result: EventResult,
    status: number,
    message: string,
    extra?: { reason?: string; input?: unknown; error?: unknown },
  ): void {
    metrics.eventReceived(result);
    logEvent(logger, { result, path, ...extra });
    sendError(response, status, message, extra?.reason);
  }

  async function receiveEvent(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    source: ResolvedSource | undefined,
  ): Promise<void> {
    let body: Buffer | Uint8Array;
    try {
      // A signed source: header checked before any byte of the body is read, MAC before parsing.
      body =
        source?.hmacKey === undefined
          ? await readBody(request, settings.maxBodyBytes)
          : await verifyRequest(request, source.hmacKey, { maxBodyBytes: settings.maxBodyBytes });
    } catch (error) {
      if (error instanceof BodyTooLargeError || (isSignatureError(error) && error.reason === 'too-large')) {
        endConnectionAfter(request, response);
        refuse(
          response,
          path,
          'too_large',
          413,
          `request body is larger than the ${settings.maxBodyBytes}-byte limit`,
        );
      } else if (isSignatureError(error)) {
        refuse(response, path, 'unauthorized', 401, error.message, { reason: error.reason });
      } else {
        // The client went away mid-body: nobody is left to answer.
        logger.debug({ path }, 'event request closed before its body was complete');
        if (!response.destroyed) sendError(response, 400, 'the request body could not be read');
      }
      return;
    }

    let input: unknown;
    try {
      // A signed source's body comes as a Uint8Array: viewed as a Buffer to be decoded.
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      input = JSON.parse(bytes.toString('utf8'));
    } catch {
      // The parser's message quotes the body, which may hold a token: it is not repeated.
      refuse(response, path, 'invalid', 400, 'request body is not valid JSON');
      return;
    }

    let result: DispatchResult;
    try {
      result = await dispatcher.dispatch(
        input as Event,
        source?.metadata === undefined ? undefined : { sourceMetadata: { ...source.metadata } },
      );
    } catch (error) {
      if (isInvalidEvent(error)) {
        refuse(response, path, 'invalid', 400, error.message, { input, error });
        return;
      }
      metrics.eventReceived('failed');
      logEvent(logger, { result: 'failed', path, input, error });
      sendError(response, 500, 'the event could not be dispatched');
      return;
    }

    if (result.status === 'suppressed') {
      metrics.eventReceived('suppressed');
      logEvent(logger, { result: 'suppressed', path, input });
      const text = 'Too Many Requests\n';
      answers.send(
        response,
        429,
        {
          ...duplicateHeaders(result.rateLimit),
          'Content-Type': 'text/plain; charset=utf-8',
          'X-Content-Type-Options': 'nosniff',
          'Content-Length': Buffer.byteLength(text),
        },
        text,
      );
      return;
    }
    if (result.status === 'no-match') {
      metrics.eventReceived('no_match');
      logEvent(logger, { result: 'no_match', path, input });
    } else {
      metrics.eventReceived('accepted');
      let queued = 0;
      for (const delivery of result.deliveries) if (delivery.state === 'queued') queued += 1;
      logEvent(logger, { result: 'accepted', path, input, deliveries: result.deliveries.length, queued });
    }
    answers.send(response, 202, acceptedHeaders(result.rateLimit));
  }

  async function listen(): Promise<{ url: string }> {
    if (closing !== undefined) throw new Error('the event server is closed');
    if (listening) throw new Error('the event server is already listening');
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(settings.port, settings.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
    listening = true;
    dispatcher.on('delivery', onDelivery);
    const { address, port } = httpServer.address() as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;
    logger.info(
      { address, port, sources: sources ? [...sources.keys()] : undefined },
      'event server listening',
    );
    return { url: `http://${host}:${port}` };
  }

  async function shutDown(): Promise<void> {
    if (listening) {
      await new Promise<void>((resolve) => {
        // Cut what is still open at the deadline (a stalled upload, a stuck dispatch).
        const deadline = setTimeout(() => httpServer.closeAllConnections(), settings.closeTimeoutMs);
        deadline.unref();
        httpServer.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        httpServer.closeIdleConnections();
      });
    }
    try {
      if (options.closeDispatcher === true) await dispatcher.close();
    } finally {
      if (listening) dispatcher.off('delivery', onDelivery);
      logger.info({}, 'event server closed');
      ownDestination?.flush();
    }
  }

  return {
    listen,
    close() {
      closing ??= shutDown();
      return closing;
    },
    registry,
    httpServer,
  };
}

function checkedSettings(options: EventServerOptions) {
  const settings = { ...eventServerDefaults };
  const numbers = [
    'port',
    'maxBodyBytes',
    'maxHeaderBytes',
    'headersTimeoutMs',
    'requestTimeoutMs',
    'closeTimeoutMs',
  ] as const;
  for (const name of numbers) {
    const value = options[name];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0 || (name === 'port' && value > 65_535)) {
      throw new RangeError(`${name} must be a non-negative integer${name === 'port' ? ' up to 65535' : ''}`);
    }
    settings[name] = value as never;
  }
  if (options.host !== undefined) {
    if (typeof options.host !== 'string' || options.host === '')
      throw new TypeError('host must be a non-empty string');
    settings.host = options.host as never;
  }
  if (settings.headersTimeoutMs <= 0 || settings.requestTimeoutMs <= 0) {
    throw new RangeError('headersTimeoutMs and requestTimeoutMs must be positive');
  }
  if (settings.headersTimeoutMs > settings.requestTimeoutMs) {
    throw new RangeError('headersTimeoutMs must not be longer than requestTimeoutMs');
  }
  return settings;
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  const fragment = raw.indexOf('#');
  const end = query === -1 ? fragment : fragment === -1 ? query : Math.min(query, fragment);
  return end === -1 ? raw : raw.slice(0, end);
}

/** Told by shape, so a NotifierError from another copy of the providers package counts too. */
function isInvalidEvent(error: unknown): error is Error {
  return (
    error instanceof Error &&
    error.name === 'NotifierError' &&
    (error as { code?: unknown }).code === 'INVALID_EVENT'
  );
}
