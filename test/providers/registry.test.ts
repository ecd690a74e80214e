import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinProviders, createNotifier, fluxProviderTypes, providerTypes } from '@notiflux/providers';
import { describe, expect, it } from 'vitest';
import { providerExports } from '../../scripts/sync-provider-exports.mjs';
import { sampleSpecs } from '../support/sample-specs.mjs';

const root = new URL('../../', import.meta.url);
const providerModules = readdirSync(new URL('packages/providers/src/providers/', root))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -'.ts'.length))
  .sort();
const manifest = JSON.parse(readFileSync(new URL('packages/providers/package.json', root), 'utf8'));
const readme = readFileSync(new URL('README.md', root), 'utf8');

// Every provider module is wired everywhere a user or a tool looks for it.
describe('built-in provider registry', () => {
  it('registers exactly the provider modules, each a Flux type', () => {
    expect([...providerTypes].sort()).toEqual(providerModules);
    for (const type of providerTypes) expect(fluxProviderTypes).toContain(type);
    expect(new Set(builtinProviders.map((definition) => definition.type)).size).toBe(builtinProviders.length);
  });

  it('exports exactly the package entry, one subpath per registered type and package.json', () => {
    // The providers build writes this map; a missing or a stale subpath fails here.
    expect(manifest.exports, 'run node scripts/sync-provider-exports.mjs').toEqual(
      providerExports([...providerTypes].sort()),
    );
    expect(Object.keys(manifest.exports).sort()).toEqual(
      ['.', './package.json', ...[...providerTypes].map((type) => `./${type}`)].sort(),
    );
  });

  it.each(providerModules)('%s has docs, a README row and a sample spec that creates', (type) => {
    expect(existsSync(new URL(`docs/providers/${type}.md`, root))).toBe(true);
    expect(readme).toContain(`[docs/providers/${type}.md](docs/providers/${type}.md)`);
    const spec = (sampleSpecs as Record<string, Parameters<typeof createNotifier>[0]>)[type];
    expect(spec, 'add a sample spec to test/support/sample-specs.mjs').toBeDefined();
    expect(createNotifier(spec as Parameters<typeof createNotifier>[0]).type).toBe(type);
  });

  it('declares every SDK as an optional peer, each named in the README install table', () => {
    const peers = Object.keys(manifest.peerDependencies ?? {}).sort();
    expect(peers.length).toBeGreaterThan(0);
    const install = readme.slice(readme.indexOf('## Install'), readme.indexOf('## Quick start'));
    const installColumn = install
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split(' | ')[1] ?? '')
      .join(' ');
    for (const peer of peers) {
      expect(manifest.peerDependenciesMeta?.[peer], peer).toEqual({ optional: true });
      expect(installColumn, peer).toContain(`\`${peer}\``);
    }
  });
});
