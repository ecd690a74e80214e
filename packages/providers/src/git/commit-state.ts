/**
 * Severity → commit state per commit-status type, and the Progressing skip
 * (docs/design/git-providers.md#state-mapping).
 */
import type { Event, ProviderType } from '@notiflux/core';
import { gitEventError } from './git-errors.js';

export type CommitStatusType =
  | 'github'
  | 'gitlab'
  | 'gitea'
  | 'bitbucket'
  | 'bitbucketserver'
  | 'azuredevops';

interface StateTable {
  info: string;
  error: string;
  /** Gitea reports Progressing (any severity) as `pending`; the others skip it. */
  progressing?: string;
  unsupported: string;
}

const STATE_TABLES: Record<CommitStatusType, StateTable> = {
  github: { info: 'success', error: 'failure', unsupported: "can't convert to github state" },
  gitlab: { info: 'success', error: 'failed', unsupported: "can't convert to gitlab state" },
  gitea: {
    info: 'success',
    error: 'failure',
    progressing: 'pending',
    unsupported: "can't convert to gitea state",
  },
  bitbucket: { info: 'SUCCESSFUL', error: 'FAILED', unsupported: "can't convert to bitbucket state" },
  bitbucketserver: {
    info: 'SUCCESSFUL',
    error: 'FAILED',
    unsupported:
      "couldn't convert to bitbucket server state: bitbucket server state generated on info or error events only",
  },
  azuredevops: { info: 'succeeded', error: 'error', unsupported: "can't convert to azure devops state" },
};

const PROGRESSING = 'Progressing';

/** True when this type sends nothing for the event (reason `Progressing`, every type but gitea). */
export function skipsProgressing(type: CommitStatusType, event: Pick<Event, 'reason'>): boolean {
  return event.reason === PROGRESSING && STATE_TABLES[type].progressing === undefined;
}

/** The type's state for the event; rejects other severities with `INVALID_EVENT` and the upstream wording. */
export function commitStateFor(type: CommitStatusType, event: Pick<Event, 'reason' | 'severity'>): string {
  const table = STATE_TABLES[type];
  if (event.reason === PROGRESSING && table.progressing !== undefined) return table.progressing;
  if (event.severity === 'info') return table.info;
  if (event.severity === 'error') return table.error;
  throw gitEventError(type as ProviderType, table.unsupported);
}
