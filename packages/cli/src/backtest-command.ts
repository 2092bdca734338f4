import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BacktestOptions, Strategy } from '@lb/backtest';
import type { Command } from 'commander';
import { parseRangeArguments } from './cli-arguments.js';
import type { CliIo } from './cli-io.js';
import { resolveConfirmAboveUsd } from './cost-confirmation.js';
import { requireFile, showPath } from './path-arguments.js';
import { type DataRequirement, runBacktestJob } from './run-backtest-job.js';
import { findInstalledSource } from './source-discovery.js';
import { UsageError } from './usage-error.js';

/**
 * What `lb backtest` expects from a strategy module: a default export that is a `Strategy` subclass (or
 * an instance), and optionally `requirements` (data it reads, for the Databento cost estimate) and
 * `backtestOptions` (budget, fees...).
 */
export interface StrategyModule {
  default: (new () => Strategy<object>) | Strategy<object>;
  requirements?: readonly DataRequirement[];
  backtestOptions?: Omit<BacktestOptions, 'strategy' | 'dataSource' | 'start' | 'end'>;
}

/**
 * Loads a strategy module; TypeScript files go through tsx so users need no build step.
 * @throws UsageError when the path is not a file; an Error naming the module when it fails to load.
 */
export async function loadStrategyModule(file: string): Promise<StrategyModule> {
  await requireFile(file, 'strategy module');
  const absolute = path.resolve(file);
  const url = pathToFileURL(absolute).href;
  let loaded: Partial<StrategyModule>;
  try {
    loaded = (
      /\.[cm]?tsx?$/.test(absolute)
        ? await (await import('tsx/esm/api')).tsImport(url, import.meta.url)
        : await import(url)
    ) as Partial<StrategyModule>;
  } catch (error) {
    // The module exists but throws or imports something missing: name it, keep the loader's first line
    // (a compiler error spans several), and leave the rest in `cause`.
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
    throw new Error(`strategy module ${showPath(file)} failed to load: ${reason}`, { cause: error });
  }
  if (loaded.default === undefined) {
    throw new UsageError(`${file} has no default export: export default your Strategy subclass.`);
  }
  return loaded as StrategyModule;
}

/** Registers `lb backtest <strategy-module> --start --end [--data-source] [--data-dir] [--out] [--yes]`. */
export function registerBacktestCommand(program: Command, io: CliIo): void {
  program
    .command('backtest')
    .description('Backtest a strategy module (default export: a Strategy subclass) and write its results')
    .argument('<strategy-module>', 'path to a .ts or .js module')
    .requiredOption(
      '--start <instant>',
      "first instant, ISO-8601 (zone-less means the strategy market's time zone: New York for us_futures and nyse)",
    )
    .requiredOption('--end <instant>', 'end instant (exclusive), ISO-8601, read like --start')
    .option(
      '--data-source <name>',
      "databento, dbn-files or an installed lb-source-* package's source, see 'lb sources' (default: DATA_SOURCE, else databento when DATABENTO_API_KEY is set)",
    )
    .option(
      '--data-dir <dir>',
      'folder of .dbn/.dbn.zst files for the dbn-files source (default: LB_DATA_DIR)',
    )
    .option('--out <dir>', 'results folder; each run writes into <dir>/<run-id>/', 'results')
    .option('--yes', 'confirm a Databento download above the cost threshold')
    .option(
      '--confirm-above-usd <usd>',
      'estimates above this need --yes (default: LB_CONFIRM_ABOVE_USD, else 1)',
    )
    .action(async (moduleFile: string, options: Record<string, string | boolean | undefined>) => {
      const dataSource = options.dataSource as string | undefined;
      // Checked before the module loads: a misspelt source fails fast, naming the installed ones.
      if (dataSource !== undefined) await findInstalledSource(dataSource);
      // Checked before the module loads, so a swapped range fails fast as bad usage.
      parseRangeArguments({ start: options.start as string, end: options.end as string });
      const loaded = await loadStrategyModule(moduleFile);
      const strategy = typeof loaded.default === 'function' ? new loaded.default() : loaded.default;
      const dataDirectory = (options.dataDir as string | undefined) ?? (process.env.LB_DATA_DIR || undefined);
      await runBacktestJob({
        strategy,
        title: `${strategy.constructor.name} (${path.basename(moduleFile)})`,
        start: options.start as string,
        end: options.end as string,
        ...(dataSource === undefined ? {} : { dataSource }),
        ...(dataDirectory === undefined ? {} : { dataDirectory }),
        outDirectory: options.out as string,
        ...(loaded.requirements === undefined ? {} : { requirements: loaded.requirements }),
        ...(loaded.backtestOptions === undefined ? {} : { backtestOptions: loaded.backtestOptions }),
        yes: options.yes === true,
        ...(options.confirmAboveUsd === undefined
          ? {}
          : { confirmAboveUsd: resolveConfirmAboveUsd(options.confirmAboveUsd as string) }),
        io,
      });
    });
}
