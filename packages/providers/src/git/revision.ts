/**
 * Revision metadata → commit SHA (docs/design/git-providers.md#revision-to-commit-sha): `commit`, else
 * `originRevision`, else `revision`; RFC-0005 (`main@sha1:<sha>`) and legacy (`main/<sha>`) forms; exactly 40
 * bytes.
 */
import { type Event, getRevision, type ProviderType } from '@notiflux/core';
import { gitEventError } from './git-errors.js';

const SHA1_LENGTH = 40;

/** The commit SHA a revision names, or undefined when it names none (SHA-256, tags, empty). */
export function commitShaFromRevision(revision: string): string | undefined {
  const normalised = normaliseLegacyRevision(revision);
  let hash: string;
  const colon = normalised.lastIndexOf(':');
  if (colon !== -1) hash = normalised.slice(colon + 1);
  else hash = normalised.slice(normalised.lastIndexOf('/') + 1);
  return Buffer.byteLength(hash, 'utf8') === SHA1_LENGTH ? hash : undefined;
}

/**
 * The commit SHA of the event's revision metadata; rejects with `INVALID_EVENT`
 * (`missing revision metadata`, `failed to extract commit hash from '<value>' revision`).
 */
export function commitShaFromEvent(event: Pick<Event, 'metadata'>, type: ProviderType): string {
  const revision = getRevision(event);
  if (revision === undefined) throw gitEventError(type, 'missing revision metadata');
  const sha = commitShaFromRevision(revision);
  if (sha === undefined)
    throw gitEventError(type, `failed to extract commit hash from '${revision}' revision`);
  return sha;
}

/** `main/<sha>` → `main@sha1:<sha>`, `<sha>` → `sha1:<sha>`; forms with a `:` stay as they are. */
function normaliseLegacyRevision(revision: string): string {
  if (revision === '' || revision.includes(':')) return revision;
  let pointer = '';
  const at = revision.lastIndexOf('@');
  const slash = revision.lastIndexOf('/');
  if (at !== -1) pointer = revision.slice(0, at);
  else if (slash !== -1 && revision.slice(0, slash) !== 'HEAD') pointer = revision.slice(0, slash);
  const hash = revision.slice(slash + 1);
  const algorithm = Buffer.byteLength(hash, 'utf8') === SHA1_LENGTH ? 'sha1' : '<unknown>';
  const digest = hash === '' ? '' : `${algorithm}:${hash}`;
  return pointer === '' ? digest : `${pointer}@${digest}`;
}
