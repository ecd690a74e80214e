/**
 * `sentry`: error events become Sentry error events, info events become transactions with one
 * span (upstream `internal/notifier/sentry.go`). Sent through a dedicated `@sentry/node` client
 * per notifier (an optional peer, loaded at the first post): never `Sentry.init()`, no
 * integrations, no global client or handlers, and its HTTP goes through the notifier's transport.
 */
import { randomBytes } from 'node:crypto';
import {
  type Deadline,
  type Dispatcher,
  defineProvider,
  type Event,
  field,
  type HttpRequest,
  type HttpResponse,
  importOptionalPeer,
  NotifierError,
  type OutgoingMessage,
  type ProviderConnection,
  parseFluxTimestamp,
  type Redactor,
  rewordError,
} from '@notiflux/core';
import type { NodeClient } from '@sentry/node';
import { sortedMetadata } from '../formatting/sorted-metadata.js';

const TYPE = 'sentry';

/** The DSN in `address`, checked by both the Go SDK's rules and the Node SDK's. */
const sentryDsn = field.string('DSN cannot be empty').check((value) => {
  const parsed = parseSentryDsn(value);
  return typeof parsed === 'string' ? parsed : undefined;
});

export const sentryProvider = defineProvider({
  type: TYPE,
  spec: { address: sentryDsn },
  // The keys travel in X-Sentry-Auth and may come back on their own in an answer.
  derivedSecrets: (spec) => {
    const dsn = parseSentryDsn(spec.address);
    return typeof dsn === 'string' ? [] : [dsn.publicKey, dsn.secretKey];
  },
  encode: (event, spec) => {
    const item = encodeSentryItem(event, spec);
    if (!item) return [];
    return [{ transport: 'sentry', dsn: spec.address, body: JSON.stringify(item.payload) }];
  },
  connect: (spec, context) =>
    openSentryConnection(spec, {
      redactor: context.redactor,
      dispatcher: () => context.dispatcher(),
    }),
  send: async (event, context) => {
    const item = encodeSentryItem(event, context.spec);
    if (!item) return;
    const connection = context.connection;
    if (!(connection instanceof SentryConnection)) throw new Error('unreachable: no Sentry client');
    await connection.capture(item, context.deadline, (request) => context.http.send(request));
  },
});

// ---- DSN ----

export interface SentryDsn {
  publicKey: string;
  secretKey: string;
  /** `<scheme>://<host>[:<port>]<pathPrefix>/api/<projectId>/envelope/`, no credential in it. */
  envelopeUrl: string;
  projectId: string;
}

/** The parsed DSN, or the reason it is refused (`[Sentry] DsnParseError: <reason>`). */
export function parseSentryDsn(dsn: string): SentryDsn | string {
  if (dsn === '') return 'DSN cannot be empty';
  const fail = (reason: string) => `[Sentry] DsnParseError: ${reason}`;
  let url: URL;
  try {
    url = new URL(dsn);
  } catch (error) {
    // The parser's message never echoes the input, so it cannot leak the key.
    return fail(`invalid url: ${error instanceof Error ? error.message : 'unparsable'}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('invalid scheme');
  if (url.username === '') return fail('empty username');
  if (url.hostname === '') return fail('empty host');
  if (url.port !== '' && !/^\d+$/.test(url.port)) return fail('invalid port');
  const path = url.pathname;
  if (path === '' || path === '/' || path.endsWith('/')) return fail('empty project id');
  const lastSlash = path.lastIndexOf('/');
  const pathPrefix = path.slice(0, lastSlash);
  const lastSegment = path.slice(lastSlash + 1);
  // The Node SDK silently disables itself on DSNs it cannot parse: refuse them here instead.
  if (!/^\w+$/.test(url.username)) return fail('invalid public key');
  if (!/^\w*$/.test(url.password)) return fail('invalid secret key');
  if (!/^[\w.-]+$/.test(url.hostname) && !/^\[[0-9a-fA-F:.]+\]$/.test(url.hostname)) {
    return fail('invalid host');
  }
  const projectId = /^\d+/.exec(lastSegment)?.[0];
  if (!projectId) return fail('invalid project id');
  return {
    publicKey: url.username,
    secretKey: url.password,
    envelopeUrl: `${url.protocol}//${url.host}${pathPrefix}/api/${projectId}/envelope/`,
    projectId,
  };
}

// ---- Payloads ----

/** What is captured for one Flux event: a Sentry event or a transaction. */
export interface SentryItem {
  type: 'event' | 'transaction';
  payload: Record<string, unknown>;
}

/** Fresh trace and span ids, as upstream draws them (16 and 8 random bytes). */
export interface SentryTraceIds {
  traceId: string;
  spanId: string;
}

export function randomSentryTraceIds(): SentryTraceIds {
  return { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') };
}

/** `error` → error event, `info` → transaction, `trace` → nothing (upstream sends a bogus exception). */
export function encodeSentryItem(
  event: Event,
  spec: { channel?: string | undefined },
  ids: SentryTraceIds = randomSentryTraceIds(),
): SentryItem | undefined {
  const environment = spec.channel ? { environment: spec.channel } : {};
  if (event.severity === 'error') {
    return { type: 'event', payload: { ...encodeSentryErrorEvent(event), ...environment } };
  }
  if (event.severity === 'info') {
    return { type: 'transaction', payload: { ...encodeSentryTransaction(event, ids), ...environment } };
  }
  return undefined;
}

function transactionName(event: Event): string {
  const { kind, namespace = '', name } = event.involvedObject;
  return `${kind}: ${namespace}/${name}`;
}

/** Unix seconds, the form the Node SDK sends (Go sends RFC 3339; Sentry takes both). */
function eventSeconds(event: Event): number {
  return parseFluxTimestamp(event.timestamp) / 1000;
}

/** The error-event mapping; `level` is the raw severity string, as upstream. */
export function encodeSentryErrorEvent(event: Event): Record<string, unknown> {
  return {
    level: event.severity,
    message: event.message,
    timestamp: eventSeconds(event),
    server_name: event.reportingController,
    transaction: transactionName(event),
    contexts: { metadata: Object.fromEntries(sortedMetadata(event)) },
  };
}

/** The transaction mapping: one zero-duration span reusing the transaction's span id (upstream quirk). */
export function encodeSentryTransaction(
  event: Event,
  ids: SentryTraceIds = randomSentryTraceIds(),
): Record<string, unknown> {
  const tags: Record<string, string> = {
    flux_involved_object_kind: event.involvedObject.kind,
    flux_involved_object_name: event.involvedObject.name,
    flux_involved_object_namespace: event.involvedObject.namespace ?? '',
    flux_reason: event.reason,
    flux_reporting_controller: event.reportingController,
    flux_reporting_instance: event.reportingInstance ?? '',
  };
  for (const [key, value] of sortedMetadata(event)) tags[key] = value;
  const seconds = eventSeconds(event);
  return {
    type: 'transaction',
    transaction: transactionName(event),
    message: event.message,
    start_timestamp: seconds,
    timestamp: seconds,
    contexts: { trace: { trace_id: ids.traceId, span_id: ids.spanId, op: 'event' } },
    tags,
    spans: [
      {
        trace_id: ids.traceId,
        span_id: ids.spanId,
        op: 'event',
        origin: 'manual',
        start_timestamp: seconds,
        timestamp: seconds,
        tags: { ...tags },
      },
    ],
  };
}

// ---- Client ----

type SentryModule = typeof import('@sentry/node');
type HttpSend = (request: HttpRequest) => Promise<HttpResponse>;

/** One post waiting for its envelope to be sent: how to send it, and what happened. */
interface PendingCapture {
  payload: Record<string, unknown>;
  send: HttpSend;
  started: boolean;
  finished: Promise<void> | undefined;
  delivered: boolean;
  error: unknown;
}

/** Fields of the SDK's prepared event that stay as the SDK set them; the rest is ours. */
const SDK_EVENT_FIELDS = [
  'event_id',
  'platform',
  'sdk',
  'release',
  'dist',
  'server_name',
  'sdkProcessingMetadata',
];
/** SDK contexts kept besides ours (the runtime, and the scope's trace on error events). */
const SDK_CONTEXTS = ['runtime', 'trace'];

class SentryConnection implements ProviderConnection {
  private readonly pending = new Map<string, PendingCapture>();
  private readonly client: NodeClient;
  private readonly ScopeClass: SentryModule['Scope'];
  /** A channel was given: the environment stays wherever the SDK puts it. */
  private readonly hasEnvironment: boolean;
  private readonly sdkVersion: string;

  constructor(
    sdk: SentryModule,
    spec: { address: string; channel?: string | undefined },
    private readonly dsn: SentryDsn,
    private readonly redactor: Redactor,
    private readonly dispatcher: () => Promise<Dispatcher>,
  ) {
    this.ScopeClass = sdk.Scope;
    this.hasEnvironment = Boolean(spec.channel);
    this.sdkVersion = sdk.SDK_VERSION;
    const restrict = <T>(prepared: T): T => this.restrict(prepared as Record<string, unknown>) as T;
    this.client = new sdk.NodeClient({
      dsn: spec.address,
      ...(spec.channel ? { environment: spec.channel } : {}),
      integrations: [],
      stackParser: sdk.defaultStackParser,
      transport: (options) => sdk.createTransport(options, (request) => this.request(request.body)),
      tracesSampleRate: 1,
      sendClientReports: false,
      // No diagnostics-channel hooks in the host process.
      enableRuntimeChannelInjection: false,
      beforeSend: restrict,
      beforeSendTransaction: restrict,
    } as ConstructorParameters<SentryModule['NodeClient']>[0]);
  }

  /** Captures one item with a fresh scope, flushes, and rejects unless the server took it. */
  async capture(item: SentryItem, deadline: Deadline, send: HttpSend): Promise<void> {
    const eventId = randomBytes(16).toString('hex');
    const entry: PendingCapture = {
      payload: item.payload,
      send,
      started: false,
      finished: undefined,
      delivered: false,
      error: undefined,
    };
    this.pending.set(eventId, entry);
    try {
      // Fresh scopes: nothing from the host application's current or isolation scope applies.
      const scope = new this.ScopeClass();
      // The envelope's trace header comes from the scope: give it the transaction's trace id.
      const traceId = traceIdOf(item.payload);
      if (traceId) scope.setPropagationContext({ ...scope.getPropagationContext(), traceId });
      const event = {
        ...item.payload,
        event_id: eventId,
        sdkProcessingMetadata: {
          capturedSpanScope: scope,
          capturedSpanIsolationScope: new this.ScopeClass(),
        },
      };
      this.client.captureEvent(
        event as Parameters<NodeClient['captureEvent']>[0],
        { event_id: eventId },
        scope,
      );
      const flushed = await this.client.flush(Math.max(1, Math.floor(deadline.remainingMs())));
      if (entry.finished) await entry.finished;
      if (entry.error !== undefined) throw this.deliveryError(entry.error);
      if (entry.delivered) return;
      if (!flushed || deadline.abortedBy === 'timeout' || !entry.started) {
        if (!flushed || deadline.abortedBy === 'timeout') {
          throw new NotifierError(
            'TIMEOUT',
            `${TYPE}: timed out after ${deadline.timeoutMs}ms flushing the event`,
            {
              providerType: TYPE,
              retryable: true,
            },
          );
        }
        // Flushed, yet never sent: the SDK dropped it during an X-Sentry-Rate-Limits window.
        throw new NotifierError(
          'HTTP_STATUS',
          `${TYPE}: failed to send event to Sentry: HTTP 429 (rate limited)`,
          {
            providerType: TYPE,
            status: 429,
            retryable: true,
          },
        );
      }
    } finally {
      this.pending.delete(eventId);
    }
  }

  /** `encode`'s messages, when delivered without `send` (not the usual path): no retries. */
  async deliver(message: OutgoingMessage, deadline: Deadline): Promise<void> {
    if (message.transport !== 'sentry') throw new Error(`unexpected ${message.transport} message`);
    const payload = JSON.parse(message.body) as Record<string, unknown>;
    const type = payload.type === 'transaction' ? 'transaction' : 'event';
    await this.capture({ type, payload }, deadline, (request) => this.requestDirect(request, deadline));
  }

  async close(): Promise<void> {
    await this.client.close(2000);
  }

  /** Keeps the SDK's envelope fields, replaces everything else with what notiflux built. */
  private restrict(prepared: Record<string, unknown>): Record<string, unknown> {
    const eventId = typeof prepared.event_id === 'string' ? prepared.event_id : '';
    const intended = this.pending.get(eventId)?.payload;
    if (!intended) return prepared;
    const result: Record<string, unknown> = {};
    for (const field of SDK_EVENT_FIELDS) {
      if (prepared[field] !== undefined) result[field] = prepared[field];
    }
    const sdkContexts = (prepared.contexts ?? {}) as Record<string, unknown>;
    const contexts: Record<string, unknown> = {};
    for (const name of SDK_CONTEXTS) {
      if (sdkContexts[name] !== undefined) contexts[name] = sdkContexts[name];
    }
    // Ours last: the Node SDK's forced `environment: production` goes away with an empty channel.
    Object.assign(result, intended, {
      contexts: { ...contexts, ...(intended.contexts as Record<string, unknown>) },
    });
    return result;
  }

  /** The Sentry transport's request: through the posting notifier's HTTP client (retries, proxy, TLS). */
  private async request(sdkBody: string | Uint8Array): Promise<TransportResponse> {
    const body = this.hasEnvironment ? sdkBody : withoutTraceEnvironment(sdkBody);
    const entry = this.pending.get(envelopeEventId(body));
    const request: HttpRequest = {
      transport: 'http',
      method: 'POST',
      url: this.dsn.envelopeUrl,
      headers: { 'Content-Type': 'application/x-sentry-envelope', 'X-Sentry-Auth': this.authHeader() },
      body,
    };
    if (!entry) {
      // Not one of our captures (e.g. an SDK-internal envelope): send it once, unobserved.
      return this.requestDirect(request).then(toTransportResponse);
    }
    entry.started = true;
    const sending = entry.send(request);
    entry.finished = sending.then(
      () => undefined,
      () => undefined,
    );
    try {
      const response = await sending;
      entry.delivered = true;
      return toTransportResponse(response);
    } catch (error) {
      entry.error = error;
      // Rethrown: the SDK counts it as a network error and does not start a rate-limit window.
      throw error;
    }
  }

  /** One request straight through the notifier's dispatcher. */
  private async requestDirect(request: HttpRequest, deadline?: Deadline): Promise<HttpResponse> {
    const dispatcher = await this.dispatcher();
    const url = new URL(request.url);
    const response = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: request.headers,
      body: request.body === undefined ? null : request.body,
      ...(deadline ? { signal: deadline.signal } : {}),
    });
    await response.body.dump();
    if (response.statusCode < 200 || response.statusCode > 299) {
      throw new NotifierError(
        'HTTP_STATUS',
        `${TYPE}: failed to send event to Sentry: HTTP ${response.statusCode}`,
        {
          providerType: TYPE,
          status: response.statusCode,
          retryable: response.statusCode === 429 || response.statusCode >= 500,
        },
      );
    }
    return { status: response.statusCode, headers: response.headers, body: '' };
  }

  /** Auth in a header, as the Go SDK sends it, so the URL (shown in errors and reports) holds no key. */
  private authHeader(): string {
    const secret = this.dsn.secretKey ? `, sentry_secret=${this.dsn.secretKey}` : '';
    return `Sentry sentry_version=7, sentry_client=sentry.javascript.node/${this.sdkVersion}, sentry_key=${this.dsn.publicKey}${secret}`;
  }

  /** The error `post` rejects with: the spec's wording for statuses, the DSN keys never shown. */
  private deliveryError(error: unknown): NotifierError {
    // The notifier's redactor, which hides the DSN keys, as in errors and onAttempt reports.
    const redactor = this.redactor;
    if (error instanceof NotifierError) {
      const message =
        error.code === 'HTTP_STATUS' && error.status !== undefined
          ? `${TYPE}: failed to send event to Sentry: HTTP ${error.status}`
          : redactor.text(error.message);
      return rewordError(error, message, { providerType: TYPE, cause: redactor.error(error) });
    }
    const detail = error instanceof Error ? redactor.text(error.message) : 'unknown error';
    return new NotifierError('NETWORK', `${TYPE}: failed to send event to Sentry: ${detail}`, {
      providerType: TYPE,
      retryable: true,
      cause: redactor.error(error),
    });
  }
}

/** The trace id of a transaction's trace context, if it has one. */
function traceIdOf(payload: Record<string, unknown>): string | undefined {
  const trace = (payload.contexts as { trace?: { trace_id?: unknown } } | undefined)?.trace;
  return typeof trace?.trace_id === 'string' ? trace.trace_id : undefined;
}

/** An envelope's header (its first line, JSON) and the bytes after it; no header when unreadable. */
function splitEnvelope(body: string | Uint8Array): {
  header: Record<string, unknown> | undefined;
  rest: Buffer;
} {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  const newline = bytes.indexOf(0x0a);
  const first = newline === -1 ? bytes : bytes.subarray(0, newline);
  const rest = newline === -1 ? Buffer.alloc(0) : bytes.subarray(newline);
  try {
    const header: unknown = JSON.parse(first.toString('utf8'));
    return {
      header: header && typeof header === 'object' ? (header as Record<string, unknown>) : undefined,
      rest,
    };
  } catch {
    return { header: undefined, rest };
  }
}

function envelopeEventId(body: string | Uint8Array): string {
  const { header } = splitEnvelope(body);
  return typeof header?.event_id === 'string' ? header.event_id : '';
}

/**
 * The envelope without the SDK's forced `production` in its trace header (the dynamic sampling
 * context), for an empty channel: upstream sends no environment anywhere.
 */
function withoutTraceEnvironment(body: string | Uint8Array): string | Uint8Array {
  const { header, rest } = splitEnvelope(body);
  const trace = header?.trace as Record<string, unknown> | undefined;
  if (!header || !trace || typeof trace !== 'object' || !('environment' in trace)) return body;
  const { environment: _forced, ...kept } = trace;
  const rewritten = Buffer.concat([Buffer.from(JSON.stringify({ ...header, trace: kept }), 'utf8'), rest]);
  return typeof body === 'string' ? rewritten.toString('utf8') : rewritten;
}

/** What the SDK transport reads back: the status and its rate-limit headers. */
interface TransportResponse {
  statusCode: number;
  headers: { 'x-sentry-rate-limits': string | null; 'retry-after': string | null };
}

function toTransportResponse(response: HttpResponse): TransportResponse {
  const header = (name: string) => {
    const value = response.headers[name];
    return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
  };
  return {
    statusCode: response.status,
    headers: { 'x-sentry-rate-limits': header('x-sentry-rate-limits'), 'retry-after': header('retry-after') },
  };
}

async function openSentryConnection(
  spec: { address: string; channel?: string | undefined },
  context: { redactor: Redactor; dispatcher: () => Promise<Dispatcher> },
): Promise<ProviderConnection> {
  const sdk = await importOptionalPeer<SentryModule>('@sentry/node', () => import('@sentry/node'), TYPE);
  const dsn = parseSentryDsn(spec.address);
  if (typeof dsn === 'string')
    throw new NotifierError('INVALID_SPEC', `invalid ${TYPE} provider spec: address: ${dsn}`);
  return new SentryConnection(sdk, spec, dsn, context.redactor, context.dispatcher);
}

export default sentryProvider;
