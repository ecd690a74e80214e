import { readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One entry per provider module, so each type has its own subpath (`@notiflux/providers/slack`).
const providerEntries = Object.fromEntries(
  readdirSync('src/providers')
    .filter((file) => file.endsWith('.ts'))
    .map((file) => [file.slice(0, -'.ts'.length), `src/providers/${file}`]),
);

// The build script empties dist first: the two builds run side by side, so neither may clean it.
// `shims` gives the CommonJS build an `import.meta.url` (for `createRequire`).
const common = { format: ['esm', 'cjs'], dts: true, sourcemap: true, target: 'node20', shims: true } as const;

export default defineConfig([
  // The package entry is one file: loading ~30 ESM chunks costs more start-up time than the
  // few kilobytes it repeats from the subpath builds.
  { ...common, entry: { index: 'src/index.ts' }, splitting: false },
  { ...common, entry: providerEntries, splitting: true },
]);
