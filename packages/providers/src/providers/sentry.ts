/**
 * `sentry`: error events become Sentry error events, info events become transactions with one
 * span (upstream `internal/notifier/sentry.go`). Sent through a dedicated `@sentry/node` client
 * per notifier (the SDK slot: an optional peer loaded at the first post, or injected), whose
 * envelopes go through the core transport's fetch. The parts live in `../sentry/`.
 */
import { defineProvider, type Event, field, NotifierError } from '@notiflux/core';
import { SentryConnection, type SentryItem, type SentryModule } from '../sentry/client.js';
import { parseSentryDsn } from '../sentry/dsn.js';
import { encodeSentryErrorEvent } from '../sentry/error-event.js';
import { encodeSentryTransaction, randomSentryTraceIds, type SentryTraceIds } from '../sentry/transaction.js';
import { envelopeFetch } from '../sentry/transport.js';

export type { SentryItem } from '../sentry/client.js';
export { parseSentryDsn, type SentryDsn } from '../sentry/dsn.js';
export { encodeSentryErrorEvent } from '../sentry/error-event.js';
export { encodeSentryTransaction, randomSentryTraceIds, type SentryTraceIds } from '../sentry/transaction.js';

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
  // The DSN is an address: shown without its keys (its userinfo).
  show: (message, shown, { address }) =>
    message.transport === 'sentry' && shown.transport === 'sentry'
      ? { ...shown, dsn: address(message.dsn) }
      : shown,
  sdk: { package: '@sentry/node', load: (): Promise<SentryModule> => import('@sentry/node') },
  // The client holds the SDK's state between posts (rate-limit windows, its queue): a connection.
  connect: async (spec, context) => {
    const dsn = parseSentryDsn(spec.address);
    if (typeof dsn === 'string') {
      throw new NotifierError('INVALID_SPEC', `invalid ${TYPE} provider spec: address: ${dsn}`);
    }
    return new SentryConnection(await context.sdk(), spec, dsn, context.redactor, context.dispatcher);
  },
  send: async (event, context) => {
    const item = encodeSentryItem(event, context.spec);
    if (!item) return;
    if (!context.connection) throw new Error('unreachable: sentry connects before sending');
    await context.connection.capture(item, context.deadline, envelopeFetch(context.http.send));
  },
});

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

export default sentryProvider;
