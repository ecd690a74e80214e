/** The Sentry error event an `error` Flux event becomes. */
import type { Event } from '@notiflux/core';
import { sortedMetadata } from '../formatting/sorted-metadata.js';
import { eventSeconds, transactionName } from './event-fields.js';

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
