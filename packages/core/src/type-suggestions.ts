/**
 * The known types closest to an unknown one (`Slack` → `slack`, `githubdispatc` →
 * `githubdispatch`), for the `UNSUPPORTED_TYPE` message: at most three, at the smallest edit
 * distance found, and only when that distance is small enough to be a typo.
 */
export function closestTypes(given: string, known: Iterable<string>): string[] {
  const wanted = given.toLowerCase();
  const limit = Math.min(3, Math.ceil(wanted.length / 3));
  let best = limit + 1;
  let closest: string[] = [];
  for (const type of new Set(known)) {
    const distance = editDistance(wanted, type);
    if (distance < best) {
      best = distance;
      closest = [type];
    } else if (distance === best) {
      closest.push(type);
    }
  }
  return closest.sort().slice(0, 3);
}

/**
 * Levenshtein distance: insertions, deletions and substitutions of one character each cost 1.
 * Shared by every "did you mean" hint (unknown types here, unknown manifest fields in dispatch).
 */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
