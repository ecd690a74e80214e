import type { Event } from '@notiflux/providers';
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
  const identity = [
    canonicalJson(event),
    canonicalJson(sourceMetadata ?? {}),
    `${alert.namespace}/${alert.name}`,
    `${provider.namespace}/${provider.name}`,
  ].join('\n');
  return sha256Hex(identity).slice(0, 32);
}

/**
 * JSON with object keys sorted, so equal values give equal text whatever their key order.
 * Written as loops: it runs on every delivery, and the entries/filter/map/join form cost twice as much.
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
  // The default sort orders by UTF-16 code units, as `<` on strings does.
  const keys = Object.keys(object).sort();
  let text = '{';
  let first = true;
  for (const key of keys) {
    const item = object[key];
    if (item === undefined) continue;
    if (!first) text += ',';
    first = false;
    text += `${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${text}}`;
}
