import { defaultCommitStatusId, type Event } from '@notiflux/providers';
import type { CommitStatusExpr } from '../cel/commit-status-expr.js';
import type { Alert, Provider } from '../manifests/types.js';

export type CommitStatusOutcome = { id: string } | { problem: string };

/**
 * The commit status id of one delivery: the Provider's `commitStatusExpr` evaluated over the
 * merged event, the Alert and the Provider, or the default id (kind, name and the first part
 * of the Provider's uid). An expression that fails, or gives anything but a non-empty string,
 * is a problem.
 */
export function commitStatusIdFor(
  expression: CommitStatusExpr | undefined,
  event: Event,
  alert: Alert,
  provider: Provider,
): CommitStatusOutcome {
  if (!expression) return { id: defaultCommitStatusId(event, provider.metadata.uid) };
  let id: string;
  try {
    id = expression.evaluate({ event, alert, provider });
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
  if (id === '')
    return { problem: `the CEL expression '${expression.source}' gave an empty commit status id` };
  return { id };
}
