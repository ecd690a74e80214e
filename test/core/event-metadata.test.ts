import {
  type Event,
  getRevision,
  groupOf,
  hasChangeRequestKey,
  hasCommitKey,
  isCommitStatusUpdate,
  normalizeEventMetadata,
} from '@notiflux/core';
import { type MetadataConflict, shouldDeliver } from '@notiflux/providers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../support/sample-events.js';

const withMetadata = (
  metadata: Record<string, string> | undefined,
  overrides: Partial<Event> = {},
): Event => ({
  ...sampleEvent,
  metadata,
  ...overrides,
});

describe('groupOf', () => {
  it.each([
    ['kustomize.toolkit.fluxcd.io/v1', 'kustomize.toolkit.fluxcd.io'],
    ['v1', ''],
    [undefined, ''],
    ['a/b/v1', 'a/b'],
  ])('%s → %j', (apiVersion, group) => expect(groupOf(apiVersion)).toBe(group));
});

describe('getRevision', () => {
  it('prefers commit, then originRevision, then revision; presence decides', () => {
    expect(getRevision(withMetadata({ revision: 'r', originRevision: 'o', commit: 'c' }))).toBe('c');
    expect(getRevision(withMetadata({ revision: 'r', originRevision: 'o' }))).toBe('o');
    expect(getRevision(withMetadata({ revision: 'r' }))).toBe('r');
    expect(getRevision(withMetadata({ revision: 'r', commit: '' }))).toBe('');
    expect(getRevision(withMetadata(undefined))).toBeUndefined();
  });
});

describe('normalizeEventMetadata', () => {
  it('turns a raw kustomize-controller event into the shared sample event', () => {
    const raw = withMetadata({
      'event.toolkit.fluxcd.io/summary': 'Cluster: prod-eu',
      'kustomize.toolkit.fluxcd.io/revision': 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1',
      'kustomize.toolkit.fluxcd.io/token': '2d3c1a7e',
      'source.toolkit.fluxcd.io/ignored': 'dropped because of the foreign prefix',
    });
    expect(normalizeEventMetadata(raw)).toEqual(sampleEvent);
    expect(raw.metadata).toHaveProperty('kustomize.toolkit.fluxcd.io/token');
  });

  it('puts sourceMetadata below every other source and reports its conflicts', () => {
    const raw = withMetadata({
      'event.toolkit.fluxcd.io/cluster': 'from-annotation',
      'kustomize.toolkit.fluxcd.io/revision': 'r1',
    });
    const conflicts: unknown[] = [];
    const normalized = normalizeEventMetadata(
      raw,
      { eventMetadata: { region: 'eu' } },
      {
        sourceMetadata: { cluster: 'prod-eu', region: 'us', site: 'a' },
        onConflict: (found) => conflicts.push(...found),
      },
    );
    expect(normalized.metadata).toEqual({
      cluster: 'from-annotation',
      region: 'eu',
      revision: 'r1',
      site: 'a',
    });
    expect(conflicts).toEqual([
      { key: 'cluster', sources: ['event source metadata', 'involved object annotations'] },
      { key: 'region', sources: ['event source metadata', 'Alert object .spec.eventMetadata'] },
    ]);
  });

  it('keeps a key named __proto__ as a key, from any source', () => {
    const sourceMetadata = JSON.parse('{"__proto__":"from the source"}') as Record<string, string>;
    const merged = normalizeEventMetadata({ ...sampleEvent, metadata: {} }, {}, { sourceMetadata });
    expect(Object.getPrototypeOf(merged.metadata)).toBe(Object.prototype);
    expect(Object.entries(merged.metadata ?? {})).toEqual([['__proto__', 'from the source']]);
  });

  it('drops checksum and digest ignoring case and keeps nested suffixes', () => {
    const raw = withMetadata({
      'kustomize.toolkit.fluxcd.io/Checksum': 'x',
      'kustomize.toolkit.fluxcd.io/digest': 'y',
      'kustomize.toolkit.fluxcd.io/aa/bb': 'z',
    });
    expect(normalizeEventMetadata(raw).metadata).toEqual({ 'aa/bb': 'z' });
  });

  it('removes metadata entirely when nothing survives', () => {
    expect(normalizeEventMetadata(withMetadata({ unprefixed: 'x' }))).not.toHaveProperty('metadata');
  });

  it('merges annotation < eventMetadata < summary < controller and reports conflicts', () => {
    const conflicts: unknown[] = [];
    const raw = withMetadata({
      'event.toolkit.fluxcd.io/summary': 'objectSummary',
      'event.toolkit.fluxcd.io/o1': 'annotation',
      'kustomize.toolkit.fluxcd.io/env': 'controller',
    });
    const normalized = normalizeEventMetadata(
      raw,
      { eventMetadata: { env: 'alert', foo: 'bar' }, summary: 'alertSummary' },
      { onConflict: (found) => conflicts.push(...found) },
    );
    expect(normalized.metadata).toEqual({
      summary: 'alertSummary',
      o1: 'annotation',
      env: 'controller',
      foo: 'bar',
    });
    expect(conflicts).toEqual([
      { key: 'env', sources: ['Alert object .spec.eventMetadata', 'involved object controller metadata'] },
      { key: 'summary', sources: ['involved object annotations', 'Alert object .spec.summary'] },
    ]);
  });
});

/**
 * The merge as first written, plainly (entries, a Set of dropped keys, a Map of writers): the
 * definition the faster implementation is held to, output, key order and conflicts alike.
 */
function referenceNormalize(
  event: Event,
  alert: { eventMetadata?: Record<string, string>; summary?: string },
  sourceMetadata: Record<string, string> | undefined,
): { event: Event; conflicts: MetadataConflict[] } {
  const objectPrefix = `${groupOf(event.involvedObject.apiVersion)}/`;
  const dropped = new Set(
    [`${objectPrefix}checksum`, `${objectPrefix}digest`].map((key) => key.toLowerCase()),
  );
  const annotations: [string, string][] = [];
  const controller: [string, string][] = [];
  for (const [key, value] of Object.entries(event.metadata ?? {})) {
    if (key.startsWith('event.toolkit.fluxcd.io/')) annotations.push([key.slice(24), value]);
    else if (
      key.startsWith(objectPrefix) &&
      !dropped.has(key.toLowerCase()) &&
      key !== `${objectPrefix}token`
    ) {
      controller.push([key.slice(objectPrefix.length), value]);
    }
  }
  const sources: [string, [string, string][]][] = [
    ['event source metadata', Object.entries(sourceMetadata ?? {})],
    ['involved object annotations', annotations],
    ['Alert object .spec.eventMetadata', Object.entries(alert.eventMetadata ?? {})],
    ['Alert object .spec.summary', alert.summary ? [['summary', alert.summary]] : []],
    ['involved object controller metadata', controller],
  ];
  const merged = new Map<string, string>();
  const writers = new Map<string, string[]>();
  for (const [source, entries] of sources) {
    for (const [key, value] of entries) {
      merged.set(key, value);
      writers.set(key, [...(writers.get(key) ?? []), source]);
    }
  }
  const conflicts = [...writers]
    .filter(([, by]) => by.length > 1)
    .map(([key, by]) => ({ key, sources: by }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
  const { metadata: _, ...rest } = event;
  return { event: merged.size > 0 ? { ...rest, metadata: Object.fromEntries(merged) } : rest, conflicts };
}

describe('normalizeEventMetadata against its plain definition', () => {
  const name = fc.oneof(
    fc.constantFrom(
      'summary',
      'env',
      'revision',
      'token',
      'Token',
      'checksum',
      'CheckSum',
      'digest',
      'DIGEST',
    ),
    fc.constantFrom('__proto__', '0', '12', 'chec\u212Asum', 'x/digest', ''),
    fc.string({ maxLength: 8 }),
  );
  const prefix = fc.constantFrom(
    '',
    'event.toolkit.fluxcd.io/',
    'kustomize.toolkit.fluxcd.io/',
    'Kustomize.toolkit.fluxcd.io/',
    '/',
    'helm.toolkit.fluxcd.io/',
  );
  const key = fc.tuple(prefix, name).map(([head, tail]) => head + tail);
  const record = (keys: fc.Arbitrary<string>) =>
    fc.dictionary(keys, fc.string({ maxLength: 6 }), { maxKeys: 8 });
  const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

  it('gives the same event, key order and conflicts for any metadata', () => {
    fc.assert(
      fc.property(
        maybe(record(key)),
        maybe(record(name)),
        maybe(fc.string({ maxLength: 6 })),
        maybe(record(name)),
        fc.constantFrom(undefined, 'v1', 'kustomize.toolkit.fluxcd.io/v1', 'helm.toolkit.fluxcd.io/v2'),
        (metadata, eventMetadata, summary, sourceMetadata, apiVersion) => {
          const event = withMetadata(metadata, {
            involvedObject: { ...sampleEvent.involvedObject, apiVersion },
          });
          const alert = { ...(eventMetadata ? { eventMetadata } : {}), ...(summary ? { summary } : {}) };
          const expected = referenceNormalize(event, alert, sourceMetadata);
          const conflicts: MetadataConflict[] = [];
          const normalized = normalizeEventMetadata(event, alert, {
            ...(sourceMetadata ? { sourceMetadata } : {}),
            onConflict: (found) => conflicts.push(...found),
          });
          expect(normalized).toStrictEqual(expected.event);
          expect(Object.keys(normalized)).toEqual(Object.keys(expected.event));
          expect(Object.keys(normalized.metadata ?? {})).toEqual(Object.keys(expected.event.metadata ?? {}));
          expect(conflicts).toEqual(expected.conflicts);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('delivery rules', () => {
  const update = withMetadata({ commit_status: 'update', revision: 'main@sha1:abc' }, { severity: 'info' });
  const rawUpdate = withMetadata(
    { 'kustomize.toolkit.fluxcd.io/commit_status': 'update' },
    { severity: 'info' },
  );
  const plainInfo = withMetadata({ revision: 'main@sha1:abc' }, { severity: 'info' });
  const withCommit = withMetadata({ commit: 'abc' }, { severity: 'info' });
  const withChangeRequest = withMetadata({ change_request: '42' }, { severity: 'info' });

  it('recognises commit-status updates in processed and raw form', () => {
    expect(isCommitStatusUpdate(update)).toBe(true);
    expect(isCommitStatusUpdate(rawUpdate)).toBe(true);
    expect(isCommitStatusUpdate(plainInfo)).toBe(false);
    expect(isCommitStatusUpdate(withMetadata({ commit_status: 'other' }))).toBe(false);
  });

  it('needs non-empty commit and change request keys', () => {
    expect(hasCommitKey(withCommit)).toBe(true);
    expect(hasCommitKey(withMetadata({ commit: '' }))).toBe(false);
    expect(hasCommitKey(withMetadata({ 'event.toolkit.fluxcd.io/commit': 'abc' }))).toBe(true);
    expect(hasChangeRequestKey(withChangeRequest)).toBe(true);
    expect(hasChangeRequestKey(plainInfo)).toBe(false);
  });

  it('routes per provider category', () => {
    expect(shouldDeliver('generic-hmac', update)).toBe(true);
    expect(shouldDeliver('slack', update)).toBe(false);
    expect(shouldDeliver('slack', plainInfo)).toBe(true);
    expect(shouldDeliver('github', update)).toBe(true);
    expect(shouldDeliver('github', withCommit)).toBe(true);
    expect(shouldDeliver('github', plainInfo)).toBe(false);
    expect(shouldDeliver('github', { ...plainInfo, severity: 'error' })).toBe(true);
    expect(shouldDeliver('gitlabmergerequestcomment', withChangeRequest)).toBe(true);
    expect(shouldDeliver('gitlabmergerequestcomment', update)).toBe(false);
  });
});
