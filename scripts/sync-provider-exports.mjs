// Rewrites packages/providers/package.json `exports` so every module in src/providers has its
// own subpath (`@notiflux/providers/<type>`). Run after adding a provider; a test checks it.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const root = new URL('../packages/providers/', import.meta.url);
const manifestUrl = new URL('package.json', root);
const manifest = JSON.parse(readFileSync(manifestUrl, 'utf8'));

const entry = (name) => ({
  import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
  require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
});

const providers = readdirSync(new URL('src/providers/', root))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -'.ts'.length))
  .sort();

manifest.exports = {
  '.': entry('index'),
  ...Object.fromEntries(providers.map((name) => [`./${name}`, entry(name)])),
  './package.json': './package.json',
};
writeFileSync(manifestUrl, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`packages/providers exports: ${providers.join(', ')}`);
