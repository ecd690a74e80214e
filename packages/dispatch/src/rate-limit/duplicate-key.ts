import type { Event } from '@notiflux/providers';
import { objectGroupPrefix } from '../metadata/clean-metadata.js';
import { sha256Hex } from '../sha256-hex.js';

/** The controller's keys that are part of the key, in this order. */
const controllerKeys = ['originRevision', 'revision', 'token'] as const;

/**
 * The duplicate-suppression key of an event whose metadata was cleaned (the controller's `token`
 * still in it): object, message, and the controller's `originRevision`, `revision` and `token`
 * when present, joined and hashed as notification-controller does. Severity, reason and
 * timestamp are not part of it. `sourceMetadata` (sorted, after everything upstream uses) keeps
 * the same event from two clusters apart; without it the key is upstream's.
 */
export function duplicateKey(event: Event, sourceMetadata?: Record<string, string>): string {
  const { involvedObject: object } = event;
  // Joined as it goes (one string, no array of parts): this runs for every event.
  let text = `event/name=${object.name}/namespace=${object.namespace ?? ''}/kind=${object.kind}/message=${event.message}`;
  const metadata = event.metadata ?? {};
  const prefix = objectGroupPrefix(event);
  for (const key of controllerKeys) {
    const value = metadata[`${prefix}${key}`];
    if (value !== undefined && Object.hasOwn(metadata, `${prefix}${key}`)) text += `/${key}=${value}`;
  }
  if (sourceMetadata !== undefined) {
    for (const key of Object.keys(sourceMetadata).sort()) text += `/source.${key}=${sourceMetadata[key]}`;
  }
  return sha256Hex(text);
}
