import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBacktestJob, runMain } from '@lb/cli';
import { continuousFuture } from '@lb/core';
import { EsSmaCrossover } from './es-sma-crossover.js';

const sampleDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data');

/** Window of the bundled sample: ES contracts around the December 2023 roll. */
const SAMPLE_START = '2023-12-01T00:00:00Z';
const SAMPLE_END = '2024-01-31T00:00:00Z';

await runMain(async (io, argv) => {
  const yes = argv.includes('--yes');
  await runBacktestJob({
    strategy: new EsSmaCrossover(),
    title: 'ES futures: 20/50 SMA crossover on 1-minute bars',
    start: process.env.LB_EXAMPLE_START ?? SAMPLE_START,
    end: process.env.LB_EXAMPLE_END ?? SAMPLE_END,
    dataDirectory: sampleDirectory,
    dataDescription: 'bundled SYNTHETIC sample (seeded random walk, not real market data)',
    // pnpm runs the script inside apps/examples; INIT_CWD is where the user typed `pnpm example`.
    outDirectory:
      process.env.LB_RESULTS_DIR ?? path.resolve(process.env.INIT_CWD ?? process.cwd(), 'results'),
    requirements: [{ asset: continuousFuture('ES'), timestep: '1m' }],
    backtestOptions: { budget: 100_000, fees: { flatFee: 0.5 } },
    yes,
    io,
  });
});
