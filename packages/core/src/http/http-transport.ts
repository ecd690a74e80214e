import type { Dispatcher } from 'undici';
import type { Deadline } from '../deadline.js';
import type { ProviderHttpOptions } from '../define-provider.js';
import { NotifierError, type NotifierErrorCode } from '../errors.js';
import type { ResolvedSpec } from '../provider-spec.js';
import type { ProviderType } from '../provider-types.js';
import type { Redactor } from '../redaction.js';
import { AttemptWindow } from './attempt-window.js';
import { basicAuthFromUserinfo } from './auth-headers.js';
import { type ConnectionSettings, createDispatcher } from './dispatcher.js';
import { type ExchangeRequest, type ExchangeResult, exchange, startExchange } from './exchange.js';
import { hasHeader, mergeHeaders, wireHeaders } from './headers.js';
import {
  backoffDelayMs,
  isRetryableStatus,
  isRetryableTransportError,
  proxyRefusalStatus,
  retryAfterMs,
} from './retry-policy.js';

/** One HTTP request a provider wants made: the `http` form of what `encode` returns. */
export interface HttpRequest {
  transport: 'http';
  method: string;
  /** May carry `user:pass@`: it becomes Basic auth unless an Authorization header is set. */
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Headers computed again for each attempt, e.g. a signature over a timestamp. */
  attemptHeaders?: () => Record<string, string>;
  /** Looks at a 2xx answer; a returned reason makes it a `REJECTED` error (Slack's `ok: false`). */
  rejectReason?: (response: HttpResponse) => string | undefined;
  /** Read the response body and return it (for providers that use the answer). */
  readResponse?: boolean;
  /**
   * Statuses outside 2xx that this one request counts as answered, beside the definition's
   * `http.successStatuses`: for a client that reads the service's own error body (a 4xx with a
   * JSON reason) and decides itself.
   */
  successStatuses?: readonly number[];
  /** The URL's path and query are a credential (Slack or Discord webhooks): never show them. */
  secretPath?: boolean;
  /**
   * Caps each attempt, within the post's deadline, where the service's own client does (Bitbucket
   * Server's: 15 s); an attempt that runs out is retried like a lost connection.
   */
  attemptTimeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Empty unless the request asked to read it or has a `rejectReason`. */
  body: string;
}

export interface AttemptInfo {
  providerType: ProviderType;
  /** 1 for the first attempt. */
  attempt: number;
  method: string;
  /** Redacted. */
  url: string;
  status?: number;
  error?: NotifierError;
  durationMs: number;
  /** Set when another attempt follows after this many milliseconds. */
  retryInMs?: number;
}

export interface HttpTransportOptions {
  spec: Pick<ResolvedSpec, 'type' | 'proxy' | 'tls' | 'retry'>;
  redactor: Redactor;
  dispatcher?: Dispatcher | undefined;
  /** Where pools shared with other notifiers come from; the transport does not close them. */
  sharedDispatcher?: ((settings: ConnectionSettings) => Dispatcher | Promise<Dispatcher>) | undefined;
  onAttempt?: ((info: AttemptInfo) => void) | undefined;
  /** The provider type's own options (its definition's `http`). */
  provider?: ProviderHttpOptions | undefined;
}

/**
 * What a request becomes once, before its attempts: parsed URL, auth from userinfo. A class
 * rather than an object literal with a getter: it is made on every post.
 */
class PreparedRequest {
  /** `headers` as undici sends them (see `wireHeaders`). */
  readonly wireHeaders: Record<string, string>;
  /** The request's `secretPath`: its path and query are hidden in error texts too (a server may echo them). */
  readonly secretPath: boolean;
  readonly method: string;
  readonly body: string | Uint8Array | undefined;
  readonly origin: string;
  readonly path: string;
  /** Sent without the spec's `tls`, as the provider's `http.withoutSpecTls` decides for this URL. */
  readonly withoutSpecTls: boolean;
  private shown: string | undefined;

  constructor(
    target: ParsedTarget,
    readonly headers: Record<string, string>,
    private readonly request: HttpRequest,
    private readonly redactor: Redactor,
  ) {
    this.origin = target.origin;
    this.path = target.path;
    this.withoutSpecTls = target.withoutSpecTls;
    this.wireHeaders = wireHeaders(headers);
    this.secretPath = request.secretPath ?? false;
    this.method = request.method;
    this.body = request.body;
  }

  /** The redacted URL, computed only when an error or report needs it. */
  get shownUrl(): string {
    this.shown ??= this.redactor.url(this.request.url, { secretPath: this.secretPath });
    return this.shown;
  }
}

/** The parts of a request URL the transport needs; providers usually post to one URL, so it is cached. */
interface ParsedTarget {
  url: string;
  origin: string;
  path: string;
  basicAuth: string | undefined;
  withoutSpecTls: boolean;
}

interface ErrorDetails {
  status?: number | undefined;
  retryable?: boolean;
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

/** A failed attempt: the error to throw, and its detail without the `METHOD url:` prefix. */
interface Failure {
  error: NotifierError;
  detail: string;
  retryAfter?: number | undefined;
}

const ERROR_BODY_LIMIT = 4 * 1024;
const RESPONSE_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Flux's HTTP client over undici: keep-alive pool per notifier, retries with back-off and
 * Retry-After, one deadline over everything, no redirects, errors that name what happened
 * without showing a secret.
 */
export class HttpTransport {
  private dispatcher: Promise<Dispatcher> | undefined;
  /** The pool for the provider's `withoutSpecTls` requests, made on first use when the spec has `tls`. */
  private dispatcherWithoutTls: Promise<Dispatcher> | undefined;
  private readonly ownsDispatcher: boolean;
  private lastTarget: ParsedTarget | undefined;
  /** `dispatcher`, once it has resolved. */
  private readyDispatcher: Dispatcher | undefined;
  private readonly successStatuses: readonly number[];

  constructor(private readonly options: HttpTransportOptions) {
    this.ownsDispatcher = options.dispatcher === undefined && options.sharedDispatcher === undefined;
    if (options.dispatcher) {
      this.dispatcher = Promise.resolve(options.dispatcher);
      this.readyDispatcher = options.dispatcher;
    }
    this.successStatuses = options.provider?.successStatuses ?? [];
  }

  send(request: HttpRequest, deadline: Deadline): Promise<HttpResponse> {
    return new Promise((resolve, reject) => this.start(request, deadline, resolve, reject));
  }

  /**
   * `send` with callbacks, for a caller that settles its own promise from them. The common
   * request (pool made, nothing to observe, time or check per attempt) is settled by its first
   * exchange's own callbacks: a 2xx calls `onResponse` from undici's, with no promise or async
   * frame in between; anything else goes on in `sendWithRetries`.
   */
  start(
    request: HttpRequest,
    deadline: Deadline,
    onResponse: (response: HttpResponse) => void,
    onError: (error: unknown) => void,
  ): void {
    const dispatcher = this.readyDispatcher;
    if (
      !dispatcher ||
      this.options.onAttempt ||
      request.attemptTimeoutMs !== undefined ||
      request.attemptHeaders ||
      request.rejectReason
    ) {
      this.sendWithRetries(request, deadline).then(onResponse, onError);
      return;
    }
    let prepared: PreparedRequest;
    try {
      prepared = this.prepare(request);
    } catch (error) {
      onError(error);
      return;
    }
    if (prepared.withoutSpecTls) {
      this.sendWithRetries(request, deadline, prepared).then(onResponse, onError);
      return;
    }
    startExchange(
      dispatcher,
      wireRequest(prepared, request),
      deadline,
      (status) => this.bodyLimit(status, request),
      (answer) => {
        if (this.isSuccess(answer.status, request)) onResponse(answer);
        else this.sendWithRetries(request, deadline, prepared, { answer }).then(onResponse, onError);
      },
      (error) => this.sendWithRetries(request, deadline, prepared, { error }).then(onResponse, onError),
    );
  }

  /**
   * Every attempt of a request, with retries, back-off and Retry-After, each reported to
   * `onAttempt`; `first` is how the first attempt ended when `send` already made it.
   */
  private async sendWithRetries(
    request: HttpRequest,
    deadline: Deadline,
    prepared = this.prepare(request),
    first?: { answer: ExchangeResult } | { error: unknown },
  ): Promise<HttpResponse> {
    const { retry, type } = this.options.spec;
    // Once the pool is made, no wait for it: a post is a few microseconds of own work, and
    // every promise hop shows.
    const dispatcher =
      (prepared.withoutSpecTls ? undefined : this.readyDispatcher) ??
      (await (prepared.withoutSpecTls ? this.getDispatcherWithoutTls() : this.getDispatcher()));
    let last: Failure | undefined;
    const { onAttempt } = this.options;

    for (let attempt = 1; ; attempt++) {
      const started = onAttempt ? performance.now() : 0;
      const report = onAttempt
        ? (extra: Partial<AttemptInfo>) =>
            onAttempt({
              providerType: type,
              attempt,
              method: prepared.method,
              url: prepared.shownUrl,
              durationMs: performance.now() - started,
              ...extra,
            })
        : noReport;
      let outcome: { response: HttpResponse } | Failure;
      // The attempt is inline rather than an async method of its own: one promise hop fewer
      // on every post.
      const window = this.attemptWindow(request, deadline);
      try {
        let answer: ExchangeResult;
        if (attempt === 1 && first) {
          // Made by `send`, which only does so without an attempt window.
          if ('error' in first) throw first.error;
          answer = first.answer;
        } else {
          try {
            answer = await exchange(
              dispatcher,
              wireRequest(prepared, request),
              window ?? deadline,
              (status) => this.bodyLimit(status, request),
            );
          } finally {
            window?.dispose();
          }
        }
        outcome = this.judge(answer, prepared, request);
      } catch (error) {
        // A window only expires by aborting the exchange, so this is where the error came from.
        if (window?.expired && !deadline.abortedBy) {
          outcome = this.failure('TIMEOUT', prepared, `attempt timed out after ${formatMs(window.ms)}`, {
            retryable: true,
            cause: error,
          });
        } else if (deadline.abortedBy) {
          // The message counts this attempt, so the observer hears of it too.
          const cutOff = this.deadlineError(prepared, deadline, attempt, last, error);
          report({ error: cutOff });
          throw cutOff;
        } else {
          outcome = this.failure('NETWORK', prepared, describeTransportError(error), {
            retryable: isRetryableTransportError(error),
            status: proxyRefusalStatus(error),
            cause: error,
          });
        }
      }

      if ('response' in outcome) {
        report({ status: outcome.response.status });
        return outcome.response;
      }
      last = outcome;
      const { error } = outcome;
      const status = error.status === undefined ? {} : { status: error.status };
      if (!error.retryable || attempt > retry.retries) {
        report({ ...status, error });
        throw attempt > 1
          ? this.error(error.code, prepared, `${outcome.detail} (after ${attempt} attempts)`, error)
          : error;
      }
      const delay = outcome.retryAfter ?? backoffDelayMs(attempt - 1, retry);
      report({ ...status, error, retryInMs: delay });
      if (delay >= deadline.remainingMs()) {
        // No attempt can start before the deadline: say so now instead of sleeping into it.
        throw this.deadlineError(prepared, deadline, attempt, last, undefined, delay);
      }
      await deadline.sleep(delay);
      if (deadline.abortedBy) throw this.deadlineError(prepared, deadline, attempt, last);
    }
  }

  /**
   * The notifier's connection pool (the caller's `dispatcher`, or one made on first use with the
   * spec's proxy and TLS), for SDK clients that should share it.
   */
  getDispatcher(): Promise<Dispatcher> {
    if (!this.dispatcher) {
      const pool = this.pool({ proxy: this.options.spec.proxy, tls: this.options.spec.tls });
      this.dispatcher = pool;
      pool.then(
        (made) => {
          if (this.dispatcher === pool) this.readyDispatcher = made;
        },
        () => {},
      );
    }
    return this.dispatcher;
  }

  private getDispatcherWithoutTls(): Promise<Dispatcher> {
    if (this.options.dispatcher || !this.options.spec.tls) return this.getDispatcher();
    this.dispatcherWithoutTls ??= this.pool({ proxy: this.options.spec.proxy });
    return this.dispatcherWithoutTls;
  }

  private pool(settings: ConnectionSettings): Promise<Dispatcher> {
    const { sharedDispatcher } = this.options;
    return sharedDispatcher ? Promise.resolve(sharedDispatcher(settings)) : createDispatcher(settings);
  }

  async close(): Promise<void> {
    const pools = [this.dispatcher, this.dispatcherWithoutTls];
    this.dispatcher = undefined;
    this.readyDispatcher = undefined;
    this.dispatcherWithoutTls = undefined;
    if (!this.ownsDispatcher) return;
    await Promise.all(pools.map(async (pool) => (await pool)?.close()));
  }

  private prepare(request: HttpRequest): PreparedRequest {
    const target = this.parseTarget(request.url);
    let headers = request.headers;
    // Go's client sends userinfo as Basic auth unless a header says otherwise; undici refuses URLs that carry it.
    if (target.basicAuth && !hasHeader(headers, 'authorization')) {
      headers = mergeHeaders(headers, { Authorization: target.basicAuth });
    }
    return new PreparedRequest(target, headers, request, this.options.redactor);
  }

  private parseTarget(address: string): ParsedTarget {
    if (this.lastTarget?.url === address) return this.lastTarget;
    const url = new URL(address);
    this.lastTarget = {
      url: address,
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      basicAuth: basicAuthFromUserinfo(url),
      withoutSpecTls: this.options.provider?.withoutSpecTls?.(url) ?? false,
    };
    return this.lastTarget;
  }

  private isSuccess(status: number, request: HttpRequest): boolean {
    return (
      (status >= 200 && status < 300) ||
      this.successStatuses.includes(status) ||
      (request.successStatuses?.includes(status) ?? false)
    );
  }

  /** A timer for the request's `attemptTimeoutMs`, only when it ends before the post's deadline would. */
  private attemptWindow(request: HttpRequest, deadline: Deadline): AttemptWindow | undefined {
    const { attemptTimeoutMs } = request;
    return attemptTimeoutMs !== undefined && attemptTimeoutMs < deadline.remainingMs()
      ? new AttemptWindow(deadline, attemptTimeoutMs)
      : undefined;
  }

  /** How much of the response body to read: none of a success nobody reads, some of an error. */
  private bodyLimit(status: number, request: HttpRequest): number {
    if (!this.isSuccess(status, request)) return ERROR_BODY_LIMIT;
    return request.readResponse || request.rejectReason !== undefined ? RESPONSE_BODY_LIMIT : 0;
  }

  /** What an answer means: the response, or the failure to retry or throw. */
  private judge(
    answer: ExchangeResult,
    prepared: PreparedRequest,
    request: HttpRequest,
  ): { response: HttpResponse } | Failure {
    const { status } = answer;

    if (this.isSuccess(status, request)) {
      const response: HttpResponse = answer;
      const reason = request.rejectReason?.(response);
      if (reason !== undefined) {
        return this.failure(
          'REJECTED',
          prepared,
          `HTTP ${status} but the service refused the message: ${reason}`,
          {
            status,
          },
        );
      }
      return { response };
    }

    if (status >= 300 && status < 400) {
      const location = answer.headers.location;
      const target = typeof location === 'string' ? ` to ${this.showLocation(location, prepared)}` : '';
      return this.failure('HTTP_STATUS', prepared, `HTTP ${status}: redirect${target} not followed`, {
        status,
      });
    }

    const retryable = isRetryableStatus(status);
    const body = answer.body.trim();
    const detail = body ? `HTTP ${status}: ${body}` : `HTTP ${status}`;
    const retryAfter = retryable ? retryAfterMs(status, answer.headers['retry-after']) : undefined;
    return {
      ...this.failure('HTTP_STATUS', prepared, detail, { status, retryable, retryAfterMs: retryAfter }),
      retryAfter,
    };
  }

  private showLocation(location: string, prepared: PreparedRequest): string {
    try {
      return this.options.redactor.url(new URL(location, prepared.origin));
    } catch {
      return '<invalid location>';
    }
  }

  private deadlineError(
    prepared: PreparedRequest,
    deadline: Deadline,
    attempts: number,
    last: Failure | undefined,
    interrupted?: unknown,
    nextDelayMs?: number,
  ): NotifierError {
    const after = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    if (deadline.abortedBy === 'caller') {
      return this.error('ABORTED', prepared, `aborted by the caller (${after})`, {
        cause: last?.error ?? interrupted,
      });
    }
    const next = nextDelayMs === undefined ? '' : `; the next attempt was due in ${formatMs(nextDelayMs)}`;
    const lastSeen = last ? `; last: ${last.detail}` : '';
    return this.error(
      'TIMEOUT',
      prepared,
      `timed out after ${formatMs(deadline.timeoutMs)} (${after}${next}${lastSeen})`,
      {
        status: last?.error.status,
        retryable: true,
        retryAfterMs: last?.retryAfter,
        cause: last?.error,
      },
    );
  }

  private failure(
    code: NotifierErrorCode,
    prepared: PreparedRequest,
    detail: string,
    options: ErrorDetails = {},
  ): Failure {
    return { error: this.error(code, prepared, detail, options), detail };
  }

  private error(
    code: NotifierErrorCode,
    prepared: PreparedRequest,
    detail: string,
    options: ErrorDetails = {},
  ): NotifierError {
    const { spec } = this.options;
    // Only failures pay for the extra redactor: a secret path, and credentials the provider
    // computed (a JWT, an exchanged token, base64 Basic auth) that a server may echo back.
    const base = this.options.redactor;
    const redactor = base.with([
      ...(prepared.secretPath ? secretPathParts(prepared.path) : []),
      ...secretHeaderValues(prepared.headers, base),
    ]);
    return new NotifierError(code, redactor.text(`${prepared.method} ${prepared.shownUrl}: ${detail}`), {
      providerType: spec.type,
      status: options.status,
      retryable: options.retryable ?? false,
      retryAfterMs:
        options.retryAfterMs ??
        (options.cause instanceof NotifierError ? options.cause.retryAfterMs : undefined),
      cause: options.cause instanceof NotifierError ? options.cause : redactor.error(options.cause),
    });
  }
}

/** The values of the request's credential headers, and the credential after an auth scheme. */
function secretHeaderValues(headers: Record<string, string>, redactor: Redactor): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!redactor.isSecretHeader(name) || value === '') continue;
    // `Bearer <token>` shows as `Bearer <redacted>`, as for the spec's own secrets.
    const credential = /^[A-Za-z][\w-]*\s+(\S+)$/.exec(value)?.[1] ?? value;
    // A short one is hidden only where it stands alone (see Redactor.text).
    values.push(credential);
  }
  return values;
}

/** The credential-bearing parts of a secret path: the whole path and query, and each long-enough segment. */
function secretPathParts(path: string): string[] {
  const [pathname = '', query = ''] = path.split('?', 2);
  // Short segments (`api`, `v1`, `hooks`) are structure, not secrets; hiding them would garble messages.
  const segments = pathname.split('/').filter((segment) => segment.length >= 8);
  return [path, pathname, query, ...segments].filter((part) => part.length >= 8);
}

function describeTransportError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const causeCode = (error.cause as { code?: unknown } | undefined)?.code;
  const codes = [code, causeCode].filter((value): value is string => typeof value === 'string');
  return codes.length > 0 ? `${error.message} (${[...new Set(codes)].join(', ')})` : error.message;
}

function formatMs(ms: number): string {
  return ms % 1000 === 0
    ? `${ms / 1000}s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(1)}s`
      : `${Math.round(ms)}ms`;
}

function noReport(_extra: Partial<AttemptInfo>): void {}

/** What undici is given for one attempt: per-attempt headers merged in when the request has them. */
function wireRequest(prepared: PreparedRequest, request: HttpRequest): ExchangeRequest {
  return {
    origin: prepared.origin,
    path: prepared.path,
    method: prepared.method,
    headers: request.attemptHeaders
      ? wireHeaders(mergeHeaders(prepared.headers, request.attemptHeaders()))
      : prepared.wireHeaders,
    body: prepared.body,
  };
}
