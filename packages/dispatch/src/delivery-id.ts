import { createHash } from 'node:crypto';
import type { Event } from '@notiflux/providers';
import type { ObjectRef } from './delivery.js';

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
  return createHash('sha256').update(identity, 'utf8').digest('hex').slice(0, 32);
}

/** JSON with object keys sorted, so equal values give equal text whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
