import { NotifierError, parseEvent, parseFluxTimestamp } from '@notiflux/core';
import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../support/sample-events.js';

function invalidEventMessage(input: unknown): string {
  try {
    parseEvent(input, 'generic');
  } catch (error) {
    expect(error).toBeInstanceOf(NotifierError);
    expect((error as NotifierError).code).toBe('INVALID_EVENT');
    expect((error as NotifierError).providerType).toBe('generic');
    return (error as NotifierError).message;
  }
  throw new Error('expected INVALID_EVENT');
}

describe('parseEvent', () => {
  it('returns a copy holding only the event fields, leaving the input untouched', () => {
    const input = structuredClone({ ...sampleEvent, extra: true });
    const parsed = parseEvent(input);
    expect(parsed).toEqual(sampleEvent);
    expect(parsed).not.toBe(input);
    expect(input).toEqual({ ...sampleEvent, extra: true });
  });

  it.each([
    [{ ...sampleEvent, severity: 'fatal' }, 'severity: must be one of info, error, trace'],
    [{ ...sampleEvent, timestamp: 'yesterday' }, 'timestamp: must be an RFC 3339 date-time'],
    [{ ...sampleEvent, timestamp: 1666941979 }, 'timestamp:'],
    [{ ...sampleEvent, metadata: { revision: 42 } }, 'metadata.revision:'],
    [{ ...sampleEvent, involvedObject: { name: 'webapp' } }, 'involvedObject.kind:'],
    [{ ...sampleEvent, message: undefined }, 'message:'],
    [{ ...sampleEvent, reportingController: null }, 'reportingController:'],
  ])('rejects %j naming the field', (input, expected) => {
    expect(invalidEventMessage(input)).toContain(expected);
  });

  it('rejects what is not an object', () => {
    expect(invalidEventMessage('event')).toMatch(/^invalid event: /);
    expect(invalidEventMessage(null)).toMatch(/^invalid event: /);
  });
});

describe('parseFluxTimestamp', () => {
  it.each([
    ['2022-10-28T07:26:19Z', Date.UTC(2022, 9, 28, 7, 26, 19)],
    ['2022-10-28T09:26:19.123456789+02:00', Date.UTC(2022, 9, 28, 7, 26, 19)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('reads %s', (input, expected) => {
    expect(parseFluxTimestamp(input)).toBe(expected);
  });

  it.each([
    '2022-02-30T00:00:00Z',
    '2022-10-28 07:26:19Z',
    '2022-10-28T07:26:19',
    '2022-13-01T00:00:00Z',
    '2022-10-28T24:00:00Z',
  ])('refuses %s', (input) => {
    expect(parseFluxTimestamp(input)).toBeNaN();
  });
});
