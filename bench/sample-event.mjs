// The shared sample event (examples/sample-event.json) and the bytes the `generic` provider sends for it.
import { readFileSync } from 'node:fs';
import { encodeFluxEventJson } from '@notiflux/core';

/** A Flux event as notification-controller hands it to providers. */
export const sampleEvent = JSON.parse(
  readFileSync(new URL('../examples/sample-event.json', import.meta.url), 'utf8'),
);

/** Its Go-canonical JSON: 549 bytes. */
export const sampleEventJson = encodeFluxEventJson(sampleEvent);
