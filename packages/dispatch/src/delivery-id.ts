import { type Event, sortInPlace } from '@notiflux/providers';
import type { ObjectRef } from './delivery.js';
import { sha256Hex } from './sha256-hex.js';

/**
 * A delivery's id: a hash of the whole event as received (timestamp included), the source's
 * metadata, the Alert and the Provider. A producer re-sending the same request gets the same
 * ids, so a queue that refuses known ids queues it once.
 */
export function deliveryId(
  event: Event,
  sourceMetadata: Record<string, string> | undefined,
  alert: ObjectRef,
  provider: ObjectRef,
): string {
  const identity = `${canonicalJson(event)}\n${canonicalJson(sourceMetadata ?? {})}\n${alert.namespace}/${alert.name}\n${provider.namespace}/${provider.name}`;
  return sha256Hex(identity).slice(0, 32);
}

/**
 * JSON with object keys sorted, so equal values give equal text whatever their key order.
 * It runs on every delivery, so it is written to allocate little: loops rather than
 * entries/filter/map/join, keys sorted in place without the built-in sort's working state, and
 * quoted keys remembered, since the same few keys come in every event.
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
