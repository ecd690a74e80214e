// After `pnpm build`: every export of every package loads as ESM and as CommonJS, and the
// type declarations it names exist. Catches a broken exports map before users do.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

checkNothingHeavyAtLoad();
checkDeclarationsForNode10();

/**
 * createNotifier of every type, from the CommonJS build in a fresh process, loads no SDK, no
 * undici and no zod (only `@notiflux/core/schemas` loads zod): they cost most of a cold start.
 */
function checkNothingHeavyAtLoad() {
  const output = execFileSync(process.execPath, [join('bench', 'loaded-modules.cjs')], { encoding: 'utf8' });
  const { loaded } = JSON.parse(output);
  if (loaded.length > 0)
    report(`creating every notifier loaded ${loaded.length} files: ${loaded.slice(0, 3).join(', ')}`);
}

/**
 * The built declarations of core and providers compile for the oldest setup users still have:
 * CommonJS, `moduleResolution: node10`, no `esModuleInterop`, every .d.ts checked.
 */
function checkDeclarationsForNode10() {
  const directory = mkdtempSync(join(process.cwd(), '.declarations-check-'));
  try {
    writeFileSync(
      join(directory, 'consumer.ts'),
      [
        "import { createNotifier, type ProviderSpecFor } from '@notiflux/providers';",
        "import { parseEvent, type ProviderSpec } from '@notiflux/core';",
        "const slack: ProviderSpecFor<'slack'> = { type: 'slack', address: 'https://hooks.slack.com/x' };",
        'export const notifier = createNotifier(slack);',
        'export const check = (spec: ProviderSpec) => [spec, parseEvent];',
        '',
      ].join('\n'),
    );
    const compilerOptions = {
      module: 'commonjs',
      moduleResolution: 'node10',
      target: 'ES2022',
      lib: ['ES2023'],
      strict: true,
      esModuleInterop: false,
      skipLibCheck: false,
      noEmit: true,
      types: ['node'],
    };
    writeFileSync(
      join(directory, 'tsconfig.json'),
      JSON.stringify({ compilerOptions, files: ['consumer.ts'] }),
    );
    execFileSync(join('node_modules', '.bin', 'tsc'), ['-p', directory], { stdio: 'pipe' });
  } catch (error) {
    const output = `${error.stdout ?? ''}`.trim().split('\n');
    report(
      `the declarations do not compile for a node10 CommonJS consumer:\n  ${output.slice(0, 10).join('\n  ')}`,
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function report(message) {
  problems++;
  console.error(`check-packages: ${message}`);
}

if (problems > 0) process.exit(1);
console.log(`check-packages: ${packages.length} packages load as ESM and CommonJS`);
