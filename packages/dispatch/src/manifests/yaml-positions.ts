import { isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import { fieldPath } from './field-path.js';

/** The 1-based line a YAML node starts on. */
export function lineOf(node: Node | null | undefined, lines: LineCounter): number | undefined {
  const offset = node?.range?.[0];
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

/**
 * The line of every field under `node`, by path (`spec.eventSources[0].kind`): a mapping entry's
 * line is its key's, a list item's the item's. Aliases and merge keys keep the line of where
 * they are used.
 */
export function fieldLines(node: Node | null | undefined, lines: LineCounter): Map<string, number> {
  const found = new Map<string, number>();
  walk(node, '', lines, found);
  return found;
}

function walk(node: unknown, path: string, lines: LineCounter, found: Map<string, number>): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined || key === '<<') continue;
      const childPath = fieldPath(path, key);
      const line = lineOf(pair.key as Node, lines);
      if (line !== undefined) found.set(childPath, line);
      walk(pair.value, childPath, lines, found);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const childPath = fieldPath(path, index);
      const line = lineOf(item as Node, lines);
      if (line !== undefined) found.set(childPath, line);
      walk(item, childPath, lines, found);
    });
  }
}
