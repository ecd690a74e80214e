import { readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One entry per provider module, so each type has its own subpath (`@notiflux/providers/slack`).
const providerEntries = Object.fromEntries(
  readdirSync('src/providers')
    .filter((file) => file.endsWith('.ts'))
    .map((file) => [file.slice(0, -'.ts'.length), `src/providers/${file}`]),
);

export default defineConfig({
  entry: { index: 'src/index.ts', ...providerEntries },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  splitting: true,
});
