/** Commit-status name and description (docs/design/git-providers.md#status-name-and-description). */
import type { Event } from '@notiflux/core';

/** `<kind>/<name>`, lower-cased: `kustomization/webapp`. */
export function statusName(event: Pick<Event, 'involvedObject'>): string {
  return `${event.involvedObject.kind}/${event.involvedObject.name}`.toLowerCase();
}

/** The words of the reason, lower-cased and joined by one space: `ValidationFailed` → `validation failed`. */
export function statusDescription(reason: string): string {
  return splitCamelCase(reason).join(' ').toLowerCase();
}

type CharClass = 'lower' | 'upper' | 'digit' | 'other';

function classOf(char: string): CharClass {
  if (/^\p{Ll}$/u.test(char)) return 'lower';
  if (/^\p{Lu}$/u.test(char)) return 'upper';
  if (/^\p{Nd}$/u.test(char)) return 'digit';
  return 'other';
}

/**
 * Splits camel case into words: runs of lower-case letters, upper-case letters, digits and
 * anything else, with the last capital of a capital run moved to the following lower-case run
 * (`PDFLoader` → `PDF`, `Loader`). A string that is not well-formed Unicode is one word.
 */
export function splitCamelCase(text: string): string[] {
  if (!text.isWellFormed()) return [text];
  const runs: string[][] = [];
  let lastClass: CharClass | undefined;
  for (const char of text) {
    const charClass = classOf(char);
    const current = runs.at(-1);
    if (current && charClass === lastClass) current.push(char);
    else runs.push([char]);
    lastClass = charClass;
  }
  for (let index = 0; index < runs.length - 1; index++) {
    const run = runs[index] ?? [];
    const next = runs[index + 1] ?? [];
    const first = run[0];
    const nextFirst = next[0];
    if (
      first !== undefined &&
      nextFirst !== undefined &&
      classOf(first) === 'upper' &&
      classOf(nextFirst) === 'lower'
    ) {
      const moved = run.pop();
      if (moved !== undefined) next.unshift(moved);
    }
  }
  return runs.filter((run) => run.length > 0).map((run) => run.join(''));
}
