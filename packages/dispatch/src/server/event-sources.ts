/**
 * The paths an event server takes events on, when it is told which: each one may require an
 * `X-Signature` made with its own key, and may stamp its events with metadata (the cluster that
 * forwarded them).
 */

export interface EventSource {
  /** The exact request path, e.g. `/clusters/prod-eu` (the query string is not part of it). */
  path: string;
  /** When set, every request must carry a valid `X-Signature` of its body made with this key. */
  hmacKey?: string;
  /** Merged into each event from this path with the lowest precedence (e.g. `{ cluster: 'prod-eu' }`). */
  metadata?: Record<string, string>;
}

export interface ResolvedSource {
  path: string;
  hmacKey?: string;
  metadata?: Readonly<Record<string, string>>;
}

/**
 * Checks the list once, so a typo fails at start-up rather than as 404s. Errors name the field
 * and never show a key.
 */
export function resolveSources(
  sources: readonly EventSource[] | undefined,
): ReadonlyMap<string, ResolvedSource> | undefined {
  if (sources === undefined) return undefined;
  if (!Array.isArray(sources)) throw new TypeError('sources must be an array');
  const table = new Map<string, ResolvedSource>();
  sources.forEach((source: EventSource, index) => {
    const field = `sources[${index}]`;
    if (typeof source !== 'object' || source === null) throw new TypeError(`${field} must be an object`);
    const { path, hmacKey, metadata } = source;
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new TypeError(`${field}.path must be a string starting with "/"`);
    }
    if (path.includes('?') || path.includes('#')) {
      throw new TypeError(`${field}.path must be a path without query or fragment`);
    }
    if (table.has(path)) throw new TypeError(`${field}.path ${JSON.stringify(path)} is listed twice`);
    if (hmacKey !== undefined && (typeof hmacKey !== 'string' || hmacKey === '')) {
      throw new TypeError(`${field}.hmacKey must be a non-empty string`);
    }
    const resolved: ResolvedSource = { path };
    if (hmacKey !== undefined) resolved.hmacKey = hmacKey;
    if (metadata !== undefined) resolved.metadata = checkedMetadata(metadata, `${field}.metadata`);
    table.set(path, resolved);
  });
  return table;
}

function checkedMetadata(metadata: unknown, field: string): Readonly<Record<string, string>> {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new TypeError(`${field} must be an object of strings`);
  }
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new TypeError(`${field}.${key} must be a string`);
    copy[key] = value;
  }
  return Object.freeze(copy);
}
