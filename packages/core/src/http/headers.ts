/**
 * Merges header maps left to right; names compare case-insensitively (HTTP semantics), so a
 * later `authorization` replaces an earlier `Authorization`, keeping the later spelling.
 */
export function mergeHeaders(...sources: (Record<string, string> | undefined)[]): Record<string, string> {
  const merged: Record<string, string> = {};
  const spelling = new Map<string, string>();
  for (const source of sources) {
    if (!source) continue;
    for (const [name, value] of Object.entries(source)) {
      const lower = name.toLowerCase();
      const previous = spelling.get(lower);
      if (previous !== undefined) delete merged[previous];
      spelling.set(lower, name);
      merged[name] = value;
    }
  }
  return merged;
}

export function hasHeader(headers: Record<string, string>, name: string): boolean {
  const lower = name.toLowerCase();
  return Object.keys(headers).some((key) => key.toLowerCase() === lower);
}
