/** What Sentry's error events and transactions both say about a Flux event. */
import { type Event, parseFluxTimestamp } from '@notiflux/core';

/** `<Kind>: <namespace>/<name>`, the transaction name of both kinds of item. */
export function transactionName(event: Event): string {
  const { kind, namespace = '', name } = event.involvedObject;
  return `${kind}: ${namespace}/${name}`;
}

/** Unix seconds, the form the Node SDK sends (Go sends RFC 3339; Sentry takes both). */
export function eventSeconds(event: Event): number {
  return parseFluxTimestamp(event.timestamp) / 1000;
}
