import { isNotifierError, parseEvent, resolveProviderSpec } from '@notiflux/core';
import { eventSchema, providerSpecSchema } from '@notiflux/core/schemas';
import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../support/sample-events.js';

// The zod schemas of `@notiflux/core/schemas` are for callers; notiflux checks with its own
// field descriptions. Both must give the same verdict on every input.

const event = { ...sampleEvent, metadata: { revision: 'main@sha1:abc' } };

class EventLike {
  involvedObject = { kind: 'Kustomization', name: 'apps' };
  severity = 'error';
  timestamp = '2026-01-02T03:04:05+01:00';
  message = 'm';
  reason = 'r';
  reportingController = 'kustomize-controller';
  extra = 1;
}

const events: unknown[] = [
  event,
  new EventLike(),
  { ...event, extra: true, metadata: undefined, reportingInstance: 'pod-1' },
  { ...event, involvedObject: { ...event.involvedObject, uid: 'u', fieldPath: 'spec', extra: 1 } },
  { ...event, severity: 'warning' },
  { ...event, severity: undefined },
  { ...event, timestamp: '2026-02-30T00:00:00Z' },
  { ...event, timestamp: 12 },
  { ...event, message: undefined },
  { ...event, reason: 3 },
  { ...event, metadata: { a: 1 } },
  { ...event, metadata: [] },
  { ...event, involvedObject: null },
  { ...event, involvedObject: { kind: 'K' } },
  { ...event, involvedObject: { kind: 'K', name: 'n', namespace: 4 } },
  { ...event, reportingController: undefined },
  { ...event, reportingInstance: 5 },
  null,
  'event',
  [],
  undefined,
];

const pem = '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----';
const specs: Record<string, unknown>[] = [
  { type: 'generic', address: 'https://example.com' },
  { type: 'generic', address: 3 },
  { type: 'generic', unknownField: 'x' },
  { type: 'generic', signature: 'both' },
  { type: 'generic', headers: { 'X-A': 'a', 'x-a': 'b' } },
  { type: 'generic', headers: { 'bad name': 'a' } },
  { type: 'generic', headers: { 'X-A': 'a\nb' } },
  { type: 'generic', headers: { 'X-A': 1 } },
  { type: 'generic', headers: 'X-A: a' },
  { type: 'generic', timeout: '30s' },
  { type: 'generic', timeout: 1500 },
  { type: 'generic', timeout: '30 seconds' },
  { type: 'generic', timeout: -1 },
  { type: 'generic', timeout: '1000h' },
  { type: 'generic', timeout: true },
  { type: 'generic', secret: { token: 't' } },
  { type: 'generic', secret: { token: 1 } },
  { type: 'generic', tls: { ca: pem } },
  { type: 'generic', tls: { ca: 'not a pem' } },
  { type: 'generic', tls: { cert: pem } },
  { type: 'generic', tls: { cert: pem, key: '-----BEGIN PRIVATE KEY-----' } },
  { type: 'generic', tls: { ca: pem, crt: pem } },
  { type: 'generic', commitStatus: 'flux' },
  { type: 'generic', commitStatus: () => 'flux' },
  { type: 'generic', commitStatus: 1 },
  { type: 'generic', provider: { uid: 'u', name: 'n', namespace: 'ns' } },
  { type: 'generic', provider: { uid: 1 } },
  { type: 'generic', provider: { id: 'u' } },
  { type: 'generic', retry: { retries: 2, minDelayMs: 10, maxDelayMs: 100 } },
  { type: 'generic', retry: { retries: 1.5 } },
  { type: 'generic', retry: { retries: -1 } },
  { type: 'generic', retry: { minDelayMs: '10' } },
  { type: 'generic', retry: { minDelayMs: 100, maxDelayMs: 10 } },
  { type: 'generic', retry: { backoff: 1 } },
  { type: 'generic', channel: ['#a'] },
  { type: 3 },
];

function accepted(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch (error) {
    if (!isNotifierError(error)) throw error;
    return false;
  }
}

describe('@notiflux/core/schemas', () => {
  it('eventSchema accepts and refuses the events parseEvent does, with the same copy', () => {
    for (const input of events) {
      const result = eventSchema.safeParse(input);
      expect(
        accepted(() => parseEvent(input)),
        JSON.stringify(input),
      ).toBe(result.success);
      if (result.success) expect(parseEvent(input)).toStrictEqual(result.data);
    }
  });

  it('providerSpecSchema accepts and refuses the specs resolveProviderSpec does (a type’s own fields aside)', () => {
    for (const input of specs) {
      const own = Object.hasOwn(input, 'signature') ? ['signature'] : [];
      const result = providerSpecSchema.safeParse(input);
      const resolves = accepted(() => resolveProviderSpec(input, 'generic', own));
      // The schema passes fields it does not know through; createNotifier refuses them.
      const known = !Object.hasOwn(input, 'unknownField');
      expect(resolves, JSON.stringify(input)).toBe(result.success && known);
    }
  });
});
