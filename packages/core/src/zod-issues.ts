import type { z } from 'zod';

/** `address: must be an absolute http(s) URL; timeout: ...`: every issue, named by its field path. */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .flatMap((issue) => {
      const path = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => `${path ? `${path}.` : ''}${key}: unknown field`);
      }
      return [path ? `${path}: ${issue.message}` : issue.message];
    })
    .join('; ');
}
