import { compareUtf8, type Event } from '@notiflux/core';

/**
 * The event's metadata as entries sorted by key in byte order. Upstream iterates a Go map
 * (random order); sorting makes messages stable.
 */
export function sortedMetadata(event: Pick<Event, 'metadata'>): [key: string, value: string][] {
  const metadata = event.metadata;
  if (!metadata) return [];
  return Object.keys(metadata)
    .sort(compareUtf8)
    .map((key) => [key, metadata[key] as string]);
}
