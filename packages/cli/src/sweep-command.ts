import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { resolveConfirmAboveUsd } from './cost-confirmation.js';
import { loadDatabento, loadOptionalPackage } from './optional-package.js';
import { createProgressReporter } from './progress-reporter.js';
import { chooseDataSource } from './run-backtest-job.js';
import { quoteSweepCost } from './sweep-cost.js';
import { createCliDataSource } from './sweep-data-source.js';
import { UsageError } from './usage-error.js';

/** `@lb/sweep`, or a clear error naming it. */
export function loadSweep(): Promise<typeof import('@lb/sweep')> {
  return loadOptionalPackage('@lb/sweep', 'Sweep');
}

const METRICS = ['total_return', 'sharpe', 'max_drawdown', 'trades', 'fees'] as const;

async function readGrid(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the grid ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(
      `${file} is not JSON: write {"fast": [10, 20], "slow": [50, 100]} or [{"fast": 10, "slow": 50}].`,
    );
  }
}

function positiveInteger(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value))
    throw new UsageError(`${option} must be a whole number >= 1, got "${value}"`);
  return Number(value);
}

/**
 * Registers `lb sweep <strategy-module> --grid <grid.json> --start --end [--data-source] [--data-dir]
 * [--workers N] [--redis URL] [--out DIR] [--sort METRIC] [--yes] [--confirm-above-usd USD]`.
 */
export function registerSweepCommand(program: Command, io: CliIo): void {
  program
    .command('sweep')
    .description('Backtest a strategy module once per parameter set, on every core or on BullMQ workers')
    .argument('<strategy-module>', 'path to a .ts or .js module (default export: a Strategy subclass)')
    .requiredOption(
      '--grid <grid.json>',
      'parameter name -> list of values (cartesian product), or a list of sets',
    )
    .requiredOption('--start <instant>', 'first instant, ISO-8601 (zone-less means UTC)')
    .requiredOption('--end <instant>', 'end instant (exclusive), ISO-8601')
    .option(
      '--data-source <name>',
      "databento, dbn-files or an installed lb-source-* package's source (as for lb backtest)",
    )
    .option(
      '--data-dir <dir>',
      'folder of .dbn/.dbn.zst files for the dbn-files source (default: LB_DATA_DIR)',
    )
    .option('--workers <n>', 'worker threads of the local pool (default: one per core)')
    .option('--redis <url>', 'run on BullMQ workers (lb worker) through this Redis: redis:// or rediss://')
    .option('--out <dir>', 'results folder; each sweep writes into <dir>/<run-id>/', 'results')
    .option('--sort <metric>', `metric the HTML page sorts by: ${METRICS.join(', ')}`, 'sharpe')
    .option('--yes', 'confirm a Databento download above the cost threshold')
    .option(
      '--confirm-above-usd <usd>',
      'estimates above this need --yes (default: LB_CONFIRM_ABOVE_USD, else 1)',
    )
    .action(async (moduleFile: string, options: Record<string, string | boolean | undefined>) => {
      const sort = options.sort as string;
      if (!(METRICS as readonly string[]).includes(sort)) {
        throw new UsageError(`--sort must be one of ${METRICS.join(', ')}, got "${sort}"`);
      }
      const workers = positiveInteger(options.workers as string | undefined, '--workers');
      const redisUrl = options.redis as string | undefined;
      if (redisUrl !== undefined && workers !== undefined) {
        throw new UsageError(
          '--workers applies to the local pool; with --redis start lb worker --concurrency N.',
        );
      }
      const grid = await readGrid(options.grid as string);
      const sweep = await loadSweep();
      try {
        // Checked before any data is touched: a typo in the grid should cost nothing.
        sweep.expandParameterGrid(grid);
      } catch (error) {
        if (sweep.InvalidSweepError.isInstance(error)) throw new UsageError(error.message);
        throw error;
      }
      const start = options.start as string;
      const end = options.end as string;
      const thresholdUsd = resolveConfirmAboveUsd(options.confirmAboveUsd as string | undefined);
      const yes = options.yes === true;
      let dataSource: import('@lb/core').DataSourceV1 | undefined;
      if (redisUrl === undefined) {
        const created = await createCliDataSource({
          dataSource: options.dataSource as string | undefined,
          dataDirectory: (options.dataDir as string | undefined) ?? (process.env.LB_DATA_DIR || undefined),
          io,
        });
        dataSource = created.source;
        if (created.client !== undefined) {
          await quoteSweepCost({
            moduleFile,
            start,
            end,
            client: created.client,
            // Days the cache already holds are not priced.
            ...('planDownloads' in created.source
              ? { cache: created.source as import('@lb/databento').DatabentoDownloadPlanner }
              : {}),
            thresholdUsd,
            yes,
            io,
          });
        }
      } else {
        io.stdout('Data: loaded by the BullMQ workers from their own sources (each partition once)\n');
        // The workers download on this account's behalf: price it here, before anything is queued.
        if (chooseDataSource(options.dataSource as string | undefined, process.env) === 'databento') {
          const databento = await loadDatabento();
          await quoteSweepCost({
            moduleFile,
            start,
            end,
            client: databento.createDatabento({}),
            thresholdUsd,
            yes,
            io,
          });
        }
      }
      const runner =
        redisUrl === undefined
          ? new sweep.LocalPoolRunner(workers === undefined ? {} : { workers })
          : new sweep.BullRunner({ redisUrl });
      io.stdout(`Runner: ${runner.name}\n`);
      const progress = createProgressReporter(process.stderr, {
        task: 'sweep',
        unit: 'parameter sets',
        showCount: true,
      });
      let report: import('@lb/sweep').SweepReport;
      try {
        report = await sweep.runSweep({
          strategy: moduleFile,
          parameters: grid as import('@lb/sweep').ParameterGrid,
          start,
          end,
          ...(dataSource === undefined ? {} : { dataSource }),
          runner,
          outDirectory: options.out as string,
          sortBy: sort as import('@lb/sweep').SweepMetric,
          onProgress: (done, total) => progress.update(done, total),
        });
      } catch (error) {
        if (sweep.InvalidSweepError.isInstance(error)) throw new UsageError(error.message);
        throw error;
      } finally {
        progress.stop();
      }
      io.stdout(
        `Parameter sets: ${report.results.length}\nResults:        ${report.files!.directory} (sweep.csv, sweep.html, sets/<index>/stats.json)\n`,
      );
    });
}
