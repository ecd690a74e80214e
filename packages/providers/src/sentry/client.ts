/**
 * The `sentry` notifier's client: a dedicated `@sentry/node` NodeClient per notifier (never
 * `Sentry.init()`, no integrations, no global client or handlers), whose transport posts each
 * envelope with the fetch of the post that captured it (see `./transport.ts`).
 */
import { randomBytes } from 'node:crypto';
import {
  type Deadline,
  type Dispatcher,
  NotifierError,
  type OutgoingMessage,
  type ProviderConnection,
  type Redactor,
  rewordError,
} from '@notiflux/core';
import type { NodeClient } from '@sentry/node';
import type { SentryDsn } from './dsn.js';
import { envelopeEventId, withoutTraceEnvironment } from './envelope.js';
import { traceIdOf } from './transaction.js';
import { fetchOnce, sentryAuthHeader, type TransportResponse, toTransportResponse } from './transport.js';

const TYPE = 'sentry';

export type SentryModule = typeof import('@sentry/node');

/** What is captured for one Flux event: a Sentry event or a transaction. */
export interface SentryItem {
  type: 'event' | 'transaction';
  payload: Record<string, unknown>;
}

/** One post waiting for its envelope to be sent: how to send it, and what happened. */
interface PendingCapture {
  payload: Record<string, unknown>;
  fetch: typeof fetch;
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

export class SentryConnection implements ProviderConnection {
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
  async capture(item: SentryItem, deadline: Deadline, fetchEnvelope: typeof fetch): Promise<void> {
    const eventId = randomBytes(16).toString('hex');
    const entry: PendingCapture = {
      payload: item.payload,
      fetch: fetchEnvelope,
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
      if (!entry.started) {
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
    await this.capture({ type, payload }, deadline, fetchOnce(this.dispatcher, deadline));
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

  /** The Sentry transport's `makeRequest`: the envelope through the capturing post's fetch. */
  private async request(sdkBody: string | Uint8Array): Promise<TransportResponse> {
    const body = this.hasEnvironment ? sdkBody : withoutTraceEnvironment(sdkBody);
    const entry = this.pending.get(envelopeEventId(body));
    const envelope = {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-sentry-envelope',
        'X-Sentry-Auth': sentryAuthHeader(this.dsn, this.sdkVersion),
      },
      body,
    };
    if (!entry) {
      // Not one of our captures (e.g. an SDK-internal envelope): send it once, unobserved.
      return toTransportResponse(await fetchOnce(this.dispatcher)(this.dsn.envelopeUrl, envelope));
    }
    entry.started = true;
    const sending = entry.fetch(this.dsn.envelopeUrl, envelope);
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
