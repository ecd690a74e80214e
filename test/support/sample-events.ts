import type { Event } from '@notiflux/core';
import sampleEventData from '../../examples/sample-event.json' with { type: 'json' };

/** The shared sample event (docs/design/events-and-metadata.md), also used by the demo and the bench. */
export const sampleEvent = sampleEventData as Event;

/** Its Go-canonical JSON: 549 bytes. */
export const sampleEventJson =
  '{"involvedObject":{"kind":"Kustomization","namespace":"apps","name":"webapp","uid":"7d0cdc51-ddcf-4743-b223-83ca5c699632","apiVersion":"kustomize.toolkit.fluxcd.io/v1"},"severity":"error","timestamp":"2022-10-28T07:26:19Z","message":"service/apps/webapp validation error: spec.type: Unsupported value: Ingress","reason":"ValidationFailed","metadata":{"revision":"main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1","summary":"Cluster: prod-eu"},"reportingController":"kustomize-controller","reportingInstance":"kustomize-controller-7c7b47f5f-8bhrp"}';

/** The event of upstream's forwarder_test.go. */
export const upstreamTestEvent: Event = {
  involvedObject: { kind: 'GitRepository', namespace: 'gitops-system', name: 'webapp' },
  severity: 'info',
  timestamp: new Date(1664520029 * 1000).toISOString(),
  message: 'message',
  reason: 'reason',
  metadata: { test: 'metadata' },
  reportingController: 'source-controller',
  reportingInstance: 'source-controller-xyz',
};

export const upstreamTestEventJson =
  '{"involvedObject":{"kind":"GitRepository","namespace":"gitops-system","name":"webapp"},"severity":"info","timestamp":"2022-09-30T06:40:29Z","message":"message","reason":"reason","metadata":{"test":"metadata"},"reportingController":"source-controller","reportingInstance":"source-controller-xyz"}';
