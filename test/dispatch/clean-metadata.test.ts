// The dispatcher cleans an event's metadata on receipt as notification-controller does, but
// only makes the cleaned copy where something reads it: the duplicate key and (but for one odd
// group) the metadata merge give the same result from the event as received. These properties
// hold that claim for any metadata.
import { duplicateKey } from '@notiflux/dispatch';
import { type Event, normalizeEventMetadata, parseEvent } from '@notiflux/providers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cleanEventMetadata,
  mergeReadsCleanedForm,
} from '../../packages/dispatch/src/metadata/clean-metadata.js';

const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const apiVersion = fc.constantFrom(
  undefined,
  'v1',
  'kustomize.toolkit.fluxcd.io/v1',
  'Kustomize.toolkit.fluxcd.io/v1',
  'event.toolkit.fluxcd.io/v1',
  'EVENT.toolkit.fluxcd.io/v1',
  'event.toolkit.fluxcd.io/x/v1',
  'event.toolkit.fluxcd.io.extra/v1',
);
const prefix = fc.constantFrom(
  '',
  'event.toolkit.fluxcd.io/',
  'Event.toolkit.fluxcd.io/',
  'kustomize.toolkit.fluxcd.io/',
  'Kustomize.toolkit.fluxcd.io/',
  'EVENT.toolkit.fluxcd.io/',
  'event.toolkit.fluxcd.io/x/',
  '/',
);
const name = fc.oneof(
  fc.constantFrom('checksum', 'CheckSum', 'digest', 'DIGEST', 'token', 'Token', 'revision', 'originRevision'),
  fc.constantFrom('commit', 'commit_status', 'change_request', 'summary', '__proto__', '0', 'x/checksum'),
  fc.string({ maxLength: 6 }),
);
const metadata = fc.dictionary(
  fc.tuple(prefix, name).map(([head, tail]) => head + tail),
  fc.string({ maxLength: 4 }),
  { maxKeys: 10 },
);
const event = fc
  .record({ apiVersion, metadata: maybe(metadata), message: fc.string({ maxLength: 8 }) })
  .map(({ apiVersion, metadata, message }) =>
    parseEvent({
      involvedObject: { kind: 'Kustomization', namespace: 'apps', name: 'webapp', apiVersion },
      severity: 'info',
      timestamp: '2026-12-06T05:00:00Z',
      message,
      reason: 'ReconciliationSucceeded',
      reportingController: 'kustomize-controller',
      metadata,
    }),
  );
const alert = fc.record({
  eventMetadata: maybe(fc.dictionary(name, fc.string({ maxLength: 4 }), { maxKeys: 3 })),
  summary: maybe(fc.string({ maxLength: 4 })),
});

const merged = (from: Event, alertMetadata: { eventMetadata?: Record<string, string>; summary?: string }) => {
  const conflicts: unknown[] = [];
  const result = normalizeEventMetadata(from, alertMetadata, {
    sourceMetadata: { cluster: 'prod' },
    onConflict: (found) => conflicts.push(...found),
  });
  return { result, keys: Object.keys(result.metadata ?? {}), conflicts };
};

describe('the cleaned copy of an event', () => {
  it('changes no duplicate key', () => {
    fc.assert(
      fc.property(event, (raw) => {
        expect(duplicateKey(raw)).toBe(duplicateKey(cleanEventMetadata(raw)));
        expect(duplicateKey(raw, { cluster: 'prod' })).toBe(
          duplicateKey(cleanEventMetadata(raw), { cluster: 'prod' }),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('changes no metadata merge but where mergeReadsCleanedForm says it may', () => {
    fc.assert(
      fc.property(event, alert, (raw, { eventMetadata, summary }) => {
        const alertMetadata = {
          ...(eventMetadata ? { eventMetadata } : {}),
          ...(summary ? { summary } : {}),
        };
        if (mergeReadsCleanedForm(raw)) return;
        expect(merged(raw, alertMetadata)).toStrictEqual(merged(cleanEventMetadata(raw), alertMetadata));
      }),
      { numRuns: 2000 },
    );
  });

  it('would change the merge for an object of the annotation group, which is why it is still made there', () => {
    const raw = parseEvent({
      involvedObject: {
        kind: 'Thing',
        namespace: 'apps',
        name: 'x',
        apiVersion: 'event.toolkit.fluxcd.io/v1',
      },
      severity: 'info',
      timestamp: '2026-12-06T05:00:00Z',
      message: 'm',
      reason: 'r',
      reportingController: 'c',
      metadata: { 'event.toolkit.fluxcd.io/Checksum': 'abc' },
    });
    expect(mergeReadsCleanedForm(raw)).toBe(true);
    expect(merged(raw, {}).result.metadata).toEqual({ cluster: 'prod', Checksum: 'abc' });
    expect(merged(cleanEventMetadata(raw), {}).result.metadata).toEqual({ cluster: 'prod' });
  });
});
