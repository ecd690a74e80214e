import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The typed specs are part of the API: tsc over test/types/*.ts, whose `@ts-expect-error` lines
// must each be an error and whose other lines must compile.

const directory = dirname(fileURLToPath(import.meta.url));
const tsc = join(directory, '../../node_modules/typescript/bin/tsc');

describe('typed provider specs', () => {
  it('compile where expected and fail where expected (test/types/provider-specs.ts)', async () => {
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', directory, '--noEmit'], {
      timeout: 120_000,
    }).then(
      ({ stdout }) => ({ ok: true, output: stdout }),
      (error: { stdout?: string }) => ({ ok: false, output: error.stdout ?? String(error) }),
    );
    expect(result.output.trim()).toBe('');
    expect(result.ok).toBe(true);
  }, 120_000);
});
