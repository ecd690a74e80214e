import type {
  Alert,
  AlertObjectSpec,
  Manifests,
  Provider,
  ProviderObjectSpec,
  Secret,
} from '@notiflux/dispatch';
import type { Event } from '@notiflux/providers';

/** Test manifests in their Kubernetes object form, written in code. */
export function provider(
  name: string,
  spec: ProviderObjectSpec,
  namespace = 'flux-system',
  uid?: string,
): Provider {
  return {
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    kind: 'Provider',
    metadata: { name, namespace, ...(uid ? { uid } : {}) },
    spec,
  };
}

export function alert(name: string, spec: AlertObjectSpec, namespace = 'flux-system', uid?: string): Alert {
  return {
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    kind: 'Alert',
    metadata: { name, namespace, ...(uid ? { uid } : {}) },
    spec,
  };
}

export function secret(name: string, stringData: Record<string, string>, namespace = 'flux-system'): Secret {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, stringData };
}

export function manifests(parts: Partial<Manifests>): Manifests {
  return { providers: parts.providers ?? [], alerts: parts.alerts ?? [], secrets: parts.secrets ?? [] };
}

/** An event as kustomize-controller posts it (prefixed metadata). */
export function rawEvent(overrides: Partial<Event> = {}): Event {
  return {
    involvedObject: {
      kind: 'Kustomization',
      namespace: 'foo-ns',
      name: 'foo',
      uid: '7d0cdc51-ddcf-4743-b223-83ca5c699632',
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    },
    severity: 'info',
    timestamp: '2022-10-28T07:26:19Z',
    message: 'some excluded message',
    reason: 'ReconciliationSucceeded',
    reportingController: 'kustomize-controller',
    ...overrides,
  };
}

/** The raw error event of Flux's docs: annotation summary, revision, token and a foreign key. */
export const rawErrorEvent: Event = {
  involvedObject: {
    kind: 'Kustomization',
    namespace: 'apps',
    name: 'webapp',
    uid: '7d0cdc51-ddcf-4743-b223-83ca5c699632',
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  },
  severity: 'error',
  timestamp: '2022-10-28T07:26:19Z',
  message: 'service/apps/webapp validation error: spec.type: Unsupported value: Ingress',
  reason: 'ValidationFailed',
  metadata: {
    'event.toolkit.fluxcd.io/summary': 'Cluster: prod-eu',
    'kustomize.toolkit.fluxcd.io/revision': 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1',
    'kustomize.toolkit.fluxcd.io/token': '2d3c1a7e',
    'source.toolkit.fluxcd.io/ignored': 'dropped because of the foreign prefix',
  },
  reportingController: 'kustomize-controller',
  reportingInstance: 'kustomize-controller-7c7b47f5f-8bhrp',
};
