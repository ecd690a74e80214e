import type { ObjectReference } from '@notiflux/providers';
import { type CompiledAlert, compareAlerts } from './compiled-alert.js';

/**
 * The Alerts by the kind, namespace and name of their event sources, so an event only meets
 * the Alerts that could take it: a source matches its own kind and namespace exactly, and its
 * own name or any name (`*`). An event looks in two buckets, its exact name and `*`, whatever
 * the number of Alerts; each bucket keeps Alert order (namespace, then name).
 */
export class AlertIndex {
  /** Every Alert, in Alert order. */
  readonly all: readonly CompiledAlert[];
  private readonly buckets = new Map<string, CompiledAlert[]>();
  private readonly order = new Map<CompiledAlert, number>();

  constructor(alerts: readonly CompiledAlert[]) {
    this.all = [...alerts].sort(compareAlerts);
    this.all.forEach((alert, position) => {
      this.order.set(alert, position);
      const keys = new Set(
        alert.sources.map((source) => bucketKey(source.kind, source.namespace, source.name)),
      );
      for (const key of keys) {
        const bucket = this.buckets.get(key);
        if (bucket) bucket.push(alert);
        else this.buckets.set(key, [alert]);
      }
    });
  }

  /** The Alerts with a source of the object's kind and namespace, and its name or `*`, in Alert order. */
  candidates(object: ObjectReference): readonly CompiledAlert[] {
    const namespace = object.namespace ?? '';
    const named = this.buckets.get(bucketKey(object.kind, namespace, object.name)) ?? [];
    const any = object.name === '*' ? [] : (this.buckets.get(bucketKey(object.kind, namespace, '*')) ?? []);
    if (any.length === 0) return named;
    if (named.length === 0) return any;
    return this.merge(named, any);
  }

  /** Two buckets merged in Alert order, an Alert in both listed once. */
  private merge(a: readonly CompiledAlert[], b: readonly CompiledAlert[]): CompiledAlert[] {
    const merged: CompiledAlert[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const left = a[i];
      const right = b[j];
      const leftOrder = left ? (this.order.get(left) ?? 0) : Number.POSITIVE_INFINITY;
      const rightOrder = right ? (this.order.get(right) ?? 0) : Number.POSITIVE_INFINITY;
      if (leftOrder <= rightOrder) {
        if (left) merged.push(left);
        i++;
        if (leftOrder === rightOrder) j++;
      } else {
        if (right) merged.push(right);
        j++;
      }
    }
    return merged;
  }
}

// Kinds, namespaces and names cannot hold a NUL, so the triple is unambiguous.
function bucketKey(kind: string, namespace: string, name: string): string {
  return `${kind}\u0000${namespace}\u0000${name}`;
}
