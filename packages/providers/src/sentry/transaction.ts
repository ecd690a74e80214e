/** The Sentry transaction an `info` Flux event becomes: one span, as upstream. */
import { randomBytes } from 'node:crypto';
import type { Event } from '@notiflux/core';
import { sortedMetadata } from '../formatting/sorted-metadata.js';
import { eventSeconds, transactionName } from './event-fields.js';

/** Fresh trace and span ids, as upstream draws them (16 and 8 random bytes). */
export interface SentryTraceIds {
  traceId: string;
  spanId: string;
}

export function randomSentryTraceIds(): SentryTraceIds {
  return { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') };
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

/** The trace id of a transaction's trace context, if it has one. */
export function traceIdOf(payload: Record<string, unknown>): string | undefined {
  const trace = (payload.contexts as { trace?: { trace_id?: unknown } } | undefined)?.trace;
  return typeof trace?.trace_id === 'string' ? trace.trace_id : undefined;
}
