import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources, so `pnpm test` needs no build first.
    alias: [
      { find: /^@notiflux\/core$/, replacement: source('./packages/core/src/index.ts') },
      { find: /^@notiflux\/core\/schemas$/, replacement: source('./packages/core/src/schemas.ts') },
      { find: /^@notiflux\/hmac$/, replacement: source('./packages/hmac/src/index.ts') },
      { find: /^@notiflux\/providers$/, replacement: source('./packages/providers/src/index.ts') },
      { find: /^@notiflux\/dispatch$/, replacement: source('./packages/dispatch/src/index.ts') },
      {
        find: /^@notiflux\/dispatch\/bullmq$/,
        replacement: source('./packages/dispatch/src/bullmq/index.ts'),
      },
      { find: /^notiflux$/, replacement: source('./packages/cli/src/index.ts') },
      {
        find: /^@notiflux\/providers\/(.+)$/,
        replacement: source('./packages/providers/src/providers/$1.ts'),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
  },
});
