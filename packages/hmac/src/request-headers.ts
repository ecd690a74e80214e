/**
 * Header lookup across the shapes requests come in: Node's lower-cased `IncomingHttpHeaders`,
 * the fetch `Headers` class, and plain records written by hand (any case).
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Headers as Node, fetch, or a caller's object literal hold them. */
export type HeaderSource =
  | Headers
  | IncomingHttpHeaders
  | Readonly<Record<string, string | readonly string[] | undefined>>;

function isFetchHeaders(headers: HeaderSource): headers is Headers {
  return typeof (headers as Headers).get === 'function';
}

/**
 * The header's value, repeated values joined with `', '` as both Node and fetch do (so
 * duplicates stay visible to the verifiers), or `undefined` when absent.
 */
export function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (isFetchHeaders(headers)) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  let value = Object.hasOwn(record, wanted) ? record[wanted] : undefined;
  if (value === undefined) {
    const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === wanted);
    value = key === undefined ? undefined : record[key];
  }
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}
