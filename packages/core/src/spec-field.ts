// How a spec field is described and checked: a small builder of our own instead of a schema
// library, so that createNotifier loads nothing and a valid spec costs a few comparisons
// (docs/design/spec-validation.md). Each field knows its TypeScript input and output types.

import { setEntry } from './record-entry.js';

/** One problem with a value: where it is (field path) and what is wrong, in our words. */
export interface SpecIssue {
  path: readonly string[];
  message: string;
}

/** What `parse` returns for a value that failed its checks. */
export const INVALID: unique symbol = Symbol('invalid');

/**
 * Checks a present value's type and turns it into the output; reports at `path` and returns
 * INVALID when it is not of the type (later checks are then skipped).
 */
type BaseParser<Output> = (
  value: unknown,
  path: readonly string[],
  issues: SpecIssue[],
) => Output | typeof INVALID;

/** A step after the type check: may report (other steps still run) and may transform. */
type Step<Output> = (value: Output, report: (message: string, path?: readonly string[]) => void) => Output;

/**
 * A field's description. `Output` is what providers read, `Input` what callers may pass;
 * `Optional` says whether the caller may leave it out.
 */
export class SpecField<Output, Input = Output, Optional extends boolean = false> {
  /** Type-level only: what the caller may pass. */
  declare readonly inputType: Input;
  /** Type-level only: what the provider reads. */
  declare readonly outputType: Output;

  constructor(
    private readonly base: BaseParser<Output>,
    /** The message when the field is missing. */
    private readonly missing: string,
    readonly isOptional: Optional,
    private readonly fallback: { value: Output } | undefined = undefined,
    private readonly steps: readonly Step<Output>[] = [],
  ) {}

  /** The output for `value` (undefined: absent), or INVALID after reporting why to `issues`. */
  parse(value: unknown, path: readonly string[], issues: SpecIssue[]): Output | undefined | typeof INVALID {
    if (value === undefined) {
      if (this.fallback) return structuredClone(this.fallback.value);
      if (this.isOptional) return undefined;
      issues.push({ path, message: this.missing });
      return INVALID;
    }
    let parsed = this.base(value, path, issues);
    if (parsed === INVALID) return INVALID;
    let failed = false;
    const report = (message: string, at: readonly string[] = []) => {
      failed = true;
      issues.push({ path: [...path, ...at], message });
    };
    for (const step of this.steps) parsed = step(parsed, report);
    return failed ? INVALID : parsed;
  }

  /** May be left out (then absent from the output). */
  optional(): SpecField<Output | undefined, Input | undefined, true> {
    return new SpecField<Output | undefined, Input | undefined, true>(
      this.base,
      this.missing,
      true,
      undefined,
      this.steps as readonly Step<Output | undefined>[],
    );
  }

  /** May be left out; `value` is used then (and no check runs on it). */
  withDefault(value: Output): SpecField<Output, Input | undefined, true> {
    return new SpecField<Output, Input | undefined, true>(
      this.base,
      this.missing,
      true,
      { value },
      this.steps,
    );
  }

  /** A check of the value: returns the problem, or undefined when fine. */
  check(problem: (value: Output) => string | undefined): SpecField<Output, Input, Optional> {
    return this.step((value, report) => {
      const message = problem(value);
      if (message !== undefined) report(message);
      return value;
    });
  }

  /** A check that may report several problems, or problems below the field (`report(message, ['creds'])`). */
  checkEach(
    checker: (value: Output, report: (message: string, path?: readonly string[]) => void) => void,
  ): SpecField<Output, Input, Optional> {
    return this.step((value, report) => {
      checker(value, report);
      return value;
    });
  }

  /** Strings: refused when shorter than `length` (UTF-16 units). */
  minLength(
    this: SpecField<string, Input, Optional>,
    length: number,
    message: string,
  ): SpecField<string, Input, Optional> {
    return this.check((value) => (value.length < length ? message : undefined));
  }

  /** Strings: refused when longer than `length` (UTF-16 units). */
  maxLength(
    this: SpecField<string, Input, Optional>,
    length: number,
    message = `must be at most ${length} characters long`,
  ): SpecField<string, Input, Optional> {
    return this.check((value) => (value.length > length ? message : undefined));
  }

  /** Strings: leading and trailing white space removed before the next checks and in the output. */
  trimmed(this: SpecField<string, Input, Optional>): SpecField<string, Input, Optional> {
    return this.step((value) => value.trim());
  }

  private step(step: Step<Output>): SpecField<Output, Input, Optional> {
    return new SpecField(this.base, this.missing, this.isOptional, this.fallback, [...this.steps, step]);
  }
}

/** Any field description. */
// biome-ignore lint/suspicious/noExplicitAny: a field of any output, input and optionality
export type AnySpecField = SpecField<any, any, boolean>;

/** Field names to their descriptions: a provider's own spec fields. */
export type SpecShape = { readonly [field: string]: AnySpecField };

/** What the provider reads from a field. */
export type FieldOutput<F> =
  F extends SpecField<infer Output, infer _Input, infer _Optional> ? Output : never;
/** What the caller may pass for a field. */
export type FieldInput<F> = F extends SpecField<infer _Output, infer Input, infer _Optional> ? Input : never;

type OptionalKeys<Shape extends SpecShape> = {
  [K in keyof Shape]: Shape[K] extends SpecField<infer _O, infer _I, true> ? K : never;
}[keyof Shape];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The object a shape parses to: every field, optional ones possibly undefined. */
export type ShapeOutput<Shape extends SpecShape> = Simplify<{ [K in keyof Shape]: FieldOutput<Shape[K]> }>;
/** The object a caller may pass for a shape: fields that may be left out are optional. */
export type ShapeInput<Shape extends SpecShape> = Simplify<
  { [K in Exclude<keyof Shape, OptionalKeys<Shape>>]: FieldInput<Shape[K]> } & {
    [K in OptionalKeys<Shape>]?: FieldInput<Shape[K]>;
  }
>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function typed<T>(isType: (value: unknown) => value is T, message: string): BaseParser<T> {
  return (value, path, issues) => {
    if (isType(value)) return value;
    issues.push({ path, message });
    return INVALID;
  };
}

/** A string. `message` replaces both `required` and `must be a string`. */
export function string(message?: string): SpecField<string> {
  return new SpecField(
    typed((value): value is string => typeof value === 'string', message ?? 'must be a string'),
    message ?? 'required',
    false,
  );
}

/** A finite number; `whole` refuses fractions. */
export function number(options: { whole?: boolean; min?: number } = {}): SpecField<number> {
  const field = new SpecField<number>(
    (value, path, issues) => {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        issues.push({ path, message: 'must be a number' });
        return INVALID;
      }
      if (options.whole && !Number.isInteger(value)) {
        issues.push({ path, message: 'must be a whole number' });
        return INVALID;
      }
      return value;
    },
    'required',
    false,
  );
  const { min } = options;
  return min === undefined
    ? field
    : field.check((value) => (value < min ? `must be at least ${min}` : undefined));
}

/** One of a fixed set of strings; `message` for anything else (and for a missing one). */
export function oneOf<const Values extends readonly string[]>(
  values: Values,
  message: string,
): SpecField<Values[number]> {
  return new SpecField(
    typed((value): value is Values[number] => values.includes(value as string), message),
    message,
    false,
  );
}

/** A value of a type told by `isType`, e.g. a string or a function. */
export function ofType<T>(isType: (value: unknown) => value is T, message: string): SpecField<T> {
  return new SpecField(typed(isType, message), 'required', false);
}

/** Anything (a provider's field checked elsewhere). */
export function anyValue(): SpecField<unknown, unknown, true> {
  return new SpecField<unknown, unknown, true>((value) => value, 'required', true);
}

/** An object of string values (a copy); a value of another type is reported at its key. */
export function stringRecord(): SpecField<Record<string, string>> {
  return new SpecField<Record<string, string>>(
    (value, path, issues) => {
      if (!isObject(value)) {
        issues.push({ path, message: 'must be an object' });
        return INVALID;
      }
      const copy: Record<string, string> = {};
      let failed = false;
      for (const key of Object.keys(value)) {
        const entry = value[key];
        if (typeof entry === 'string') setEntry(copy, key, entry);
        else {
          issues.push({ path: [...path, key], message: 'must be a string' });
          failed = true;
        }
      }
      return failed ? INVALID : copy;
    },
    'required',
    false,
  );
}

/**
 * What an object field does with keys its shape lacks: `strict` refuses them (`x: unknown field`),
 * `strip` leaves them out of the output, `keep` passes them through unchecked.
 */
export type UnknownKeys = 'strict' | 'strip' | 'keep';

/** An object whose fields are described by `shape`; `message` replaces `required` and `must be an object`. */
export function object<const Shape extends SpecShape>(
  shape: Shape,
  options: { unknownKeys?: UnknownKeys; message?: string } = {},
): SpecField<ShapeOutput<Shape>, ShapeInput<Shape>> {
  const message = options.message;
  return new SpecField<ShapeOutput<Shape>, ShapeInput<Shape>>(
    (value, path, issues) => {
      if (!isObject(value)) {
        issues.push({ path, message: message ?? 'must be an object' });
        return INVALID;
      }
      return parseShape(shape, value, path, issues, options.unknownKeys ?? 'strip') as ShapeOutput<Shape>;
    },
    message ?? 'required',
    false,
  );
}

/**
 * Checks `input`'s fields against `shape`, every problem reported to `issues` in the shape's
 * order, unknown keys last. The output holds each parsed field present in the input or given a
 * default; INVALID if any problem was found.
 */
export function parseShape(
  shape: SpecShape,
  input: Record<string, unknown>,
  path: readonly string[],
  issues: SpecIssue[],
  unknownKeys: UnknownKeys,
): Record<string, unknown> | typeof INVALID {
  const output: Record<string, unknown> = {};
  let failed = false;
  for (const field of Object.keys(shape)) {
    const given = input[field];
    const parsed = (shape[field] as AnySpecField).parse(given, [...path, field], issues);
    if (parsed === INVALID) failed = true;
    else if (parsed !== undefined || field in input) output[field] = parsed;
  }
  if (unknownKeys === 'strip') return failed ? INVALID : output;
  for (const key of Object.keys(input)) {
    if (Object.hasOwn(shape, key)) continue;
    if (unknownKeys === 'keep') output[key] = input[key];
    else {
      issues.push({ path: [...path, key], message: 'unknown field' });
      failed = true;
    }
  }
  return failed ? INVALID : output;
}

/** `address: must be …; timeout: …`: each issue as `path: message`. */
export function issueLines(issues: readonly SpecIssue[]): string[] {
  return issues.map(({ path, message }) => (path.length > 0 ? `${path.join('.')}: ${message}` : message));
}

/** The builders, as one name to import: `field.string('required: the room').minLength(1, …)`. */
export const field = { string, number, oneOf, ofType, any: anyValue, record: stringRecord, object } as const;
