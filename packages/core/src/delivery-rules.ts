import type { Event } from './event.js';
import { EVENT_METADATA_PREFIX, groupOf } from './event-metadata.js';
import type { ProviderCategory } from './provider-types.js';

// The dispatcher's routing rules (docs/design/events-and-metadata.md#delivery-rules). They accept both the
// processed event that providers receive (unprefixed keys) and the raw event a controller posts (prefixed
// keys).

function metadataValue(
  event: Pick<Event, 'metadata' | 'involvedObject'>,
  key: string,
  prefix: string,
): string | undefined {
  const metadata = event.metadata ?? {};
  return metadata[key] ?? metadata[`${prefix}${key}`];
}

/** The "reconciliation finished" event meant for git commit statuses (`commit_status: update`). */
export function isCommitStatusUpdate(event: Pick<Event, 'metadata' | 'involvedObject'>): boolean {
  const objectPrefix = `${groupOf(event.involvedObject.apiVersion)}/`;
  return metadataValue(event, 'commit_status', objectPrefix) === 'update';
}

/** The event names a commit (`event.toolkit.fluxcd.io/commit` annotation), non-empty. */
export function hasCommitKey(event: Pick<Event, 'metadata' | 'involvedObject'>): boolean {
  return Boolean(metadataValue(event, 'commit', EVENT_METADATA_PREFIX));
}

/** The event names a pull/merge request (`event.toolkit.fluxcd.io/change_request`), non-empty. */
export function hasChangeRequestKey(event: Pick<Event, 'metadata' | 'involvedObject'>): boolean {
  return Boolean(metadataValue(event, 'change_request', EVENT_METADATA_PREFIX));
}

/**
 * Whether Flux's dispatcher would hand this event to a provider of this category (a notifier's
 * `category`, from its definition). `post` itself never drops events; callers wiring notifiers
 * by hand apply this first (`@notiflux/providers`' `shouldDeliver` takes a type or a notifier).
 */
export function shouldDeliverToCategory(
  category: ProviderCategory,
  event: Pick<Event, 'metadata' | 'involvedObject' | 'severity'>,
): boolean {
  switch (category) {
    case 'generic':
      return true;
    case 'commit-status':
      return isCommitStatusUpdate(event) || hasCommitKey(event) || event.severity === 'error';
    case 'change-request':
      return hasChangeRequestKey(event);
    case 'alerting':
      return !isCommitStatusUpdate(event);
  }
}
