import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The part of esbuild's API used here (esbuild's own types are not reachable from the root). */
interface ResolveArgs {
  path: string;
}
interface Esbuild {
  build(options: {
    entryPoints: string[];
    outfile: string;
    bundle: boolean;
    platform: 'node';
    format: 'esm';
    target: string;
    logLevel: 'error';
    banner: { js: string };
    plugins: {
      name: string;
      setup(build: {
        onResolve(
          options: { filter: RegExp },
          callback: (args: ResolveArgs) => { path: string; external?: boolean } | undefined,
        ): void;
      }): void;
    }[];
  }): Promise<unknown>;
}

const root = fileURLToPath(new URL('../..', import.meta.url));
// esbuild comes with tsup (a dev dependency): borrowing it saves a dependency of its own.
const esbuild = createRequire(createRequire(import.meta.url).resolve('tsup'))('esbuild') as Esbuild;

/** The workspace packages, from their TypeScript sources, as vitest's aliases map them. */
const sources: [RegExp, (match: RegExpExecArray) => string][] = [
  [/^@notiflux\/dispatch\/bullmq$/, () => 'packages/dispatch/src/bullmq/index.ts'],
  [/^@notiflux\/providers\/(.+)$/, (match) => `packages/providers/src/providers/${match[1]}.ts`],
  [/^@notiflux\/(core|hmac|providers|dispatch)$/, (match) => `packages/${match[1]}/src/index.ts`],
];

/** Whether a package is installed at the workspace root, where the bundle runs. */
function installedAtRoot(specifier: string): boolean {
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return existsSync(join(root, 'node_modules', name, 'package.json'));
}

/**
 * Bundles a TypeScript fixture (a script a test runs as a child process) into one ES module that
 * plain `node` runs, the workspace packages taken from their sources. Packages installed at the
 * workspace root (the SDKs, bullmq, ioredis) stay outside and load from there as they would in an
 * application; the others (dependencies of one workspace package) are bundled.
 */
export async function bundleFixture(entry: string): Promise<string> {
  const outDir = join(root, 'node_modules', '.cache', 'notiflux-fixtures');
  await mkdir(outDir, { recursive: true });
  const outfile = join(outDir, `${basename(entry, '.ts')}.mjs`);
  // Built aside, then renamed: test files bundling at once never run a half-written file.
  const building = `${outfile}.${process.pid}.tmp`;
  await esbuild.build({
    entryPoints: [entry],
    outfile: building,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    // Bundled CommonJS modules call require(): give the ES module one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    plugins: [
      {
        name: 'workspace-sources',
        setup(build) {
          build.onResolve({ filter: /^@notiflux\// }, (args) => {
            for (const [pattern, target] of sources) {
              const match = pattern.exec(args.path);
              if (match) return { path: join(root, target(match)) };
            }
            return undefined;
          });
          build.onResolve({ filter: /^[^./]/ }, (args) => {
            if (args.path.startsWith('node:') || args.path.startsWith('@notiflux/')) return undefined;
            return installedAtRoot(args.path) ? { path: args.path, external: true } : undefined;
          });
        },
      },
    ],
  });
  await rename(building, outfile);
  return outfile;
}
