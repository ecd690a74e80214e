// The shared sample event (examples/sample-event.json), the bytes the `generic` provider sends for
// it, and queue deliveries of it.
import { readFileSync } from 'node:fs';
import { encodeFluxEventJson } from '@notiflux/core';

/** A Flux event as notification-controller hands it to providers. */
export const sampleEvent = JSON.parse(
  readFileSync(new URL('../examples/sample-event.json', import.meta.url), 'utf8'),
);

/** Its Go-canonical JSON: 549 bytes. */
export const sampleEventJson = encodeFluxEventJson(sampleEvent);

/** `count` deliveries of the sample event to one `generic` sink, with ids unique to `run`. */
export function sampleDeliveries(count, run) {
  return Array.from({ length: count }, (_, index) => ({
    id: `${run}-${index}`,
    alert: { name: 'on-call', namespace: 'apps' },
    provider: { name: 'sink', namespace: 'apps', type: 'generic' },
    event: sampleEvent,
  }));
}
