import type { Environment } from '@marcbachmann/cel-js';
import { createFluxCelEnvironment } from './flux-environment.js';

/** The variables a `commitStatusExpr` sees: the event as the provider receives it, the Alert and the Provider objects. */
export interface CommitStatusVariables {
  event: object;
  alert: object;
  provider: object;
}

export interface CommitStatusExpr {
  readonly source: string;
  /** The commit status id for one event; throws `CommitStatusExprError` when evaluation fails or gives no string. */
  evaluate(variables: CommitStatusVariables): string;
}

/** A `commitStatusExpr` that does not compile (`phase: 'parse'`) or fails for an event (`phase: 'evaluate'`). */
export class CommitStatusExprError extends Error {
  override readonly name = 'CommitStatusExprError';
  constructor(
    readonly phase: 'parse' | 'evaluate',
    readonly expression: string,
    message: string,
  ) {
    super(message);
  }
}

let environment: Environment | undefined;

function commitStatusEnvironment(): Environment {
  environment ??= createFluxCelEnvironment(['event', 'alert', 'provider']);
  return environment;
}

/**
 * Compiles a Provider's `commitStatusExpr` the way Flux does: parsed and type-checked against
 * the variables `event`, `alert` and `provider`; an expression whose type is known and is not a
 * string is refused here, as Go's compiler does. Throws `CommitStatusExprError`.
 */
export function compileCommitStatusExpr(expression: string): CommitStatusExpr {
  const env = commitStatusEnvironment();
  const fail = (message: string) =>
    new CommitStatusExprError(
      'parse',
      expression,
      `failed to parse the CEL expression '${expression}': ${message}`,
    );
  let program: (context: Record<string, unknown>) => unknown;
  try {
    const checked = env.check(expression);
    if (!checked.valid) throw fail(firstLine(checked.error?.message));
    // `dyn` (a field of an event or object) is left to the evaluation, which must then give a string.
    if (checked.type !== 'string' && checked.type !== 'dyn') {
      throw fail(`the expression gives ${checked.type}, not a string`);
    }
    program = env.parse(expression) as unknown as typeof program;
  } catch (error) {
    if (error instanceof CommitStatusExprError) throw error;
    throw fail(firstLine((error as Error).message));
  }
  return {
    source: expression,
    evaluate(variables) {
      let result: unknown;
      try {
        result = program({ event: variables.event, alert: variables.alert, provider: variables.provider });
      } catch (error) {
        throw new CommitStatusExprError(
          'evaluate',
          expression,
          `failed to evaluate the CEL expression '${expression}': ${firstLine((error as Error).message)}`,
        );
      }
      if (typeof result !== 'string') {
        throw new CommitStatusExprError(
          'evaluate',
          expression,
          `failed to evaluate CEL expression as string: '${expression}'`,
        );
      }
      return result;
    },
  };
}

function firstLine(message: string | undefined): string {
  return (message ?? 'invalid expression').split('\n')[0] as string;
}
