import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const cliBin = `${root}packages/cli/dist/bin.js`;

function newestSourceMs(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = `${directory}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

let checked = false;

/**
 * The CLI tests run the built command, as users do. A missing or stale build would test old
 * code, so it stops the test with the command to run (CI builds before testing).
 */
export function assertCliBuilt(): void {
  if (checked) return;
  for (const pkg of ['core', 'hmac', 'providers', 'dispatch', 'cli']) {
    let built: number;
    try {
      built = statSync(`${root}packages/${pkg}/dist/index.js`).mtimeMs;
    } catch {
      throw new Error(`packages/${pkg} is not built: run \`pnpm build\` before the CLI tests`);
    }
    if (newestSourceMs(`${root}packages/${pkg}/src`) > built) {
      throw new Error(
        `packages/${pkg}/dist is older than its sources: run \`pnpm build\` before the CLI tests`,
      );
    }
  }
  checked = true;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** Written to the child's stdin, then closed; without it stdin is closed at once (not a TTY). */
  stdin?: string | Buffer;
  /** Added to a minimal environment (PATH only), so nothing of the test runner's leaks in. */
  env?: Record<string, string>;
  cwd?: string;
}

/** Spawns `node packages/cli/dist/bin.js ...args`. */
export function spawnCli(args: readonly string[], options: CliRunOptions = {}): ChildProcess {
  assertCliBuilt();
  const child = spawn(process.execPath, [cliBin, ...args], {
    cwd: options.cwd ?? root,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin?.end(options.stdin ?? '');
  return child;
}

/** Collects a child's output until it exits. */
export function completion(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs the command to its end. */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliResult> {
  return completion(spawnCli(args, options));
}
