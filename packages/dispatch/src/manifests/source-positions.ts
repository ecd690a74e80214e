import type { ManifestIssue } from './manifest-error.js';

/** Where an object came from: the file, its YAML document and the line each field starts on. */
export interface SourcePosition {
  file?: string;
  document?: number;
  /** Line of the object itself (1-based). */
  line?: number;
  /** Lines of its fields by path (`spec.providerRef.name`), when known. */
  fieldLines?: ReadonlyMap<string, number>;
}

const positions = new WeakMap<object, SourcePosition>();

/** Remembers where the loader found `object`, so later checks can point at the file and line. */
export function recordSource(object: object, position: SourcePosition): void {
  positions.set(object, position);
}

export function sourceOf(object: object): SourcePosition | undefined {
  return positions.get(object);
}

/** A problem with `object`'s field `path`, placed at the field's line when it is known. */
export function issueAt(
  object: object,
  path: string | undefined,
  message: string,
  name?: string,
): ManifestIssue {
  const source = sourceOf(object);
  const line = (path === undefined ? undefined : closestFieldLine(source?.fieldLines, path)) ?? source?.line;
  return {
    ...(source?.file === undefined ? {} : { file: source.file }),
    ...(line === undefined ? {} : { line }),
    ...(source?.document === undefined ? {} : { document: source.document }),
    ...(name === undefined ? {} : { object: name }),
    ...(path === undefined ? {} : { path }),
    message,
  };
}

/** The line of `path` or of its nearest parent that has one. */
function closestFieldLine(lines: ReadonlyMap<string, number> | undefined, path: string): number | undefined {
  if (!lines) return undefined;
  for (let candidate = path; candidate !== ''; candidate = parentPath(candidate)) {
    const line = lines.get(candidate);
    if (line !== undefined) return line;
  }
  return undefined;
}

function parentPath(path: string): string {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut <= 0 ? '' : path.slice(0, cut);
}
