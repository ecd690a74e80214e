import { z } from 'zod';
import { NotifierError } from './errors.js';
import type { ProviderType } from './provider-types.js';
import { formatZodIssues, inOwnWords } from './zod-issues.js';

export type Severity = 'info' | 'error' | 'trace';

export interface ObjectReference {
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** Flux's event, field for field (`fluxcd/pkg apis/event/v1beta1`). */
export interface Event {
  involvedObject: ObjectReference;
  severity: Severity;
  /** RFC 3339 date-time. */
  timestamp: string;
  message: string;
  reason: string;
  metadata?: Record<string, string>;
  reportingController: string;
  reportingInstance?: string;
}

// Go's time.RFC3339 layout, with the fractional seconds and numeric offsets it also parses.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Milliseconds since the epoch of an RFC 3339 timestamp, cut to whole seconds as Flux keeps it;
 * NaN when it is not one (including dates such as 30 February, which Go refuses).
 * Arithmetic rather than Date.parse, and the last answer remembered: it runs on every post,
 * twice (validation, then encoding).
 */
export function parseFluxTimestamp(timestamp: string): number {
  if (timestamp === lastTimestamp) return lastMillis;
  const millis = computeFluxTimestamp(timestamp);
  lastTimestamp = timestamp;
  lastMillis = millis;
  return millis;
}

let lastTimestamp: string | undefined;
let lastMillis = Number.NaN;

function computeFluxTimestamp(timestamp: string): number {
  const match = RFC3339.exec(timestamp);
  if (!match) return Number.NaN;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = Number(match[6]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  let offsetMinutes = 0;
  if (match[7] !== undefined) {
    const hours = Number(match[8]);
    const minutes = Number(match[9]);
    if (hours > 23 || minutes > 59) return Number.NaN;
    offsetMinutes = (match[7] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  let utc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC reads years 0–99 as 1900–1999.
  if (year < 100) utc = new Date(utc).setUTCFullYear(year);
  return utc - offsetMinutes * 60_000;
}

const optionalString = z.string().optional();

const objectReferenceSchema = z.object({
  kind: z.string(),
  name: z.string(),
  namespace: optionalString,
  uid: optionalString,
  apiVersion: optionalString,
  resourceVersion: optionalString,
  fieldPath: optionalString,
});

export const eventSchema = z.object({
  involvedObject: objectReferenceSchema,
  severity: z.enum(['info', 'error', 'trace'], { error: 'must be one of info, error, trace' }),
  timestamp: z
    .string()
    .refine((value) => !Number.isNaN(parseFluxTimestamp(value)), 'must be an RFC 3339 date-time'),
  message: z.string(),
  reason: z.string(),
  metadata: z.record(z.string(), z.string()).optional(),
  reportingController: z.string(),
  reportingInstance: optionalString,
});

/**
 * Checks an event against the schema and returns a copy holding only the Event's fields, so
 * providers can neither see extra properties nor mutate the caller's object.
 */
export function parseEvent(input: unknown, providerType?: ProviderType): Event {
  const result = eventSchema.safeParse(input, { error: inOwnWords });
  if (!result.success) {
    throw new NotifierError('INVALID_EVENT', `invalid event: ${formatZodIssues(result.error.issues)}`, {
      providerType,
    });
  }
  return result.data as Event;
}
