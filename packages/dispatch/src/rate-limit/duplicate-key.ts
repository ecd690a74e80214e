import type { Event } from '@notiflux/providers';
import { objectGroupPrefix } from '../metadata/clean-metadata.js';
import { sha256Hex } from '../sha256-hex.js';

/**
 * The duplicate-suppression key of an event whose metadata was cleaned (the controller's `token`
 * still in it): object, message, and the controller's `originRevision`, `revision` and `token`
 * when present, joined and hashed as notification-controller does. Severity, reason and
 * timestamp are not part of it. `sourceMetadata` (sorted, after everything upstream uses) keeps
 * the same event from two clusters apart; without it the key is upstream's.
 */
export function duplicateKey(event: Event, sourceMetadata?: Record<string, string>): string {
  const { involvedObject: object } = event;
  const parts = [
    'event',
    `name=${object.name}`,
    `namespace=${object.namespace ?? ''}`,
    `kind=${object.kind}`,
    `message=${event.message}`,
  ];
  const metadata = event.metadata ?? {};
  const prefix = objectGroupPrefix(event);
  for (const key of ['originRevision', 'revision', 'token']) {
    const value = metadata[`${prefix}${key}`];
    if (value !== undefined && Object.hasOwn(metadata, `${prefix}${key}`)) parts.push(`${key}=${value}`);
  }
  for (const key of Object.keys(sourceMetadata ?? {}).sort()) {
    parts.push(`source.${key}=${sourceMetadata?.[key]}`);
  }
  return sha256Hex(parts.join('/'));
}
