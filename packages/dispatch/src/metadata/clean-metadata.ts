import { EVENT_METADATA_PREFIX, type Event, groupOf } from '@notiflux/providers';

/** `<group of the involved object's apiVersion>/`: the prefix of the controller's own keys. */
export function objectGroupPrefix(event: Pick<Event, 'involvedObject'>): string {
  return `${groupOf(event.involvedObject.apiVersion)}/`;
}

/**
 * The event as notification-controller keeps it on receipt: only the annotation keys and the
 * controller's keys survive, minus the controller's `checksum` and `digest` (compared ignoring
 * case). The controller's `token` stays: it is part of the duplicate key.
 */
export function cleanEventMetadata(event: Event): Event {
  const prefix = objectGroupPrefix(event);
  const checksum = `${prefix}checksum`.toLowerCase();
  const digest = `${prefix}digest`.toLowerCase();
  const metadata: Record<string, string> = {};
  const source = event.metadata;
  if (source !== undefined) {
    // A loop over keys, not entries: this runs for every event.
    for (const key of Object.keys(source)) {
      if (!key.startsWith(EVENT_METADATA_PREFIX) && !key.startsWith(prefix)) continue;
      const folded = key.toLowerCase();
      if (folded === checksum || folded === digest) continue;
      metadata[key] = source[key] as string;
    }
  }
  return { ...event, metadata };
}

/**
 * Whether merging the metadata of the event as received could differ from merging its cleaned
 * form. The merge reads annotation keys and the controller's keys and drops the controller's
 * `checksum` and `digest` (any case) and `token` itself, so cleaning only matters where it drops
 * an annotation key: where the group prefix, ignoring case, begins with the annotation prefix
 * (an object of the group `event.toolkit.fluxcd.io`, say), whose `checksum` is also an annotation.
 */
export function mergeReadsCleanedForm(event: Pick<Event, 'involvedObject'>): boolean {
  return objectGroupPrefix(event).toLowerCase().startsWith(EVENT_METADATA_PREFIX);
}
