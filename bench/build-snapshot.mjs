// Keeps the current build of core, providers and dispatch under a name, so that a later build can
// be measured against it side by side in one run (`BENCH_CONTENDERS=notiflux,notiflux@before
// node bench/event-server.mjs`): on a machine whose speed drifts by a factor of two within
// minutes, two builds measured minutes apart cannot be compared, and two measured in alternating
// slices can (docs/design/performance.md, "Ninth round").
// Each package's dist is copied to packages/<package>/dist-<name>/ (beside it, so the copy finds
// the same dependencies), and the copies import each other rather than the current build.
// Run after `pnpm build`: node bench/build-snapshot.mjs before
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const name = process.argv[2];
if (!name || !/^[a-z0-9-]+$/.test(name)) {
  console.error('usage: node bench/build-snapshot.mjs <name> (lower-case letters, digits and dashes)');
  process.exit(2);
}

const packages = fileURLToPath(new URL('../packages/', import.meta.url));
const rewired = {
  '@notiflux/core': `../../core/dist-${name}/index.js`,
  '@notiflux/providers': `../../providers/dist-${name}/index.js`,
};

for (const pkg of ['core', 'providers', 'dispatch']) {
  const target = `${packages}${pkg}/dist-${name}`;
  rmSync(target, { recursive: true, force: true });
  cpSync(`${packages}${pkg}/dist`, target, { recursive: true });
  for (const file of readdirSync(target).filter((entry) => entry.endsWith('.js'))) {
    const path = `${target}/${file}`;
    let text = readFileSync(path, 'utf8');
    for (const [from, to] of Object.entries(rewired))
      text = text.replaceAll(`from "${from}"`, `from "${to}"`);
    writeFileSync(path, text);
  }
}
console.log(`kept the current build as "${name}": packages/{core,providers,dispatch}/dist-${name}/`);
