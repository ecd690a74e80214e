import { parseEvent } from '@notiflux/core';
import { eventSchema } from '@notiflux/core/schemas';
import { describe, expect, it } from 'vitest';

// parseEvent copies a plain valid event without zod; whatever it returns must be exactly what
// the schema returns, key for key (including keys given as undefined).
const base = {
  involvedObject: { kind: 'Kustomization', name: 'apps', namespace: 'flux-system' },
  severity: 'info',
  timestamp: '2026-11-05T10:00:00Z',
  message: 'Reconciliation finished',
  reason: 'ReconciliationSucceeded',
  reportingController: 'kustomize-controller',
};

const valid: Record<string, unknown>[] = [
  base,
  { ...base, metadata: { revision: 'main@sha1:abc', 'z-key': '', a: 'x' }, reportingInstance: 'pod-1' },
  { ...base, metadata: {}, extra: 'dropped', involvedObject: { ...base.involvedObject, uid: 'u', extra: 1 } },
  { ...base, metadata: undefined, reportingInstance: undefined },
  {
    ...base,
    involvedObject: {
      kind: 'K',
      name: 'n',
      namespace: undefined,
      uid: undefined,
      apiVersion: 'v1',
      resourceVersion: '1',
      fieldPath: 'spec',
    },
  },
  { ...base, timestamp: '2026-11-05T10:00:00.123+02:00', severity: 'trace' },
  Object.assign(Object.create(null), base, { metadata: Object.assign(Object.create(null), { k: 'v' }) }),
  // Symbol keys are read by neither path.
  { ...base, [Symbol('extra')]: 1, involvedObject: { ...base.involvedObject, [Symbol('extra')]: 1 } },
];

const invalid: unknown[] = [
  null,
  'event',
  [],
  { ...base, severity: 'warning' },
  { ...base, timestamp: '2026-02-30T10:00:00Z' },
  { ...base, metadata: { count: 1 } },
  { ...base, metadata: [] },
  { ...base, reportingInstance: 7 },
  { ...base, involvedObject: { kind: 'K' } },
  { ...base, involvedObject: { ...base.involvedObject, uid: 5 } },
  { ...base, message: undefined },
];

describe('parseEvent', () => {
  it.each(valid.map((event, index) => [index, event] as const))(
    'copies valid event %i as the schema does',
    (_index, event) => {
      const copy = parseEvent(event);
      const expected = eventSchema.parse(event);
      expect(copy).toStrictEqual(expected);
      expect(Object.keys(copy)).toEqual(Object.keys(expected));
      expect(Object.keys(copy.involvedObject)).toEqual(Object.keys(expected.involvedObject));
      expect(copy).not.toBe(event);
    },
  );

  it.each(invalid.map((event, index) => [index, event] as const))(
    'refuses invalid event %i as the schema does',
    (_index, event) => {
      expect(eventSchema.safeParse(event).success).toBe(false);
      expect(() => parseEvent(event)).toThrow(/^invalid event: /);
    },
  );

  it('keeps a metadata key named __proto__ as a key, on the fast path and the checked one', () => {
    const metadata = JSON.parse('{"__proto__":"p","a":"1"}') as Record<string, string>;
    const fast = parseEvent({ ...base, metadata });
    expect(Object.entries(fast.metadata ?? {})).toEqual([
      ['__proto__', 'p'],
      ['a', '1'],
    ]);
    expect(Object.getPrototypeOf(fast.metadata)).toBe(Object.prototype);
    // A class instance takes the checked path.
    const checked = parseEvent(Object.assign(new (class Carrier {})(), { ...base, metadata }));
    expect(Object.entries(checked.metadata ?? {})).toEqual(Object.entries(fast.metadata ?? {}));
  });

  it('copies a class instance or an object with getters through the schema', () => {
    class FluxEvent {
      involvedObject = base.involvedObject;
      severity = 'error';
      timestamp = base.timestamp;
      message = 'm';
      reason = 'r';
      reportingController = 'c';
    }
    expect(parseEvent(new FluxEvent())).toStrictEqual(eventSchema.parse(new FluxEvent()));
  });
});
