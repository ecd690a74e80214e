import type { Event, ObjectReference } from './event.js';
import { parseFluxTimestamp } from './event.js';
import { sortInPlace } from './sort-in-place.js';

/**
 * The Flux event as Go's `encoding/json` writes it (docs/design/events-and-metadata.md): the bytes `generic`
 * sends, `generic-hmac` signs and `matrix` hashes, identical to what notification-controller produces.
 * Written in one pass for the Event's fixed shape, keys in the Go struct's order: no intermediate
 * canonical object, no escape pass over the whole text (docs/design/performance.md). Each key is
 * written with the quotes around its value, so a value that needs no escape is joined as it is:
 * every piece of the text is a node of the string V8 flattens into bytes, and fewer pieces are
 * fewer objects on every post.
 */
export function encodeFluxEventJson(event: Event): string {
  const timestamp = canonicalTimestamp(event.timestamp);
  // The canonical timestamp is digits, `-`, `:`, `T` and `Z`: nothing to escape.
  const timestampJson = timestamp === null ? '","timestamp":null,' : `","timestamp":"${timestamp}",`;
  let json = `{"involvedObject":{${objectReferenceJson(event.involvedObject)}},"severity":"${stringContent(event.severity)}${timestampJson}"message":"${stringContent(event.message)}","reason":"${stringContent(event.reason)}"`;
  if (event.metadata) json += metadataJson(event.metadata);
  json += `,"reportingController":"${stringContent(event.reportingController)}"`;
  if (event.reportingInstance) json += `,"reportingInstance":"${stringContent(event.reportingInstance)}"`;
  return `${json}}`;
}

/** The ObjectReference's fields in the Go struct's order, each with its key and opening quote written out; empty ones are omitted. */
const objectReferenceFields = [
  ['kind', '"kind":"'],
  ['namespace', '"namespace":"'],
  ['name', '"name":"'],
  ['uid', '"uid":"'],
  ['apiVersion', '"apiVersion":"'],
  ['resourceVersion', '"resourceVersion":"'],
  ['fieldPath', '"fieldPath":"'],
] as const;

/** The reference's members, without the braces. */
function objectReferenceJson(ref: ObjectReference): string {
  let json = '';
  for (const [key, prefix] of objectReferenceFields) {
    const value = ref[key];
    if (!value) continue;
    json += json === '' ? `${prefix}${stringContent(value)}"` : `,${prefix}${stringContent(value)}"`;
  }
  return json;
}

/** `,"metadata":{…}` with keys sorted as Go sorts a map's (UTF-8 bytes); nothing when empty. */
function metadataJson(metadata: Record<string, string>): string {
  const keys = Object.keys(metadata);
  if (keys.length === 0) return '';
  // Without surrogates, UTF-16 order (the default sort's) is UTF-8 order: no comparator needed.
  let surrogates = false;
  for (const key of keys) {
    if (HAS_SURROGATE.test(key)) {
      surrogates = true;
      break;
    }
  }
  sortInPlace(keys, surrogates ? compareUtf8 : undefined);
  let json = '';
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as string;
    // Keys that differ only in lone surrogates are one key to Go (each becomes U+FFFD), and they
    // sort next to each other: the last of them gives the value, as the later one in a Go map.
    if (surrogates && index + 1 < keys.length && wellFormed(keys[index + 1] as string) === wellFormed(key)) {
      continue;
    }
    const member = `"${stringContent(key)}":"${stringContent(metadata[key] as string)}"`;
    json += json === '' ? member : `,${member}`;
  }
  return `,"metadata":{${json}}`;
}

/**
 * A JSON string's content, without its quotes, as Go writes it. Most strings need no escape at
 * all: one regex test, and the string itself (characters outside the BMP stay raw in both). The
 * others go through `JSON.stringify` (quotes, backslashes, control characters) and Go's extra
 * escapes, with lone surrogates made U+FFFD first.
 */
function stringContent(value: string): string {
  if (!NEEDS_ESCAPE.test(value) && value.isWellFormed()) return value;
  const quoted = escapeLikeGo(JSON.stringify(wellFormed(value)));
  return quoted.slice(1, -1);
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029]/;

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
