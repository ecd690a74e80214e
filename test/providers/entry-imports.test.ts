import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// createNotifier must load no schema library: the runtime import graph of the package entries
// (static imports that are not `import type`; `import()` runs later, on first use) reaches no
// `zod`. scripts/check-packages.mjs checks the same on the built CommonJS package.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const workspaceEntries: Record<string, string> = {
  '@notiflux/core': 'packages/core/src/index.ts',
  '@notiflux/hmac': 'packages/hmac/src/index.ts',
};
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\s)(?:[^;'"]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;

/** The source files an entry loads at import time, and the packages they import. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [join(root, entry)];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const [, specifier = ''] of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      const workspace = workspaceEntries[specifier];
      if (workspace) pending.push(join(root, workspace));
      else if (specifier.startsWith('.'))
        pending.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!specifier.startsWith('node:'))
        packages.add(
          specifier
            .split('/')
            .slice(0, specifier.startsWith('@') ? 2 : 1)
            .join('/'),
        );
    }
  }
  return { files, packages };
}

describe('what importing the package entries loads', () => {
  it('@notiflux/providers (every provider module) loads no zod', () => {
    const { files, packages } = importGraph('packages/providers/src/index.ts');
    const providerModules = [...files].filter((file) => file.includes('/providers/src/providers/'));
    expect(providerModules.length).toBeGreaterThanOrEqual(34);
    expect(files).toContain(join(root, 'packages/core/src/spec-field.ts'));
    expect([...packages]).not.toContain('zod');
  });

  it('@notiflux/core loads no zod; @notiflux/core/schemas does', () => {
    expect([...importGraph('packages/core/src/index.ts').packages]).not.toContain('zod');
    expect([...importGraph('packages/core/src/schemas.ts').packages]).toContain('zod');
  });
});
