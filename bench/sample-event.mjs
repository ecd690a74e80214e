// The shared sample event (copied from test/support/sample-events.ts, which is TypeScript).

/** A Flux event as a controller reports it. */
export const sampleEvent = {
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
    revision: 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1',
    summary: 'Cluster: prod-eu',
  },
  reportingController: 'kustomize-controller',
  reportingInstance: 'kustomize-controller-7c7b47f5f-8bhrp',
};

/** Its Go-canonical JSON: 549 bytes. */
export const sampleEventJson =
  '{"involvedObject":{"kind":"Kustomization","namespace":"apps","name":"webapp","uid":"7d0cdc51-ddcf-4743-b223-83ca5c699632","apiVersion":"kustomize.toolkit.fluxcd.io/v1"},"severity":"error","timestamp":"2022-10-28T07:26:19Z","message":"service/apps/webapp validation error: spec.type: Unsupported value: Ingress","reason":"ValidationFailed","metadata":{"revision":"main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1","summary":"Cluster: prod-eu"},"reportingController":"kustomize-controller","reportingInstance":"kustomize-controller-7c7b47f5f-8bhrp"}';
