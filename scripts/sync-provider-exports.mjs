// Writes packages/providers/package.json `exports` so that it is exactly the registry: the package
// entry, one subpath per module in src/providers (`@notiflux/providers/<type>`) and package.json.
// The providers build runs it first, and the registry test requires the written map to equal
// `providerExports(...)` of the current modules, so a missing or a stale entry fails.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../packages/providers/', import.meta.url);
const manifestUrl = new URL('package.json', root);

const entry = (name) => ({
  import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
  require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
});

/** The provider module names in src/providers, sorted. */
export function providerModuleNames() {
  return readdirSync(new URL('src/providers/', root))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.slice(0, -'.ts'.length))
    .sort();
}

/** The `exports` map for these provider modules. */
export function providerExports(names) {
  return {
    '.': entry('index'),
    ...Object.fromEntries(names.map((name) => [`./${name}`, entry(name)])),
    './package.json': './package.json',
  };
}

function syncProviderExports() {
  const text = readFileSync(manifestUrl, 'utf8');
  const manifest = JSON.parse(text);
  manifest.exports = providerExports(providerModuleNames());
  const written = `${JSON.stringify(manifest, null, 2)}\n`;
  // Left untouched when already exact, so a build does not rewrite a tracked file for nothing.
  if (written === text) return;
  writeFileSync(manifestUrl, written);
  console.log('packages/providers/package.json: exports rewritten from src/providers');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) syncProviderExports();
