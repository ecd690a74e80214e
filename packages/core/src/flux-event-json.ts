import type { Event, ObjectReference } from './event.js';
import { parseFluxTimestamp } from './event.js';

/**
 * The Flux event as Go's `encoding/json` writes it (docs/design/events-and-metadata.md): the bytes `generic`
 * sends, `generic-hmac` signs and `matrix` hashes, identical to what notification-controller produces.
 */
export function encodeFluxEventJson(event: Event): string {
  const json = JSON.stringify({
    involvedObject: canonicalObjectReference(event.involvedObject),
    severity: wellFormed(event.severity),
    timestamp: canonicalTimestamp(event.timestamp),
    message: wellFormed(event.message),
    reason: wellFormed(event.reason),
    metadata: canonicalMetadata(event.metadata),
    reportingController: wellFormed(event.reportingController),
    reportingInstance: event.reportingInstance ? wellFormed(event.reportingInstance) : undefined,
  });
  return escapeLikeGo(json);
}

const objectReferenceKeys = [
  'kind',
  'namespace',
  'name',
  'uid',
  'apiVersion',
  'resourceVersion',
  'fieldPath',
] as const;

function canonicalObjectReference(ref: ObjectReference): Partial<ObjectReference> {
  const result: Partial<ObjectReference> = {};
  for (const key of objectReferenceKeys) {
    const value = ref[key];
    if (value) result[key] = wellFormed(value);
  }
  return result;
}

// 0001-01-01T00:00:00Z, Go's zero time.Time.
const GO_ZERO_TIME_MILLIS = Date.parse('0001-01-01T00:00:00Z');

/** UTC, whole seconds (truncated), `Z`; Go's zero time is written as null. */
function canonicalTimestamp(timestamp: string): string | null {
  const millis = parseFluxTimestamp(timestamp);
  if (Number.isNaN(millis) || millis === GO_ZERO_TIME_MILLIS) return null;
  // Already UTC with whole seconds (what Flux controllers send): nothing to rewrite.
  if (timestamp.length === 20) return timestamp;
  return `${new Date(millis).toISOString().slice(0, 19)}Z`;
}

function canonicalMetadata(metadata: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!metadata) return undefined;
  const keys = Object.keys(metadata);
  if (keys.length === 0) return undefined;
  const sorted: Record<string, string> = {};
  // Without surrogates, UTF-16 order (the default sort's) is UTF-8 order: no comparator needed.
  keys.sort(keys.some((key) => HAS_SURROGATE.test(key)) ? compareUtf8 : undefined);
  for (const key of keys) sorted[wellFormed(key)] = wellFormed(metadata[key] as string);
  return sorted;
}

/** Go sorts map keys by their UTF-8 bytes; UTF-16 order differs only once surrogates are involved. */
export function compareUtf8(a: string, b: string): number {
  if (!HAS_SURROGATE.test(a) && !HAS_SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const HAS_SURROGATE = /[\uD800-\uDFFF]/;

/** A Go string cannot hold a lone surrogate: Go's decoder would have made it U+FFFD. */
function wellFormed(value: string): string {
  return value.isWellFormed() ? value : value.toWellFormed();
}

/**
 * JSON as Go's `encoding/json` writes it, for byte parity with Flux's payloads: compact, keys
 * in the order given, `<` `>` `&` U+2028 U+2029 as `\u` escapes, lone surrogates (which a Go
 * string cannot hold) as U+FFFD. Receivers decode the same values either way.
 */
export function stringifyLikeGo(value: unknown): string {
  const json = JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'string' && !item.isWellFormed() ? item.toWellFormed() : item,
  );
  return escapeLikeGo(json);
}

const GO_EXTRA_ESCAPES = /[<>&\u2028\u2029]/g;
const HAS_GO_EXTRA_ESCAPE = /[<>&\u2028\u2029]/;
const goEscape: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

// These characters can only occur inside string literals of the JSON text, so replacing them
// after JSON.stringify is safe.
function escapeLikeGo(json: string): string {
  // Most payloads have none of them: a test is cheaper than a replace that finds nothing.
  if (!HAS_GO_EXTRA_ESCAPE.test(json)) return json;
  return json.replace(GO_EXTRA_ESCAPES, (char) => goEscape[char] as string);
}
