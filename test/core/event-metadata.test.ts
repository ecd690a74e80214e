import {
  type Event,
  getRevision,
  groupOf,
  hasChangeRequestKey,
  hasCommitKey,
  isCommitStatusUpdate,
  normalizeEventMetadata,
} from '@notiflux/core';
import { shouldDeliver } from '@notiflux/providers';
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
