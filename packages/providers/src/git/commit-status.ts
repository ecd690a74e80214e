/**
 * The per-event part every commit-status type shares, in upstream's order
 * (docs/design/git-providers.md#state-mapping): status id → Progressing skip → revision → SHA → state; plus
 * name and description.
 */
import type { Event, ResolvedSpec } from '@notiflux/core';
import { type CommitStatusType, commitStateFor, skipsProgressing } from './commit-state.js';
import { resolveCommitStatusId } from './commit-status-id.js';
import { commitShaFromEvent } from './revision.js';
import { statusDescription, statusName } from './status-description.js';

export interface CommitStatusFields {
  /** The commit status id (context / name / key source). */
  id: string;
  sha: string;
  state: string;
  /** `kind/name`, lower-cased. */
  name: string;
  description: string;
}

/** What to report for the event, or undefined when the type skips it (Progressing). */
export function commitStatusFor(
  type: CommitStatusType,
  event: Event,
  spec: Pick<ResolvedSpec, 'commitStatus' | 'provider'>,
): CommitStatusFields | undefined {
  const id = resolveCommitStatusId(event, spec, type);
  if (skipsProgressing(type, event)) return undefined;
  const sha = commitShaFromEvent(event, type);
  const state = commitStateFor(type, event);
  return { id, sha, state, name: statusName(event), description: statusDescription(event.reason) };
}
