import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  // import.meta.url (the version lookup) in the CommonJS build too.
  shims: true,
  target: 'node20',
  splitting: true,
  external: ['bullmq', 'ioredis'],
});
