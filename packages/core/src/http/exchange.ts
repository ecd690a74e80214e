import type { Dispatcher } from 'undici';
import type { AbortSource } from './attempt-window.js';

export interface ExchangeRequest {
  origin: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
}

export interface ExchangeResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request/response through undici's handler interface. Compared with
 * `dispatcher.request`, it creates no body stream and no AbortSignal per request (both show in
 * profiles at tens of thousands of posts per second): the deadline aborts through the
 * dispatch controller, and the body is collected only as far as `bodyLimit(status)` asks: a
 * longer one ends the request there (a limit of 0 drains the body unread).
 */
export function exchange(
  dispatcher: Dispatcher,
  request: ExchangeRequest,
  deadline: AbortSource,
  bodyLimit: (status: number) => number,
): Promise<ExchangeResult> {
  return new Promise((resolve, reject) =>
    startExchange(dispatcher, request, deadline, bodyLimit, resolve, reject),
  );
}

/** `exchange` with callbacks instead of a promise, for a caller that settles its own promise from them. */
export function startExchange(
  dispatcher: Dispatcher,
  request: ExchangeRequest,
  deadline: AbortSource,
  bodyLimit: (status: number) => number,
  onAnswer: (result: ExchangeResult) => void,
  onError: (error: unknown) => void,
): void {
  const handler = new ExchangeHandler(onAnswer, onError, bodyLimit);
  handler.listen(deadline);
  try {
    // The request is undici's options as they stand (a body left undefined is no body): one
    // object fewer per attempt. Callers make a new one for each attempt.
    dispatcher.dispatch(request as Dispatcher.DispatchOptions, handler);
  } catch (error) {
    handler.settle(error);
  }
}

/**
 * The handler of one exchange: a class rather than closures, since one is made per request and
 * its methods are then shared.
 */
class ExchangeHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private headers: ExchangeResult['headers'] = {};
  private limit = 0;
  private size = 0;
  private chunks: Buffer[] | undefined;
  private controller: Dispatcher.DispatchController | undefined;
  private settled = false;
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly resolve: (result: ExchangeResult) => void,
    private readonly reject: (error: unknown) => void,
    private readonly bodyLimit: (status: number) => number,
  ) {}

  listen(deadline: AbortSource): void {
    this.stopListening = deadline.onAbort(() => {
      const error = new Error('request aborted by the deadline');
      this.controller?.abort(error);
      this.settle(error);
    });
  }

  settle(error: unknown, result?: ExchangeResult): void {
    if (this.settled) return;
    this.settled = true;
    this.stopListening?.();
    if (error === undefined && result) this.resolve(result);
    else this.reject(error);
  }

  private finish(): void {
    const { chunks } = this;
    const body = chunks === undefined ? '' : Buffer.concat(chunks).toString('utf8');
    this.settle(undefined, { status: this.status, headers: this.headers, body });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.settled) controller.abort(new Error('request aborted by the deadline'));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[]>,
  ): void {
    this.status = statusCode;
    this.headers = headers as ExchangeResult['headers'];
    this.limit = this.bodyLimit(statusCode);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    // A body nobody reads is drained, so the connection can serve the next request.
    const { limit } = this;
    if (limit === 0) return;
    this.chunks ??= [];
    if (this.size + chunk.length <= limit) {
      this.chunks.push(chunk);
      this.size += chunk.length;
      return;
    }
    // Past what the caller needs (a huge or endless error page): stop reading, and give up
    // the connection rather than download the rest.
    this.chunks.push(chunk.subarray(0, limit - this.size));
    this.size = limit;
    this.finish();
    controller.abort(new Error('response body longer than needed'));
  }

  onResponseEnd(): void {
    this.finish();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.settle(error);
  }
}
