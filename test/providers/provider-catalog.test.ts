import { readFileSync } from 'node:fs';
import { providerCatalog, providerTypes } from '@notiflux/providers';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('packages/providers/package.json', root), 'utf8'));
const readme = readFileSync(new URL('README.md', root), 'utf8');

/** The README provider table's `type | kind` columns. */
function readmeKinds(): Map<string, string> {
  const kinds = new Map<string, string>();
  for (const line of readme.split('\n')) {
    const match = /^\| `([^`]+)` \| ([^|]+) \| ✅/.exec(line);
    if (match) kinds.set(match[1] as string, (match[2] as string).trim());
  }
  return kinds;
}

describe('provider catalog', () => {
  it('lists every built-in type once, in registry order', () => {
    expect(providerCatalog.map((entry) => entry.type)).toEqual([...providerTypes]);
  });

  it('gives each type the kind of the README provider table', () => {
    const kinds = readmeKinds();
    expect(kinds.size).toBe(providerTypes.length);
    for (const entry of providerCatalog) expect(entry.kind, entry.type).toBe(kinds.get(entry.type));
  });

  it('names only declared optional peers, and every peer at least once', () => {
    const peers = Object.keys(manifest.peerDependencies ?? {}).sort();
    const named = new Set(providerCatalog.flatMap((entry) => entry.sdks.map((sdk) => sdk.package)));
    expect([...named].sort()).toEqual(peers);
  });

  it('matches the install table: each SDK row names the types the catalog gives it', () => {
    const install = readme.slice(readme.indexOf('## Install'), readme.indexOf('## Quick start'));
    for (const line of install.split('\n').filter((row) => row.startsWith('| `'))) {
      const [typesColumn = '', packagesColumn = ''] = line
        .split(' | ')
        .map((cell) => cell.replace(/^\| /, ''));
      const rowTypes = [...typesColumn.matchAll(/`([^`]+)`/g)]
        .map((match) => match[1] as string)
        .filter((name) => providerTypes.includes(name));
      expect(rowTypes.length, line).toBeGreaterThan(0);
      const rowPackage = /`([^`]+)`/.exec(packagesColumn)?.[1];
      for (const type of rowTypes) {
        const entry = providerCatalog.find((candidate) => candidate.type === type);
        expect(
          entry?.sdks.map((sdk) => sdk.package),
          `${type}`,
        ).toContain(rowPackage);
      }
    }
  });
});
