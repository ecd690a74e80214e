import { z } from 'zod';
import { NotifierError } from './errors.js';
import type { ProviderType } from './provider-types.js';
import { formatZodIssues } from './zod-issues.js';

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
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch of an RFC 3339 timestamp, cut to whole seconds as Flux keeps it; NaN when it is not one. */
export function parseFluxTimestamp(timestamp: string): number {
  const match = RFC3339.exec(timestamp);
  if (!match) return Number.NaN;
  const [, year, month, day, hour, minute, second, , zone] = match;
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(hour) > 23) return Number.NaN;
  if (Number(minute) > 59 || Number(second) > 59) return Number.NaN;
  const millis = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}${zone}`);
  // Date.parse rolls 31 February over to March; Go refuses it.
  if (Number.isNaN(millis)) return Number.NaN;
  const local = new Date(`${year}-${month}-${day}T00:00:00Z`);
  if (local.getUTCDate() !== Number(day)) return Number.NaN;
  return millis;
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
  const result = eventSchema.safeParse(input);
  if (!result.success) {
    throw new NotifierError('INVALID_EVENT', `invalid event: ${formatZodIssues(result.error.issues)}`, {
      providerType,
    });
  }
  return result.data as Event;
}
