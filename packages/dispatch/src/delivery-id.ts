import { type Event, sortInPlace } from '@notiflux/providers';
import type { ObjectRef } from './delivery.js';
import { sha256Hex } from './sha256-hex.js';

/**
 * A delivery's id: a hash of the whole event as received (timestamp included), the source's
 * metadata, the Alert and the Provider. A producer re-sending the same request gets the same
 * ids, so a queue that refuses known ids queues it once. Made in two parts: `eventIdentity`, the
 * event's share of the hashed text, once per event, however many Alerts it matches; then the id
 * of each delivery from it.
 */
export function deliveryId(eventIdentityText: string, alert: ObjectRef, provider: ObjectRef): string {
  return sha256Hex(
    `${eventIdentityText}\n${alert.namespace}/${alert.name}\n${provider.namespace}/${provider.name}`,
  ).slice(0, 32);
}

/**
 * The event's share of its deliveries' hashed text: its canonical JSON and the source metadata's.
 * `event` is `parseEvent`'s copy: the Event's fields and nothing else.
 */
export function eventIdentity(event: Event, sourceMetadata: Record<string, string> | undefined): string {
  return `${eventCanonicalJson(event)}\n${sourceMetadata === undefined ? '{}' : recordCanonicalJson(sourceMetadata)}`;
}

/**
 * `canonicalJson` of an event as `parseEvent` returns it (the Event's fields and nothing else),
 * in one `JSON.stringify` of a copy whose keys are already in sorted order: half the time of the
 * key-by-key walk, and it runs for every event. The text is the same.
 */
function eventCanonicalJson(event: Event): string {
  const metadata = event.metadata === undefined ? undefined : sortedCopy(event.metadata);
  if (metadata === null) return canonicalJson(event);
  const object = event.involvedObject;
  // Sorted by hand; JSON.stringify leaves the undefined ones out, as canonicalJson does.
  return JSON.stringify({
    involvedObject: {
      apiVersion: object.apiVersion,
      fieldPath: object.fieldPath,
      kind: object.kind,
      name: object.name,
      namespace: object.namespace,
      resourceVersion: object.resourceVersion,
      uid: object.uid,
    },
    message: event.message,
    metadata,
    reason: event.reason,
    reportingController: event.reportingController,
    reportingInstance: event.reportingInstance,
    severity: event.severity,
    timestamp: event.timestamp,
  });
}

function recordCanonicalJson(record: Record<string, string>): string {
  const sorted = sortedCopy(record);
  return sorted === null ? canonicalJson(record) : JSON.stringify(sorted);
}

/**
 * A copy of a string record with its keys inserted in sorted order, which JSON.stringify keeps;
 * null when a key would not stay in place: an array index (a key starting with a digit, to be
 * safe) is listed before all others, and `__proto__` would set the prototype.
 */
function sortedCopy(record: Record<string, string>): Record<string, string> | null {
  const keys = sortInPlace(Object.keys(record));
  const copy: Record<string, string> = {};
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as string;
    const first = key.charCodeAt(0);
    if ((first >= 48 && first <= 57) || key === '__proto__') return null;
    copy[key] = record[key] as string;
  }
  return copy;
}

/**
 * JSON with object keys sorted, so equal values give equal text whatever their key order: the
 * definition of the id's text, and what the faster forms above fall back to. Written to allocate
 * little all the same: loops rather than entries/filter/map/join, keys sorted in place without
 * the built-in sort's working state, and quoted keys remembered.
 */
function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index++) {
      if (index > 0) text += ',';
      // What JSON.stringify leaves out (undefined) is an empty slot here.
      text += canonicalJson(value[index]) ?? '';
    }
    return `${text}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = sortInPlace(Object.keys(object));
  let text = '{';
  let first = true;
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as string;
    const item = object[key];
    if (item === undefined) continue;
    if (!first) text += ',';
    first = false;
    text += quotedKey(key);
    text += ':';
    text += typeof item === 'string' ? JSON.stringify(item) : canonicalJson(item);
  }
  return `${text}}`;
}

/** Bounded, so events with ever-new metadata keys cannot grow it without end. */
const QUOTED_KEYS_HELD = 1024;
const quotedKeys = new Map<string, string>();

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < QUOTED_KEYS_HELD) quotedKeys.set(key, quoted);
  }
  return quoted;
}
