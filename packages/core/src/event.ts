import { NotifierError } from './errors.js';
import type { ProviderType } from './provider-types.js';
import { setEntry } from './record-entry.js';
import {
  INVALID,
  issueLines,
  object,
  oneOf,
  type SpecIssue,
  type SpecShape,
  string,
  stringRecord,
} from './spec-field.js';

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

const optionalString = string().optional();

/** The Event's fields, for events the fast path below does not take (and for their errors). */
export const eventShape = {
  involvedObject: object({
    kind: string(),
    name: string(),
    namespace: optionalString,
    uid: optionalString,
    apiVersion: optionalString,
    resourceVersion: optionalString,
    fieldPath: optionalString,
  }),
  severity: oneOf(['info', 'error', 'trace'], 'must be one of info, error, trace'),
  timestamp: string().check((value) =>
    Number.isNaN(parseFluxTimestamp(value)) ? 'must be an RFC 3339 date-time' : undefined,
  ),
  message: string(),
  reason: string(),
  metadata: stringRecord().optional(),
  reportingController: string(),
  reportingInstance: optionalString,
} satisfies SpecShape;

const eventField = object(eventShape);

/**
 * Checks an event and returns a copy holding only the Event's fields, so providers can neither
 * see extra properties nor mutate the caller's object.
 */
export function parseEvent(input: unknown, providerType?: ProviderType): Event {
  const copied = copyPlainEvent(input);
  if (copied) return copied;
  const issues: SpecIssue[] = [];
  const parsed = eventField.parse(input, [], issues);
  if (parsed === INVALID || parsed === undefined) {
    throw new NotifierError('INVALID_EVENT', `invalid event: ${issueLines(issues).join('; ')}`, {
      providerType,
    });
  }
  return parsed as Event;
}

/**
 * The common case of `parseEvent` without zod, which costs a fifth of a post's own time: a plain
 * object that is a valid event gives the copy the schema would; anything else (an invalid
 * event, a class instance, a proxy-like object) gives undefined and goes through the schema,
 * which then decides and words the error.
 */
function copyPlainEvent(input: unknown): Event | undefined {
  if (!isPlainObject(input)) return undefined;
  const event = input as Record<string, unknown>;
  const reference = event.involvedObject;
  if (!isPlainObject(reference)) return undefined;
  const ref = reference as Record<string, unknown>;
  const { kind, name } = ref;
  if (typeof kind !== 'string' || typeof name !== 'string') return undefined;
  const involvedObject: ObjectReference = { kind, name };
  for (const key of OPTIONAL_REFERENCE_KEYS) {
    const value = ref[key];
    if (value === undefined) {
      if (key in ref) involvedObject[key] = undefined;
    } else if (typeof value === 'string') involvedObject[key] = value;
    else return undefined;
  }
  const { severity, timestamp, message, reason, metadata, reportingController, reportingInstance } = event;
  if (severity !== 'info' && severity !== 'error' && severity !== 'trace') return undefined;
  if (typeof timestamp !== 'string' || Number.isNaN(parseFluxTimestamp(timestamp))) return undefined;
  if (typeof message !== 'string' || typeof reason !== 'string') return undefined;
  if (typeof reportingController !== 'string') return undefined;
  // The schema's key order, which is the Event interface's.
  const copy = { involvedObject, severity, timestamp, message, reason } as Event;
  if (metadata !== undefined) {
    if (!isPlainObject(metadata)) return undefined;
    const entries: Record<string, string> = {};
    for (const key of Object.keys(metadata)) {
      const value = (metadata as Record<string, unknown>)[key];
      if (typeof value !== 'string') return undefined;
      setEntry(entries, key, value);
    }
    copy.metadata = entries;
  } else if ('metadata' in event) copy.metadata = undefined;
  copy.reportingController = reportingController;
  if (reportingInstance !== undefined) {
    if (typeof reportingInstance !== 'string') return undefined;
    copy.reportingInstance = reportingInstance;
  } else if ('reportingInstance' in event) copy.reportingInstance = undefined;
  return copy;
}

const OPTIONAL_REFERENCE_KEYS = ['namespace', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'] as const;

/**
 * An object literal (or `Object.create(null)`): what the fast path copies. Symbol keys need no
 * look (an array per object, on every post): neither path reads them, so they are left out of
 * both copies alike.
 */
function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
