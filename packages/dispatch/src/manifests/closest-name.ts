import { editDistance } from '@notiflux/providers';

/** The candidate a misspelt name most likely meant, for "did you mean" hints; undefined when none is close. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  if (bestDistance <= allowed) return best;
  // A part of the name (`labels` for `matchLabels`).
  if (lower.length < 4) return undefined;
  for (const candidate of candidates) if (candidate.toLowerCase().includes(lower)) return candidate;
  return undefined;
}
