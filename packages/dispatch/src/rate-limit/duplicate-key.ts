import type { Event } from '@notiflux/providers';
import { objectGroupPrefix } from '../metadata/clean-metadata.js';
import { sha256Hex } from '../sha256-hex.js';

/** The controller's keys that are part of the key, in this order. */
const controllerKeys = ['originRevision', 'revision', 'token'] as const;

/**
 * The duplicate-suppression key of an event, as received or with its metadata cleaned (which
 * keeps every key read here): object, message, and the controller's `originRevision`, `revision`
 * and `token` when present, joined and hashed as notification-controller does. Severity, reason and
 * timestamp are not part of it. `sourceMetadata` (sorted, after everything upstream uses) keeps
 * the same event from two clusters apart; without it the key is upstream's.
 */
export function duplicateKey(event: Event, sourceMetadata?: Record<string, string>): string {
  const { involvedObject: object } = event;
  // Joined as it goes (one string, no array of parts): this runs for every event.
  let text = `event/name=${object.name}/namespace=${object.namespace ?? ''}/kind=${object.kind}/message=${event.message}`;
  const metadata = event.metadata ?? {};
  const prefixed = prefixedControllerKeys(objectGroupPrefix(event));
  for (let index = 0; index < controllerKeys.length; index++) {
    const name = prefixed[index] as string;
    const value = metadata[name];
    if (value !== undefined && Object.hasOwn(metadata, name)) text += `/${controllerKeys[index]}=${value}`;
  }
  if (sourceMetadata !== undefined) {
    for (const key of Object.keys(sourceMetadata).sort()) text += `/source.${key}=${sourceMetadata[key]}`;
  }
  return sha256Hex(text);
}

/** API groups are few; past this many, the keys are made for each event. */
const PREFIXES_HELD = 256;
const controllerKeysByPrefix = new Map<string, readonly string[]>();

/**
 * The controller's keys with the object's group prefix, made once per group: the same few
 * strings event after event, rather than three new ones to join and look up each time.
 */
function prefixedControllerKeys(prefix: string): readonly string[] {
  let keys = controllerKeysByPrefix.get(prefix);
  if (keys === undefined) {
    keys = controllerKeys.map((key) => `${prefix}${key}`);
    if (controllerKeysByPrefix.size < PREFIXES_HELD) controllerKeysByPrefix.set(prefix, keys);
  }
  return keys;
}
