import type { EventSource } from '@notiflux/dispatch';
import { environmentValue } from './flag-values.js';
import { UsageError } from './usage-error.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `--source PATH[:HMAC_KEY_ENV]`: the path takes events, signed with the key in HMAC_KEY_ENV when
 * one is named, and its events carry `cluster: <last path segment>` as metadata (a hub's
 * `/clusters/prod-eu` says `cluster: prod-eu` in every message, unless something more specific
 * sets `cluster`).
 */
export function parseSource(text: string, env: Readonly<Record<string, string | undefined>>): EventSource {
  const colon = text.lastIndexOf(':');
  const named = colon > 0 && ENV_NAME.test(text.slice(colon + 1));
  const path = named ? text.slice(0, colon) : text;
  if (!path.startsWith('/')) throw new UsageError(`--source ${text}: the path must start with "/"`);
  const source: EventSource = { path };
  if (named) source.hmacKey = environmentValue(env, text.slice(colon + 1), 'source');
  const cluster = path
    .split('/')
    .filter((segment) => segment !== '')
    .at(-1);
  if (cluster !== undefined) source.metadata = { cluster };
  return source;
}
