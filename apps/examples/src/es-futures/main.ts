// The ES example as a user's own script: a data source, `backtest()` from @lb/backtest and `writeResults`
// from @lb/report, composed here without the CLI. `lb backtest` does the same for strategy files.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { backtest } from '@lb/backtest';
import { continuousFuture } from '@lb/core';
import { fromBacktestResult, writeResults } from '@lb/report';
import { EsSmaCrossover } from './es-sma-crossover.js';
import { ExampleUsageError } from './example-usage-error.js';
import { openDataSource } from './open-data-source.js';

const sampleDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data');
const SAMPLE_DESCRIPTION = 'bundled SYNTHETIC sample (seeded random walk, not real market data)';
const TITLE = 'ES futures: 20/50 SMA crossover on 1-minute bars';

/** Window of the bundled sample: ES contracts around the December 2023 roll. */
const SAMPLE_START = '2023-12-01T00:00:00Z';
const SAMPLE_END = '2024-01-31T00:00:00Z';

/** Databento estimates above this many USD need `--yes` (`LB_CONFIRM_ABOVE_USD` overrides it). */
const DEFAULT_CONFIRM_ABOVE_USD = 1;

async function main(argv: readonly string[]): Promise<void> {
  const start = process.env.LB_EXAMPLE_START ?? SAMPLE_START;
  const end = process.env.LB_EXAMPLE_END ?? SAMPLE_END;
  const opened = await openDataSource({
    environment: process.env,
    sampleDirectory,
    sampleDescription: SAMPLE_DESCRIPTION,
    requirement: { asset: continuousFuture('ES'), timestep: '1m' },
    start,
    end,
  });
  process.stdout.write(`Data: ${opened.description}\n`);

  // Price before downloading: a paid source gets a quote, and a large one needs --yes.
  if (opened.estimateCost !== undefined) {
    const estimate = await opened.estimateCost();
    process.stdout.write(
      `Estimated Databento cost: $${estimate.totalCostUsd.toFixed(4)} at most (days already cached are not downloaded again)\n`,
    );
    const thresholdUsd = Number(process.env.LB_CONFIRM_ABOVE_USD || DEFAULT_CONFIRM_ABOVE_USD);
    if (estimate.totalCostUsd > thresholdUsd && !argv.includes('--yes')) {
      throw new ExampleUsageError(
        `The estimated cost $${estimate.totalCostUsd.toFixed(2)} exceeds $${thresholdUsd.toFixed(2)}: rerun with --yes to download.`,
      );
    }
    estimate.approve();
  }

  // On a terminal, a percentage on one line that the summary then overwrites.
  const terminal = process.stdout.isTTY === true;
  const result = await backtest({
    strategy: new EsSmaCrossover(),
    dataSource: opened.source,
    start,
    end,
    budget: 100_000,
    fees: { flatFee: 0.5 },
    ...(terminal
      ? {
          onProgress: (done: number, total: number) =>
            process.stdout.write(`\rBacktest: ${Math.floor((done / Math.max(total, 1)) * 100)}%`),
        }
      : {}),
  });
  if (terminal) process.stdout.write('\r\u001b[K');
  const files = await writeResults({
    // pnpm runs the script inside apps/examples; INIT_CWD is where the user typed `pnpm example`.
    outDir: process.env.LB_RESULTS_DIR ?? path.resolve(process.env.INIT_CWD ?? process.cwd(), 'results'),
    title: TITLE,
    record: fromBacktestResult(result, { dataDescription: opened.dataDescription }),
  });

  const { stats } = result;
  const money = (value: number) => value.toLocaleString('en-US', { style: 'currency', currency: 'USD' });
  const percent = (value: number) => `${(value * 100).toFixed(2)}%`;
  process.stdout.write(
    [
      `Period:        ${result.start} to ${result.end} (${result.iterations} iterations)`,
      `Fills:         ${files.metrics.fills}`,
      `Round trips:   ${files.metrics.roundTrips}`,
      `Return:        ${percent(stats.totalReturn)} (${money(stats.startingValue)} -> ${money(stats.endingValue)})`,
      `Max drawdown:  ${percent(stats.maxDrawdown)}${stats.maxDrawdownAt === null ? '' : ` at ${stats.maxDrawdownAt}`}`,
      `Fees:          ${money(stats.feesPaid)}`,
      `Results:       ${files.directory} (trades.csv, round_trips.csv, equity.csv, stats.json, tearsheet.html)`,
      '',
    ].join('\n'),
  );
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  // One line instead of a stack trace; 2 when the user has something to change, 1 when the run failed.
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = ExampleUsageError.isInstance(error) ? 2 : 1;
}
