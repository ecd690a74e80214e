// Core knows no provider type by name: what a type does (its category, its transport options,
// how `encode` shows its messages) is in its definition, so a user's `defineProvider` type can do
// everything a built-in one does. Checked on the string literals of core's sources, comments aside.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { builtinProviders, fluxProviderTypes } from '@notiflux/providers';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const coreSources = join(root, 'packages', 'core', 'src');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Literals that spell a type's name but mean something else in the public API: `generic` is
 * also a category, `nats` and `sentry` are also the transports of `EncodedMessage`.
 */
function isOtherMeaning(literal: ts.StringLiteralLike): boolean {
  const parent = literal.parent;
  if (literal.text === 'generic') {
    const inCategory = (node: ts.Node | undefined): boolean =>
      node !== undefined &&
      ((ts.isTypeAliasDeclaration(node) && node.name.text === 'ProviderCategory') ||
        ts.isCaseClause(node) ||
        inCategory(node.parent));
    return inCategory(parent);
  }
  if (literal.text === 'nats' || literal.text === 'sentry') {
    const member = ts.isLiteralTypeNode(parent) ? parent.parent : undefined;
    return member !== undefined && ts.isPropertySignature(member) && member.name.getText() === 'transport';
  }
  return false;
}

/** `file:line: 'literal'` for every string literal of core's sources that is a provider type's name. */
function typeNamesInCore(names: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (const path of sourceFiles(coreSources)) {
    const text = readFileSync(path, 'utf8');
    const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteralLike(node) && names.has(node.text) && !isOtherMeaning(node)) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        found.push(`${relative(root, path)}:${line + 1}: '${node.text}'`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe('core knows no provider type', () => {
  const names = new Set<string>([
    ...fluxProviderTypes,
    ...builtinProviders.flatMap((definition) => definition.aliases ?? []),
  ]);

  it('checks all 34 types of Flux', () => {
    expect(fluxProviderTypes).toHaveLength(34);
  });

  it('names none of them in a string literal of packages/core/src', () => {
    expect(typeNamesInCore(names)).toEqual([]);
  });

  it('would find one there (the check sees literals, not comments)', () => {
    // Category names are literals in core; `matrix` is named in a comment only.
    expect(typeNamesInCore(new Set(['commit-status', 'alerting']))).not.toEqual([]);
    expect(typeNamesInCore(new Set(['matrix']))).toEqual([]);
  });
});
