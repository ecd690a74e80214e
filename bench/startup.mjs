// Section 3: cold start in fresh processes, and which modules creating notifiers loads.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { summarize } from './measure.mjs';

const run = promisify(execFile);

/** Runs a bench/ script in a fresh node process and parses the JSON line it prints. */
async function runChild(script) {
  const path = fileURLToPath(new URL(script, import.meta.url));
  try {
    const { stdout } = await run(process.execPath, [path]);
    return JSON.parse(stdout);
  } catch (error) {
    const detail = error.stderr?.trim() || error.message;
    throw new Error(`node bench/${script} failed:\n${detail}`);
  }
}

/** `runs` cold starts of notiflux and of a bare undici import, alternated. */
export async function benchColdStart({ runs }) {
  const notiflux = [];
  const undici = [];
  let types = [];
  for (let run = 0; run < runs; run++) {
    const result = await runChild('cold-start.mjs');
    notiflux.push(result.ms);
    types = result.types;
    undici.push((await runChild('cold-import-undici.mjs')).ms);
  }
  return { types, notiflux: summarize(notiflux), undici: summarize(undici) };
}

// Files of one package share the path up to the package's directory: group them by it.
const packageRoot = /^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/;

/** The undici or SDK packages the CommonJS build loads up to createNotifier, with a file count. */
export async function checkLoadedModules() {
  const { types, loaded } = await runChild('loaded-modules.cjs');
  const byPackage = new Map();
  for (const path of loaded) {
    const root = packageRoot.exec(path)?.[1] ?? path;
    byPackage.set(root, (byPackage.get(root) ?? 0) + 1);
  }
  return { types, packages: [...byPackage].map(([root, files]) => ({ root, files })) };
}
