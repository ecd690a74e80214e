// The provider package reads one provider at a time: each module in src/providers/ holds one
// type's definition and stays short, and what it leans on lives in a named module beside it
// (src/<type>/, git/, formatting/), never in another provider's module. Tests keep their own
// sample specs under test/support/ rather than reaching into bench/.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const providersDirectory = join(root, 'packages', 'providers', 'src', 'providers');
const sourceDirectory = join(root, 'packages', 'providers', 'src');

const MAX_PROVIDER_LINES = 250;

const providerModules = readdirSync(providersDirectory)
  .filter((file) => file.endsWith('.ts'))
  .sort();

function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Every module specifier a file imports or re-exports, static or dynamic. */
function importedSpecifiers(text: string): string[] {
  const specifiers = text.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g);
  return [...new Set([...specifiers].map(([, specifier]) => specifier ?? ''))];
}

/** A specifier naming a module in src/providers/, from inside that folder or from beside it. */
function namesProviderModule(specifier: string, fromProvidersDirectory: boolean): boolean {
  if (fromProvidersDirectory) return /^\.\/[^/]+$/.test(specifier);
  return /(?:^|\/)providers\/[^/]+$/.test(specifier) && specifier.startsWith('.');
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(path);
    return /\.[cm]?[jt]s$/.test(entry.name) ? [path] : [];
  });
}

describe('provider module layout', () => {
  it('finds the provider modules', () => {
    expect(providerModules).toContain('generic.ts');
    expect(providerModules.length).toBeGreaterThan(30);
  });

  it(`keeps every provider module at ${MAX_PROVIDER_LINES} lines or fewer`, () => {
    const tooLong = providerModules.flatMap((file) => {
      const lines = lineCount(readFileSync(join(providersDirectory, file), 'utf8'));
      return lines > MAX_PROVIDER_LINES ? [`${file}: ${lines} lines`] : [];
    });
    expect(tooLong, 'move what the provider leans on into a module beside it (src/<type>/)').toEqual([]);
  });

  it('has no provider module importing another provider module', () => {
    const crossings = providerModules.flatMap((file) =>
      importedSpecifiers(readFileSync(join(providersDirectory, file), 'utf8'))
        .filter((specifier) => namesProviderModule(specifier, true))
        .map((specifier) => `${file} imports ${specifier}`),
    );
    expect(crossings, 'move the shared part into formatting/, git/ or src/<type>/').toEqual([]);
  });

  it('has no helper module importing a provider module (only the registry does)', () => {
    const helpers = filesUnder(sourceDirectory).filter(
      (path) => !path.startsWith(providersDirectory) && !path.endsWith('builtin-providers.ts'),
    );
    const crossings = helpers.flatMap((path) =>
      importedSpecifiers(readFileSync(path, 'utf8'))
        .filter((specifier) => namesProviderModule(specifier, false))
        .map((specifier) => `${relative(root, path)} imports ${specifier}`),
    );
    expect(crossings).toEqual([]);
  });

  it('recognises an import of another provider module, and not of a helper', () => {
    const providerImports = (text: string, fromProviders: boolean) =>
      importedSpecifiers(text).filter((specifier) => namesProviderModule(specifier, fromProviders));
    expect(providerImports("import { buildSlackPayload } from './slack.js';", true)).toEqual(['./slack.js']);
    expect(providerImports("export { encodeGenericRequest } from './generic.js';", true)).toEqual([
      './generic.js',
    ]);
    expect(providerImports("const slack = await import('./slack.js');", true)).toEqual(['./slack.js']);
    expect(providerImports("import { slackProvider } from '../providers/slack.js';", false)).toEqual([
      '../providers/slack.js',
    ]);
    expect(
      providerImports("import { buildSlackPayload } from '../formatting/slack-payload.js';", true),
    ).toEqual([]);
    expect(providerImports("import { parseNatsServers } from '../nats/servers.js';", true)).toEqual([]);
    expect(providerImports("import { z } from 'zod';", true)).toEqual([]);
  });
});

describe('tests and bench', () => {
  it('has no test importing from bench/ (sample specs live in test/support/)', () => {
    const testFiles = filesUnder(join(root, 'test'));
    expect(testFiles.map((path) => relative(root, path))).toContain(
      join('test', 'support', 'sample-specs.mjs'),
    );
    const fromBench = testFiles.flatMap((path) =>
      importedSpecifiers(readFileSync(path, 'utf8'))
        .filter((specifier) => /(?:^|\/)bench\//.test(specifier))
        .map((specifier) => `${relative(root, path)} imports ${specifier}`),
    );
    expect(fromBench).toEqual([]);
  });
});
