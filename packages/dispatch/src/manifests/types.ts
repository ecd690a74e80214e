/**
 * Flux's Provider, Alert and Secret objects in their Kubernetes form (the v1beta3 shape; older
 * versions are converted on load). Users may write these objects in JavaScript instead of YAML.
 */

export interface ObjectMeta {
  name: string;
  /** Defaults to the loader's `namespace` option, else `default`. */
  namespace: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  // The rest of Kubernetes' ObjectMeta, accepted so that `kubectl get -o yaml` output loads.
  generateName?: string;
  selfLink?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  finalizers?: string[];
  ownerReferences?: Record<string, unknown>[];
  managedFields?: Record<string, unknown>[];
}

export interface LocalObjectReference {
  name: string;
}

export interface ProviderObjectSpec {
  type: string;
  /** Deprecated in Flux and ignored, as upstream ignores it. */
  interval?: string;
  channel?: string;
  username?: string;
  address?: string;
  /** Go duration, e.g. `30s`. */
  timeout?: string;
  proxy?: string;
  secretRef?: LocalObjectReference;
  certSecretRef?: LocalObjectReference;
  proxySecretRef?: LocalObjectReference;
  serviceAccountName?: string;
  commitStatusExpr?: string;
  suspend?: boolean;
}

export interface Provider {
  /** `notification.toolkit.fluxcd.io/v1beta3` once loaded; objects written in JavaScript may say v1beta1 or v1beta2. */
  apiVersion: string;
  kind: 'Provider';
  metadata: ObjectMeta;
  spec: ProviderObjectSpec;
}

export interface CrossNamespaceObjectReference {
  apiVersion?: string;
  kind: string;
  /** An object name, or `*` for any. */
  name: string;
  /** Defaults to the Alert's namespace. */
  namespace?: string;
  matchLabels?: Record<string, string>;
}

export interface AlertObjectSpec {
  providerRef: LocalObjectReference;
  /** `info` (the default) forwards every severity; `error` only errors. */
  eventSeverity?: 'info' | 'error';
  eventSources: CrossNamespaceObjectReference[];
  inclusionList?: string[];
  exclusionList?: string[];
  eventMetadata?: Record<string, string>;
  /** Deprecated in Flux in favour of `eventMetadata.summary`; at most 255 characters. */
  summary?: string;
  suspend?: boolean;
}

export interface Alert {
  /** `notification.toolkit.fluxcd.io/v1beta3` once loaded; objects written in JavaScript may say v1beta1 or v1beta2. */
  apiVersion: string;
  kind: 'Alert';
  metadata: ObjectMeta;
  spec: AlertObjectSpec;
}

export interface Secret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: ObjectMeta;
  type?: string;
  /** Base64 values, as in Kubernetes. */
  data?: Record<string, string>;
  /** Plain values; a key here wins over the same key in `data`, as in Kubernetes. */
  stringData?: Record<string, string>;
  immutable?: boolean;
}

export interface Manifests {
  providers: Provider[];
  alerts: Alert[];
  secrets: Secret[];
}
