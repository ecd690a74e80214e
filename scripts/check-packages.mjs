// After `pnpm build`: every export of every package loads as ESM and as CommonJS, and the
// type declarations it names exist. Catches a broken exports map before users do.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const packages = ['core', 'hmac', 'providers', 'dispatch', 'cli'];
let problems = 0;

for (const name of packages) {
  const root = join('packages', name);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const require = createRequire(join(process.cwd(), root, 'package.json'));
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target === 'string') continue;
    for (const [condition, files] of Object.entries(target)) {
      for (const file of Object.values(files)) {
        if (!existsSync(join(root, file)))
          report(`${manifest.name} ${subpath} (${condition}): ${file} is missing`);
      }
      const entry = join(process.cwd(), root, files.default);
      try {
        const loaded = condition === 'import' ? await import(pathToFileURL(entry).href) : require(entry);
        if (Object.keys(loaded).length === 0)
          report(`${manifest.name} ${subpath} (${condition}) exports nothing`);
      } catch (error) {
        report(`${manifest.name} ${subpath} (${condition}) does not load: ${error.message}`);
      }
    }
  }
  if (!manifest.engines?.node) report(`${manifest.name} declares no engines.node`);
  if (manifest.sideEffects !== false) report(`${manifest.name} should declare sideEffects: false`);
}

function report(message) {
  problems++;
  console.error(`check-packages: ${message}`);
}

if (problems > 0) process.exit(1);
console.log(`check-packages: ${packages.length} packages load as ESM and CommonJS`);
