import { RE2JS } from 're2js';

/** A regular expression with Go's RE2 syntax and semantics: linear time, searched unanchored. */
export interface Re2Expression {
  source: string;
  /** Whether the expression matches anywhere in `text`. */
  test(text: string): boolean;
}

/** Compiles `source` as Go's `regexp.Compile` would; throws with RE2's reason when it cannot. */
export function compileRe2(source: string): Re2Expression {
  const compiled = RE2JS.compile(source);
  return { source, test: (text) => compiled.matcher(text).find() };
}
