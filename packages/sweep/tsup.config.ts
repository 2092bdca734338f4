import { defineConfig } from 'tsup';

export default defineConfig({
  // Worker entry points are loaded by path (piscina threads, BullMQ sandboxes), so each is its own file.
  entry: ['src/index.ts', 'src/local-pool-worker.ts', 'src/bull-processor.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
});
