import type { Event } from './event.js';
import { setEntry } from './record-entry.js';

/** The API group of an `apiVersion`: `kustomize.toolkit.fluxcd.io/v1` → `kustomize.toolkit.fluxcd.io`, `v1` → ``. */
export function groupOf(apiVersion: string | undefined): string {
  if (!apiVersion) return '';
  const slash = apiVersion.lastIndexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** Prefix of metadata keys copied from object annotations (Flux RFC 0008). */
export const EVENT_METADATA_PREFIX = 'event.toolkit.fluxcd.io/';

/**
 * The revision a git provider reports on: `commit`, else `originRevision`, else `revision`
 * (presence decides, not emptiness), as Flux's `Event.GetRevision`.
 */
export function getRevision(event: Pick<Event, 'metadata'>): string | undefined {
  const metadata = event.metadata ?? {};
  for (const key of ['commit', 'originRevision', 'revision']) {
    if (Object.hasOwn(metadata, key)) return metadata[key];
  }
  return undefined;
}

/** What an Alert contributes to event metadata (`spec.eventMetadata`, deprecated `spec.summary`). */
export interface AlertMetadata {
  eventMetadata?: Record<string, string>;
  summary?: string;
}

export interface MetadataConflict {
  key: string;
  sources: string[];
}

export interface NormalizeOptions {
  /**
   * Metadata of where the event came from (e.g. `{ cluster: 'prod-eu' }`), below every other
   * source: the object's annotations, the Alert and the controller all override it.
   */
  sourceMetadata?: Record<string, string>;
  /** Called when two sources wrote the same key; the higher-precedence value has won. */
  onConflict?: (conflicts: MetadataConflict[]) => void;
}

/**
 * Turns an event as a Flux controller posts it into the form providers receive
 * (docs/design/events-and-metadata.md#metadata-normalisation): foreign keys and the checksum/digest/token
 * keys dropped, annotation, Alert and controller metadata merged and unprefixed. Returns a new event.
 */
export function normalizeEventMetadata(
  event: Event,
  alert: AlertMetadata = {},
  options: NormalizeOptions = {},
): Event {
  // It runs for every delivery: entries are written straight into the new record, and who wrote
  // which key is only worked out when a key was written twice and someone asked.
  const merged: Record<string, string> = {};
  let written = 0;
  let overwritten = false;
  eachMetadataSource(event, alert, options.sourceMetadata, (key, value) => {
    if (Object.hasOwn(merged, key)) overwritten = true;
    else written += 1;
    setEntry(merged, key, value);
  });
  if (overwritten && options.onConflict) {
    const conflicts = metadataConflicts(event, alert, options.sourceMetadata);
    if (conflicts.length > 0) options.onConflict(conflicts);
  }
  const { metadata: _, ...rest } = event;
  return written > 0 ? { ...rest, metadata: merged } : rest;
}

/** Where metadata comes from, lowest precedence first; the names are those of conflict reports. */
const metadataSources = [
  'event source metadata',
  'involved object annotations',
  'Alert object .spec.eventMetadata',
  'Alert object .spec.summary',
  'involved object controller metadata',
] as const;

type MetadataSource = (typeof metadataSources)[number];

/**
 * Calls `visit` with every metadata entry the event's providers receive, unprefixed, source by
 * source in precedence order (a later write of a key wins): the source's metadata, the object's
 * annotations, the Alert's `eventMetadata` and `summary`, the controller's own keys.
 */
function eachMetadataSource(
  event: Event,
  alert: AlertMetadata,
  sourceMetadata: Record<string, string> | undefined,
  visit: (key: string, value: string, source: MetadataSource) => void,
): void {
  if (sourceMetadata) {
    for (const key of Object.keys(sourceMetadata))
      visit(key, sourceMetadata[key] as string, metadataSources[0]);
  }
  const metadata = event.metadata;
  const keys = metadata ? Object.keys(metadata) : [];
  for (const key of keys) {
    if (key.startsWith(EVENT_METADATA_PREFIX)) {
      visit(
        key.slice(EVENT_METADATA_PREFIX.length),
        (metadata as Record<string, string>)[key] as string,
        metadataSources[1],
      );
    }
  }
  if (alert.eventMetadata) {
    for (const key of Object.keys(alert.eventMetadata)) {
      visit(key, alert.eventMetadata[key] as string, metadataSources[2]);
    }
  }
  if (alert.summary) visit('summary', alert.summary, metadataSources[3]);
  if (keys.length === 0) return;
  const objectPrefix = `${groupOf(event.involvedObject.apiVersion)}/`;
  for (const key of keys) {
    if (!key.startsWith(EVENT_METADATA_PREFIX) && key.startsWith(objectPrefix)) {
      const name = key.slice(objectPrefix.length);
      if (isDroppedControllerKey(name)) continue;
      visit(name, (metadata as Record<string, string>)[key] as string, metadataSources[4]);
    }
  }
}

/** The controller's checksum and digest (in any case) and its exact `token`: never sent. */
function isDroppedControllerKey(name: string): boolean {
  if (name === 'token') return true;
  const lower = name.toLowerCase();
  return lower === 'checksum' || lower === 'digest';
}

/** The keys written by more than one source, with those sources in precedence order, by key. */
function metadataConflicts(
  event: Event,
  alert: AlertMetadata,
  sourceMetadata: Record<string, string> | undefined,
): MetadataConflict[] {
  // A Map, not an object: a key such as `__proto__` stays a key instead of setting a prototype.
  const writers = new Map<string, string[]>();
  eachMetadataSource(event, alert, sourceMetadata, (key, _value, source) => {
    const by = writers.get(key);
    if (by) by.push(source);
    else writers.set(key, [source]);
  });
  return [...writers]
    .filter(([, by]) => by.length > 1)
    .map(([key, by]) => ({ key, sources: by }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}
