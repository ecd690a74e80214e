import type { z } from 'zod';

/** `address: must be an absolute http(s) URL; timeout: ...`: every issue, named by its field path. */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[]): string {
  return zodIssueLines(issues).join('; ');
}

/** One `field: problem` line per issue (an unknown key each). */
export function zodIssueLines(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${path ? `${path}.` : ''}${key}: unknown field`);
    }
    return [path ? `${path}: ${issue.message}` : issue.message];
  });
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'a list',
  function: 'a function',
};

/**
 * The project's words for zod's own messages (`Invalid input: expected object, received
 * undefined`, `Too big: expected number to be <=20`), passed as a parse's `error` option. A
 * schema's own message wins over it; undefined leaves zod's text for what is not listed here.
 */
export function inOwnWords(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `must be ${typeName(issue.expected)}`;
    case 'invalid_union': {
      const expected = issue.errors.flatMap((branch) =>
        branch.flatMap((inner) => (inner.code === 'invalid_type' ? [typeName(inner.expected)] : [])),
      );
      return expected.length > 0 ? `must be ${[...new Set(expected)].join(' or ')}` : 'has an unusable value';
    }
    case 'too_big':
      return issue.origin === 'string'
        ? `must be at most ${issue.maximum} characters long`
        : `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
    case 'too_small':
      if (issue.origin === 'string') {
        return issue.minimum === 1
          ? 'must not be empty'
          : `must be at least ${issue.minimum} characters long`;
      }
      return `must be ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_format':
      return `is not a valid ${issue.format}`;
    default:
      return undefined;
  }
}

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? `a value of type ${expected}`;
}
