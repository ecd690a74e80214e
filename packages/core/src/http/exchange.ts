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
  return new Promise((resolve, reject) => {
    let status = 0;
    let headers: ExchangeResult['headers'] = {};
    let limit = 0;
    let size = 0;
    const chunks: Buffer[] = [];
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;

    const settle = (error: unknown, result?: ExchangeResult) => {
      if (settled) return;
      settled = true;
      stopListening();
      if (error === undefined && result) resolve(result);
      else reject(error);
    };
    const stopListening = deadline.onAbort(() => {
      const error = new Error('request aborted by the deadline');
      if (controller) controller.abort(error);
      settle(error);
    });

    const finish = () => {
      const body = chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8');
      settle(undefined, { status, headers, body });
    };

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started;
        if (settled) started.abort(new Error('request aborted by the deadline'));
      },
      onResponseStart(_controller, statusCode, responseHeaders) {
        status = statusCode;
        headers = responseHeaders as ExchangeResult['headers'];
        limit = bodyLimit(statusCode);
      },
      onResponseData(dispatchController, chunk) {
        // A body nobody reads is drained, so the connection can serve the next request.
        if (limit === 0) return;
        if (size + chunk.length <= limit) {
          chunks.push(chunk);
          size += chunk.length;
          return;
        }
        // Past what the caller needs (a huge or endless error page): stop reading, and give up
        // the connection rather than download the rest.
        chunks.push(chunk.subarray(0, limit - size));
        size = limit;
        finish();
        dispatchController.abort(new Error('response body longer than needed'));
      },
      onResponseEnd() {
        finish();
      },
      onResponseError(_controller, error) {
        settle(error);
      },
    };

    try {
      dispatcher.dispatch(
        {
          origin: request.origin,
          path: request.path,
          method: request.method as Dispatcher.HttpMethod,
          headers: request.headers,
          body: request.body ?? null,
        },
        handler,
      );
    } catch (error) {
      settle(error);
    }
  });
}
