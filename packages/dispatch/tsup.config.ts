import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', bullmq: 'src/bullmq/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  splitting: true,
  // The SDKs stay outside the bundle: bullmq and ioredis are optional peers.
  external: ['bullmq', 'ioredis'],
});
