/**
 * A WHATWG `fetch` whose every call is one core `HttpRequest` sent by the notifier's transport:
 * what SDK clients (Octokit, Gitbeaker, Slack's WebClient, Sentry) are given instead of their
 * own HTTP stack, so retries, the deadline, proxy, TLS, redaction, `onAttempt` and a caller's
 * dispatcher apply to them exactly as to a plain provider's request.
 */
import type { HttpRequest, HttpResponse } from './http-transport.js';

/** The notifier's transport for one post, bound to its deadline. */
export type SendHttp = (request: HttpRequest) => Promise<HttpResponse>;

/** Adds what a service's client needs to each request (e.g. `successStatuses`, `rejectReason`). */
export type ShapeRequest = (request: HttpRequest) => HttpRequest;

/** Statuses whose Response must have no body. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * A `fetch` that sends through `send`. A request that fails (a status outside success after the
 * transport's retries, a network error, the deadline) rejects with the transport's
 * NotifierError, already redacted and counted, rather than resolving with a failing Response:
 * the SDK wraps it as its own request error and the provider takes it back out. The SDK's
 * `signal` is not used: the post's deadline covers every attempt.
 */
export function transportFetch(send: SendHttp, shape?: ShapeRequest): typeof fetch {
  return async (input, init) => {
    const request: HttpRequest = {
      transport: 'http',
      method: init?.method ?? (input instanceof Request ? input.method : 'GET'),
      url: urlOf(input),
      headers: headersOf(input, init),
      readResponse: true,
    };
    const body = await bodyOf(input, init);
    if (body !== undefined) request.body = body;
    return asResponse(await send(shape ? shape(request) : request));
  };
}

function urlOf(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

/** The headers; a plain object keeps its spellings and order, as the transport would send them. */
function headersOf(
  input: Parameters<typeof fetch>[0],
  init: RequestInit | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const source = init?.headers ?? (input instanceof Request ? input.headers : undefined);
  if (source && !(source instanceof Headers) && !Array.isArray(source)) {
    for (const [name, value] of Object.entries(source)) {
      if (typeof value === 'string') headers[name] = value;
    }
    return headers;
  }
  new Headers(source).forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}

/** The body as the transport sends it: text stays text, anything else becomes bytes. */
async function bodyOf(
  input: Parameters<typeof fetch>[0],
  init: RequestInit | undefined,
): Promise<string | Uint8Array | undefined> {
  const body = init?.body;
  if (body === undefined || body === null) {
    if (input instanceof Request && input.body !== null) return new Uint8Array(await input.arrayBuffer());
    return undefined;
  }
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  // Blobs, form data and streams: let the platform serialise them.
  return new Uint8Array(await new Response(body).arrayBuffer());
}

function asResponse(response: HttpResponse): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const { status } = response;
  const empty = NULL_BODY_STATUSES.has(status) || response.body === '';
  // Bytes, not the string: a string body would make Response invent a text/plain content type.
  return new Response(empty ? null : Buffer.from(response.body, 'utf8'), { status, headers });
}
