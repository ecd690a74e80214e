// bullmq and ioredis are optional peers: the main entry never loads them, the subpath only on
// first use. Checked on the bundles of both entries, built as an application would get them.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { NotifierError } from '@notiflux/providers';
import { describe, expect, it } from 'vitest';
import { importPeer } from '../../packages/dispatch/src/bullmq/optional-peers.js';
import { bundleFixture } from '../support/bundle-fixture.js';

const importsOf = (code: string, name: string) => ({
  static: new RegExp(`(from|import)\\s*["']${name}["']`).test(code),
  dynamic: new RegExp(`import\\(["']${name}["']\\)`).test(code),
});

describe('loading bullmq and ioredis', () => {
  it('the main entry of @notiflux/dispatch imports neither', async () => {
    const code = await readFile(
      await bundleFixture(fileURLToPath(new URL('./fixtures/main-entry.ts', import.meta.url))),
      'utf8',
    );
    expect(importsOf(code, 'bullmq')).toEqual({ static: false, dynamic: false });
    expect(importsOf(code, 'ioredis')).toEqual({ static: false, dynamic: false });
  });

  it('@notiflux/dispatch/bullmq imports them only dynamically, on first use', async () => {
    const code = await readFile(
      await bundleFixture(fileURLToPath(new URL('./fixtures/bullmq-entry.ts', import.meta.url))),
      'utf8',
    );
    expect(importsOf(code, 'bullmq')).toEqual({ static: false, dynamic: true });
    expect(importsOf(code, 'ioredis')).toEqual({ static: false, dynamic: true });
  });

  it('a missing package is a MISSING_DEPENDENCY error saying what to install', async () => {
    const missing = Object.assign(new Error("Cannot find package 'bullmq' imported from /app/x.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = await importPeer('bullmq', () => Promise.reject(missing)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(NotifierError);
    expect(error).toMatchObject({ code: 'MISSING_DEPENDENCY' });
    expect((error as Error).message).toContain('npm install bullmq ioredis');
    // Any other failure is passed on as it is.
    const broken = new Error('bullmq failed to initialise');
    await expect(importPeer('bullmq', () => Promise.reject(broken))).rejects.toBe(broken);
  });
});
