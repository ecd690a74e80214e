import { type Event, encodeFluxEventJson, stringifyLikeGo } from '@notiflux/core';
import { describe, expect, it } from 'vitest';
import {
  sampleEvent,
  sampleEventJson,
  upstreamTestEvent,
  upstreamTestEventJson,
} from '../support/sample-events.js';

const event = (overrides: Partial<Event>): Event => ({ ...sampleEvent, ...overrides });

describe('encodeFluxEventJson (Go encoding/json bytes)', () => {
  it('writes the shared sample event as its 549 canonical bytes', () => {
    const json = encodeFluxEventJson(sampleEvent);
    expect(json).toBe(sampleEventJson);
    expect(Buffer.byteLength(json)).toBe(549);
  });

  it('writes the upstream forwarder test event byte for byte', () => {
    expect(encodeFluxEventJson(upstreamTestEvent)).toBe(upstreamTestEventJson);
  });

  it('orders keys as the Go struct does, whatever order the caller used', () => {
    const shuffled = {
      reportingInstance: 'i',
      metadata: { b: '2', a: '1' },
      reportingController: 'c',
      reason: 'r',
      message: 'm',
      timestamp: '2022-10-28T07:26:19Z',
      severity: 'info',
      involvedObject: {
        uid: 'u',
        name: 'n',
        kind: 'K',
        apiVersion: 'v1',
        namespace: 'ns',
        fieldPath: 'f',
        resourceVersion: '7',
      },
    } as Event;
    expect(encodeFluxEventJson(shuffled)).toBe(
      '{"involvedObject":{"kind":"K","namespace":"ns","name":"n","uid":"u","apiVersion":"v1","resourceVersion":"7","fieldPath":"f"},"severity":"info","timestamp":"2022-10-28T07:26:19Z","message":"m","reason":"r","metadata":{"a":"1","b":"2"},"reportingController":"c","reportingInstance":"i"}',
    );
  });

  it('omits empty metadata, empty reportingInstance and empty object reference fields', () => {
    const json = encodeFluxEventJson({
      involvedObject: { kind: '', name: '' },
      severity: 'info',
      timestamp: '2022-10-28T07:26:19Z',
      message: '',
      reason: '',
      metadata: {},
      reportingController: '',
      reportingInstance: '',
    });
    expect(json).toBe(
      '{"involvedObject":{},"severity":"info","timestamp":"2022-10-28T07:26:19Z","message":"","reason":"","reportingController":""}',
    );
  });

  it('converts the timestamp to UTC and truncates fractional seconds', () => {
    expect(
      JSON.parse(encodeFluxEventJson(event({ timestamp: '2022-10-28T09:26:19.999999+02:00' }))).timestamp,
    ).toBe('2022-10-28T07:26:19Z');
    expect(JSON.parse(encodeFluxEventJson(event({ timestamp: '2022-10-28T07:26:19.5Z' }))).timestamp).toBe(
      '2022-10-28T07:26:19Z',
    );
  });

  it('converts offsets across day, month and year boundaries, also for years below 100', () => {
    const canonical = (timestamp: string) => JSON.parse(encodeFluxEventJson(event({ timestamp }))).timestamp;
    expect(canonical('0099-03-01T00:30:00+01:00')).toBe('0099-02-28T23:30:00Z');
    expect(canonical('2024-12-31T23:30:00-01:00')).toBe('2025-01-01T00:30:00Z');
    expect(canonical('2024-02-29T12:00:00.123Z')).toBe('2024-02-29T12:00:00Z');
  });

  it("writes Go's zero time as null", () => {
    expect(encodeFluxEventJson(event({ timestamp: '0001-01-01T00:00:00Z' }))).toContain('"timestamp":null');
  });

  it('escapes <, >, &, U+2028 and U+2029 as Go does, and keeps other characters raw', () => {
    const json = encodeFluxEventJson(event({ message: 'a<b>&c\u2028d\u2029 é 🚀 "q" \\ \n\t\u0001' }));
    expect(json).toContain(
      '"message":"a\\u003cb\\u003e\\u0026c\\u2028d\\u2029 é 🚀 \\"q\\" \\\\ \\n\\t\\u0001"',
    );
    expect(JSON.parse(json).message).toBe('a<b>&c\u2028d\u2029 é 🚀 "q" \\ \n\t\u0001');
  });

  it('replaces lone surrogates with U+FFFD, as a Go string would hold them', () => {
    const json = encodeFluxEventJson(event({ message: 'x\uD800y' }));
    expect(json).toContain('"message":"x\uFFFDy"');
  });

  it('sorts metadata keys by UTF-8 bytes, not UTF-16 units', () => {
    // U+FF5E sorts before U+1F600 in UTF-8 but after it in UTF-16.
    const json = encodeFluxEventJson(
      event({ metadata: { '\u{1F600}': 'emoji', '\uFF5E': 'tilde', B: 'b', a: 'a' } }),
    );
    expect(Object.keys(JSON.parse(json).metadata)).toEqual(['B', 'a', '\uFF5E', '\u{1F600}']);
  });

  it('drops properties that are not part of the Flux event', () => {
    const withExtra = {
      ...sampleEvent,
      extra: 'x',
      involvedObject: { ...sampleEvent.involvedObject, extra: 1 },
    } as Event;
    expect(encodeFluxEventJson(withExtra)).toBe(sampleEventJson);
  });
});

describe('stringifyLikeGo', () => {
  it('writes any value with Go escapes and well-formed strings', () => {
    expect(stringifyLikeGo({ text: '<b>&\u2028', bad: 'x\uD800', n: 1 })).toBe(
      '{"text":"\\u003cb\\u003e\\u0026\\u2028","bad":"x\uFFFD","n":1}',
    );
  });
});
