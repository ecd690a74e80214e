import type { ObjectReference } from '@notiflux/providers';
import { type CompiledAlert, compareAlerts } from './compiled-alert.js';

/**
 * The Alerts by the (kind, namespace) of their event sources, so an event only meets the
 * Alerts that could take it: a source matches only its own kind and namespace, exactly. Each
 * bucket keeps Alert order (namespace, then name).
 */
export class AlertIndex {
  /** Every Alert, in Alert order. */
  readonly all: readonly CompiledAlert[];
  private readonly buckets = new Map<string, CompiledAlert[]>();

  constructor(alerts: readonly CompiledAlert[]) {
    this.all = [...alerts].sort(compareAlerts);
    for (const alert of this.all) {
      for (const key of new Set(alert.sources.map((source) => bucketKey(source.kind, source.namespace)))) {
        const bucket = this.buckets.get(key);
        if (bucket) bucket.push(alert);
        else this.buckets.set(key, [alert]);
      }
    }
  }

  /** The Alerts with a source of the object's kind and namespace, in Alert order. */
  candidates(object: ObjectReference): readonly CompiledAlert[] {
    return this.buckets.get(bucketKey(object.kind, object.namespace ?? '')) ?? [];
  }
}

// Kinds and namespaces cannot hold a NUL, so the pair is unambiguous.
function bucketKey(kind: string, namespace: string): string {
  return `${kind}\u0000${namespace}`;
}
