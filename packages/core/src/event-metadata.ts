import type { Event } from './event.js';

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
  const objectPrefix = `${groupOf(event.involvedObject.apiVersion)}/`;
  const dropped = new Set(
    [`${objectPrefix}checksum`, `${objectPrefix}digest`].map((key) => key.toLowerCase()),
  );

  const annotations: [string, string][] = [];
  const controller: [string, string][] = [];
  for (const [key, value] of Object.entries(event.metadata ?? {})) {
    if (key.startsWith(EVENT_METADATA_PREFIX)) {
      annotations.push([key.slice(EVENT_METADATA_PREFIX.length), value]);
    } else if (
      key.startsWith(objectPrefix) &&
      !dropped.has(key.toLowerCase()) &&
      key !== `${objectPrefix}token`
    ) {
      controller.push([key.slice(objectPrefix.length), value]);
    }
  }

  const sources: [string, [string, string][]][] = [
    ['event source metadata', Object.entries(options.sourceMetadata ?? {})],
    ['involved object annotations', annotations],
    ['Alert object .spec.eventMetadata', Object.entries(alert.eventMetadata ?? {})],
    ['Alert object .spec.summary', alert.summary ? [['summary', alert.summary]] : []],
    ['involved object controller metadata', controller],
  ];
  // A Map, not an object: a key such as `__proto__` stays a key instead of setting a prototype.
  const merged = new Map<string, string>();
  const writers = options.onConflict ? new Map<string, string[]>() : undefined;
  for (const [source, entries] of sources) {
    for (const [key, value] of entries) {
      merged.set(key, value);
      if (!writers) continue;
      const by = writers.get(key);
      if (by) by.push(source);
      else writers.set(key, [source]);
    }
  }

  if (writers && options.onConflict) {
    const conflicts = [...writers]
      .filter(([, by]) => by.length > 1)
      .map(([key, by]) => ({ key, sources: by }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    if (conflicts.length > 0) options.onConflict(conflicts);
  }

  const { metadata: _, ...rest } = event;
  return merged.size > 0 ? { ...rest, metadata: Object.fromEntries(merged) } : rest;
}
