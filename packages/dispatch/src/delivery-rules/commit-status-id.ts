import { parse } from '@marcbachmann/cel-js';
import { defaultCommitStatusId, type Event } from '@notiflux/providers';
import type { Alert, Provider } from '../manifests/types.js';

/** A Provider's `commitStatusExpr`, parsed once. */
export interface CommitStatusExpression {
  source: string;
  evaluate(variables: { event: Event; alert: Alert; provider: Provider }): unknown;
}

/** Parses a `commitStatusExpr`; throws with the parser's reason when it is not CEL. */
export function compileCommitStatusExpression(source: string): CommitStatusExpression {
  const program = parse(source);
  return { source, evaluate: (variables) => program(variables) };
}

export type CommitStatusOutcome = { id: string } | { problem: string };

/**
 * The commit status id of one delivery: the Provider's `commitStatusExpr` evaluated over the
 * merged event, the Alert and the Provider, or the default id (kind, name and the Provider's
 * uid). An expression that fails, or gives anything but a non-empty string, is a problem.
 */
export function commitStatusIdFor(
  expression: CommitStatusExpression | undefined,
  event: Event,
  alert: Alert,
  provider: Provider,
): CommitStatusOutcome {
  if (!expression) return { id: defaultCommitStatusId(event, provider.metadata.uid) };
  let value: unknown;
  try {
    value = expression.evaluate({ event, alert, provider });
  } catch (error) {
    return {
      problem: `spec.commitStatusExpr failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (typeof value !== 'string') {
    return { problem: `spec.commitStatusExpr gave ${value === null ? 'null' : typeof value}, not a string` };
  }
  if (value === '') return { problem: 'spec.commitStatusExpr gave an empty string' };
  return { id: value };
}
