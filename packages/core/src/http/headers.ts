import { NotifierError } from '../errors.js';
import type { ProviderType } from '../provider-types.js';

/**
 * Merges header maps left to right; names compare case-insensitively (HTTP semantics), so a
 * later `authorization` replaces an earlier `Authorization`, keeping the later spelling.
 */
export function mergeHeaders(...sources: (Record<string, string> | undefined)[]): Record<string, string> {
  const merged: Record<string, string> = {};
  const spelling = new Map<string, string>();
  for (const source of sources) {
    if (!source) continue;
    for (const [name, value] of Object.entries(source)) {
      const lower = name.toLowerCase();
      const previous = spelling.get(lower);
      if (previous !== undefined) delete merged[previous];
      spelling.set(lower, name);
      merged[name] = value;
    }
  }
  return merged;
}

export function hasHeader(headers: Record<string, string>, name: string): boolean {
  const lower = name.toLowerCase();
  return Object.keys(headers).some((key) => key.toLowerCase() === lower);
}

const ABOVE_LATIN1 = /[^\x00-\xff]/;

/**
 * Header values as undici must be given them to send what Go's client sends: characters above
 * U+00FF (a controller named in Cyrillic) as their UTF-8 bytes, one byte per character, since
 * undici refuses them otherwise. The same object when nothing needs it.
 */
export function wireHeaders(headers: Record<string, string>): Record<string, string> {
  let converted: Record<string, string> | undefined;
  for (const name in headers) {
    const value = headers[name] as string;
    if (!ABOVE_LATIN1.test(value)) continue;
    converted ??= { ...headers };
    converted[name] = Buffer.from(value, 'utf8').toString('latin1');
  }
  return converted ?? headers;
}

/**
 * A header value taken from the event (`Gotk-Component` from `reportingController`): CR, LF and
 * NUL can never be sent in a header, so such an event is invalid at once, for `encode` and
 * `post` alike, rather than a failed request later.
 */
export function headerValueFromEvent(
  field: string,
  header: string,
  value: string,
  providerType?: ProviderType,
): string {
  if (!/[\r\n\0]/.test(value)) return value;
  throw new NotifierError(
    'INVALID_EVENT',
    `invalid event: ${field}: must not contain CR, LF or NUL (it is sent as the ${header} header)`,
    { providerType },
  );
}
