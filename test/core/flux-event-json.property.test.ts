import {
  compareUtf8,
  type Event,
  encodeFluxEventJson,
  type ObjectReference,
  stringifyLikeGo,
} from '@notiflux/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../support/sample-events.js';

/**
 * The writer this one replaced: a canonical object through `JSON.stringify` (lone surrogates
 * made U+FFFD, Go's extra escapes over the text, which is what `stringifyLikeGo` does). It is the
 * oracle for every event whose metadata keys a JS object keeps in insertion order (not
 * integer-like, not `__proto__`); those two cases are tested on their own.
 */
function stringifyThenEscape(event: Event): string {
  const reference: Partial<ObjectReference> = {};
  const keys = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'] as const;
  for (const key of keys) {
    if (event.involvedObject[key]) reference[key] = event.involvedObject[key];
  }
  let metadata: Record<string, string> | undefined;
  const metadataKeys = Object.keys(event.metadata ?? {});
  if (metadataKeys.length > 0) {
    metadata = {};
    for (const key of metadataKeys.sort(compareUtf8)) {
      metadata[key.toWellFormed()] = (event.metadata as Record<string, string>)[key] as string;
    }
  }
  return stringifyLikeGo({
    involvedObject: reference,
    severity: event.severity,
    timestamp: event.timestamp,
    message: event.message,
    reason: event.reason,
    metadata,
    reportingController: event.reportingController,
    reportingInstance: event.reportingInstance || undefined,
  });
}

// Every kind of character the encoder treats apart: plain ASCII, JSON's own escapes, control
// characters, Go's extra escapes, Latin-1 and BMP text, non-BMP pairs and lone surrogates.
const unit = fc.oneof(
  fc.constantFrom('a', 'Z', '0', ' ', '-', '/', ':', '~', '\x7f'),
  fc.constantFrom('"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u0001', '\u001f'),
  fc.constantFrom('<', '>', '&', '\u2028', '\u2029'),
  fc.constantFrom('é', 'ß', '\u00ff', 'Ж', '中', '\uFF5E', '\uFFFD', '\uFEFF'),
  fc.constantFrom('\u{1F680}', '\u{1F600}', '\u{10000}', '\u{10FFFF}'),
  fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF'),
);
const text = fc.string({ unit, maxLength: 12 });
// Integer-like keys and `__proto__` are where a JS object cannot keep the oracle's order.
const metadataKey = text.filter((key) => !/^(?:0|[1-9]\d*)$/.test(key) && key !== '__proto__');
const optionalText = fc.option(text, { nil: undefined });

const eventArbitrary: fc.Arbitrary<Event> = fc.record({
  involvedObject: fc.record(
    {
      kind: text,
      name: text,
      namespace: optionalText,
      uid: optionalText,
      apiVersion: optionalText,
      resourceVersion: optionalText,
      fieldPath: optionalText,
    },
    { requiredKeys: ['kind', 'name'] },
  ),
  severity: fc.constantFrom('info', 'error', 'trace'),
  timestamp: fc.constantFrom('2022-10-28T07:26:19Z', '2024-02-29T23:59:59Z'),
  message: text,
  reason: text,
  metadata: fc.option(fc.dictionary(metadataKey, text, { maxKeys: 6 }), { nil: undefined }),
  reportingController: text,
  reportingInstance: optionalText,
});

describe('encodeFluxEventJson (property)', () => {
  it('writes the same bytes as JSON.stringify with Go escapes, for any event', () => {
    fc.assert(
      fc.property(eventArbitrary, (event) => {
        expect(encodeFluxEventJson(event)).toBe(stringifyThenEscape(event));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes JSON that decodes to the event, lone surrogates as U+FFFD', () => {
    fc.assert(
      fc.property(eventArbitrary, (event) => {
        const decoded = JSON.parse(encodeFluxEventJson(event));
        expect(decoded.message).toBe(event.message.toWellFormed());
        expect(decoded.involvedObject.kind ?? '').toBe(event.involvedObject.kind.toWellFormed());
      }),
      { numRuns: 500 },
    );
  });
});

describe('encodeFluxEventJson metadata keys a JS object would reorder', () => {
  const base = sampleEvent;

  it('sorts integer-like keys by their bytes, as Go sorts a map', () => {
    const json = encodeFluxEventJson({ ...base, metadata: { '9': 'nine', b: 'b', '10': 'ten' } });
    expect(json).toContain('"metadata":{"10":"ten","9":"nine","b":"b"}');
  });

  it('writes a key named __proto__ like any other', () => {
    const metadata = JSON.parse('{"__proto__":"p","a":"1"}') as Record<string, string>;
    expect(encodeFluxEventJson({ ...base, metadata })).toContain('"metadata":{"__proto__":"p","a":"1"}');
  });

  it('keeps one entry for keys that differ only in lone surrogates, with the last value', () => {
    const json = encodeFluxEventJson({ ...base, metadata: { '\uD800': 'first', '\uDC00': 'last', z: 'z' } });
    expect(json).toContain('"metadata":{"z":"z","\uFFFD":"last"}');
  });
});
