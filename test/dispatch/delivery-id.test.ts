// A delivery id is the SHA-256 of a canonical text: the event's JSON with every object's keys
// sorted, the source metadata's likewise, then the Alert and the Provider. The id is built by a
// faster route than the definition; these properties hold it to the definition, for any event.
import { createHash } from 'node:crypto';
import { type Event, parseEvent } from '@notiflux/providers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deliveryId, eventIdentity } from '../../packages/dispatch/src/delivery-id.js';

/** The definition, written plainly: keys sorted by UTF-16 code units, undefined left out. */
function sortedJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const object = value as Record<string, unknown>;
  const fields = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${sortedJson(object[key])}`);
  return `{${fields.join(',')}}`;
}

const alert = { namespace: 'apps', name: 'on-call' };
const provider = { namespace: 'apps', name: 'sink', type: 'generic' };

function definedId(
  event: Event,
  sourceMetadata?: Record<string, string>,
  { alert: alertRef, provider: providerRef } = { alert, provider },
): string {
  const text = `${sortedJson(event)}\n${sortedJson(sourceMetadata ?? {})}\n${alertRef.namespace}/${alertRef.name}\n${providerRef.namespace}/${providerRef.name}`;
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);
}

/** Keys that test the fast route's limits: array indexes, `__proto__`, non-ASCII, surrogates. */
const key = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom(
    '0',
    '1',
    '10',
    '2',
    '007',
    '4294967295',
    '-1',
    '1.5',
    '__proto__',
    'constructor',
    'é',
    '\u{1F600}',
  ),
);
const record = fc.dictionary(key, fc.string({ unit: 'binary', maxLength: 20 }), { maxKeys: 12 });
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const event = fc
  .record({
    kind: fc.string({ minLength: 1, maxLength: 12 }),
    name: fc.string({ unit: 'binary', maxLength: 20 }),
    namespace: maybe(fc.string({ maxLength: 12 })),
    uid: maybe(fc.uuid()),
    apiVersion: maybe(fc.constant('kustomize.toolkit.fluxcd.io/v1')),
    fieldPath: maybe(fc.string({ maxLength: 8 })),
    resourceVersion: maybe(fc.string({ maxLength: 8 })),
    severity: fc.constantFrom('info', 'error', 'trace'),
    timestamp: fc
      .date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2099-12-31T23:59:59Z'),
        noInvalidDate: true,
      })
      .map((date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z')),
    message: fc.string({ unit: 'binary', maxLength: 60 }),
    reason: fc.string({ maxLength: 20 }),
    metadata: maybe(record),
    reportingController: fc.string({ maxLength: 20 }),
    reportingInstance: maybe(fc.string({ maxLength: 20 })),
  })
  .map(({ kind, name, namespace, uid, apiVersion, fieldPath, resourceVersion, ...rest }) =>
    parseEvent({
      involvedObject: { kind, name, namespace, uid, apiVersion, fieldPath, resourceVersion },
      ...rest,
    }),
  );

describe('delivery ids', () => {
  it('are the hash of the sorted-key text for any event and source metadata', () => {
    fc.assert(
      fc.property(event, maybe(record), (parsed, sourceMetadata) => {
        expect(deliveryId(eventIdentity(parsed, sourceMetadata), alert, provider)).toBe(
          definedId(parsed, sourceMetadata),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('do not depend on the order of the metadata keys, array-index keys included', () => {
    const base = parseEvent({
      involvedObject: { kind: 'Kustomization', namespace: 'apps', name: 'webapp' },
      severity: 'info',
      timestamp: '2026-12-06T05:00:00Z',
      message: 'applied',
      reason: 'ReconciliationSucceeded',
      reportingController: 'kustomize-controller',
      metadata: { revision: 'main@sha1:abc', 10: 'ten', 2: 'two', b: 'b' },
    });
    const reordered = { ...base, metadata: { b: 'b', 2: 'two', revision: 'main@sha1:abc', 10: 'ten' } };
    const id = deliveryId(eventIdentity(base, { cluster: 'prod', az: 'eu-1' }), alert, provider);
    expect(deliveryId(eventIdentity(reordered, { az: 'eu-1', cluster: 'prod' }), alert, provider)).toBe(id);
    expect(id).toBe(definedId(base, { az: 'eu-1', cluster: 'prod' }));
  });

  it("share the event's part between the Alerts and Providers it is delivered through", () => {
    const parsed = parseEvent({
      involvedObject: { kind: 'HelmRelease', namespace: 'apps', name: 'podinfo' },
      severity: 'error',
      timestamp: '2026-12-06T05:00:00Z',
      message: 'install failed',
      reason: 'InstallFailed',
      reportingController: 'helm-controller',
    });
    const identity = eventIdentity(parsed, { cluster: 'prod-eu' });
    const pairs = [
      { alert, provider },
      { alert: { namespace: 'apps', name: 'audit' }, provider },
      { alert, provider: { namespace: 'apps', name: 'chat', type: 'slack' } },
    ];
    const ids = pairs.map((pair) => deliveryId(identity, pair.alert, pair.provider));
    expect(new Set(ids).size).toBe(3);
    expect(ids).toEqual(pairs.map((pair) => definedId(parsed, { cluster: 'prod-eu' }, pair)));
  });
});
