import type { Alert, CrossNamespaceObjectReference } from '../manifests/types.js';
import { compileRe2, type Re2Expression } from './re2.js';

/** An event source with its namespace filled in (the Alert's own when the manifest leaves it out). */
export interface EventSource {
  kind: string;
  name: string;
  namespace: string;
  matchLabels?: Record<string, string>;
  /** `Kind/namespace/name`, as explanations name the source. */
  shown: string;
}

/** An Alert ready for matching: defaults applied, expressions compiled once. */
export interface CompiledAlert {
  alert: Alert;
  ref: { name: string; namespace: string };
  /** `eventSeverity`, `info` when absent (the CRD default). */
  severity: 'info' | 'error';
  sources: EventSource[];
  inclusion: Re2Expression[];
  exclusion: Re2Expression[];
}

/** Compiles an Alert whose expressions were already checked. */
export function compileAlert(alert: Alert): CompiledAlert {
  const { namespace, name } = alert.metadata;
  return {
    alert,
    // Frozen: every delivery of this Alert, queued ones included, holds this same object.
    ref: Object.freeze({ name, namespace }),
    severity: alert.spec.eventSeverity ?? 'info',
    sources: (alert.spec.eventSources ?? []).map((source) => eventSource(source, namespace)),
    inclusion: (alert.spec.inclusionList ?? []).map(compileRe2),
    exclusion: (alert.spec.exclusionList ?? []).map(compileRe2),
  };
}

function eventSource(source: CrossNamespaceObjectReference, alertNamespace: string): EventSource {
  const namespace = source.namespace || alertNamespace;
  return {
    kind: source.kind,
    name: source.name,
    namespace,
    ...(source.matchLabels === undefined ? {} : { matchLabels: source.matchLabels }),
    shown: `${source.kind}/${namespace}/${source.name}`,
  };
}

/** Alert order: namespace, then name, as Kubernetes lists them. */
export function compareAlerts(a: CompiledAlert, b: CompiledAlert): number {
  return compareStrings(a.ref.namespace, b.ref.namespace) || compareStrings(a.ref.name, b.ref.name);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
