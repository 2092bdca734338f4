import path from 'node:path';
import { type BacktestOptions, type BacktestResult, backtest, type Strategy } from '@lb/backtest';
import {
  type Asset,
  assetKey,
  type DataSourceV1,
  parseInstant,
  rollSchedule,
  toDatabentoRawSymbol,
} from '@lb/core';
import { type BacktestResultFiles, writeBacktestResults } from './backtest-results.js';
import { loadCacheFeather, loadDatabento, loadDbnFiles } from './optional-package.js';
import type { CliIo } from './program.js';
import { UsageError } from './program.js';
import { createProgressReporter, type ProgressReporter } from './progress-reporter.js';

/** Where bars come from: Databento's API (through the Feather cache) or a folder of DBN files. */
export type DataSourceChoice = 'databento' | 'dbn-files';

/** Data a strategy reads, declared up front so a paid source can quote the cost before downloading. */
export interface DataRequirement {
  readonly asset: Asset;
  readonly timestep: string;
}

/** Settings of {@link runBacktestJob}. */
export interface BacktestJobSettings {
  readonly strategy: Strategy<object>;
  readonly title: string;
  readonly start: Date | string;
  readonly end: Date | string;
  /** Explicit choice; else `DATA_SOURCE`, else Databento when `DATABENTO_API_KEY` is set, else DBN files. */
  readonly dataSource?: DataSourceChoice;
  /** Folder of DBN files for the `dbn-files` source. */
  readonly dataDirectory?: string;
  /** Says what the DBN folder holds, in the first line of output (e.g. "bundled synthetic sample"). */
  readonly dataDescription?: string;
  /** Root folder of results; each run writes into a new `<outDirectory>/<runId>/`. Default `./results`. */
  readonly outDirectory?: string;
  /** Run folder name; default the UTC time to the second. A taken name gets `-2`, `-3`, ... */
  readonly runId?: string;
  /** Backtest options other than strategy, source and range. */
  readonly backtestOptions?: Omit<BacktestOptions, 'strategy' | 'dataSource' | 'start' | 'end'>;
  /** What the strategy reads; used for the Databento cost estimate. */
  readonly requirements?: readonly DataRequirement[];
  /** Confirms a Databento download whose estimate exceeds `confirmAboveUsd`. */
  readonly yes?: boolean;
  /** Estimates above this many USD need `yes`. Default 1. */
  readonly confirmAboveUsd?: number;
  readonly environment?: NodeJS.ProcessEnv;
  readonly io: CliIo;
  readonly progress?: ProgressReporter;
}

/** What a run produced. */
export interface BacktestJobOutcome {
  readonly result: BacktestResult;
  readonly files: BacktestResultFiles;
  readonly dataSource: DataSourceChoice;
  readonly estimatedCostUsd?: number;
}

/** Picks the data source: explicit setting, `DATA_SOURCE`, then Databento if a key is set, else DBN files. */
export function chooseDataSource(
  explicit: DataSourceChoice | undefined,
  environment: NodeJS.ProcessEnv,
): DataSourceChoice {
  const choice =
    explicit ?? environment.DATA_SOURCE ?? (environment.DATABENTO_API_KEY ? 'databento' : 'dbn-files');
  if (choice !== 'databento' && choice !== 'dbn-files') {
    throw new UsageError(
      `Unknown data source "${choice}": use DATA_SOURCE=databento or DATA_SOURCE=dbn-files.`,
    );
  }
  return choice;
}

/**
 * Runs a strategy end to end the way `pnpm example` and `lb backtest` do: picks the source, quotes the
 * Databento cost first (asking for `yes` above a threshold), runs the backtest with a progress bar on a
 * terminal, prints a summary and writes the result files with @lb/report (`trades.csv`, `round_trips.csv`,
 * `equity.csv`, `stats.json`, `tearsheet.html`).
 */
export async function runBacktestJob(settings: BacktestJobSettings): Promise<BacktestJobOutcome> {
  const environment = settings.environment ?? process.env;
  const choice = chooseDataSource(settings.dataSource, environment);
  const start = parseInstant(settings.start, 'start');
  const end = parseInstant(settings.end, 'end');
  const { io } = settings;
  let source: DataSourceV1;
  let estimatedCostUsd: number | undefined;
  if (choice === 'dbn-files') {
    if (settings.dataDirectory === undefined) {
      throw new UsageError('The dbn-files source needs a data folder: pass --data-dir or set LB_DATA_DIR.');
    }
    const files = await loadDbnFiles();
    io.stdout(
      `Data: ${settings.dataDescription ?? 'DBN files'} from ${settings.dataDirectory} (DBN file source, no API key needed)\n`,
    );
    source = files.createDbnFileSource({ dir: settings.dataDirectory });
  } else {
    const databento = await loadDatabento();
    const cache = await loadCacheFeather();
    const client = databento.createDatabento({});
    const cached = cache.withFeatherCache(databento.createDatabentoData({ client }), {});
    io.stdout(
      `Data: Databento historical API through the Feather cache at ${cache.resolveCacheDirectory()}\n`,
    );
    estimatedCostUsd = await estimateCost(client, settings.requirements ?? [], start, end);
    const threshold = settings.confirmAboveUsd ?? 1;
    io.stdout(
      `Estimated Databento cost: $${estimatedCostUsd.toFixed(4)} at most (days already cached are not downloaded again)\n`,
    );
    if (estimatedCostUsd > threshold && settings.yes !== true) {
      throw new UsageError(
        `The estimated cost $${estimatedCostUsd.toFixed(2)} exceeds $${threshold.toFixed(2)}: rerun with --yes to download.`,
      );
    }
    source = cached;
  }

  const progress = settings.progress ?? createProgressReporter();
  let result: BacktestResult;
  try {
    result = await backtest({
      ...settings.backtestOptions,
      strategy: settings.strategy,
      dataSource: source,
      start,
      end,
      onProgress: (done, total) => progress.update(done, total),
    });
  } finally {
    progress.stop();
  }
  const files = await writeBacktestResults({
    outDir: path.resolve(settings.outDirectory ?? 'results'),
    ...(settings.runId === undefined ? {} : { runId: settings.runId }),
    result,
    description: {
      title: settings.title,
      dataDescription:
        choice === 'dbn-files'
          ? (settings.dataDescription ?? 'DBN files')
          : 'Databento historical data (through the Feather cache)',
    },
  });
  io.stdout(formatSummary(result, files));
  return {
    result,
    files,
    dataSource: choice,
    ...(estimatedCostUsd === undefined ? {} : { estimatedCostUsd }),
  };
}

/** The summary printed after a run. */
export function formatSummary(result: BacktestResult, files: BacktestResultFiles): string {
  const { stats } = result;
  const money = (value: number) => value.toLocaleString('en-US', { style: 'currency', currency: 'USD' });
  const percent = (value: number) => `${(value * 100).toFixed(2)}%`;
  return [
    `Period:        ${result.start} to ${result.end} (${result.iterations} iterations)`,
    `Fills:         ${files.metrics.fills}`,
    `Round trips:   ${files.metrics.roundTrips}`,
    `Return:        ${percent(stats.totalReturn)} (${money(stats.startingValue)} -> ${money(stats.endingValue)})`,
    `Max drawdown:  ${percent(stats.maxDrawdown)}${stats.maxDrawdownAt === null ? '' : ` at ${stats.maxDrawdownAt}`}`,
    `Fees:          ${money(stats.feesPaid)}`,
    `Results:       ${files.directory} (trades.csv, round_trips.csv, equity.csv, stats.json${files.statsCsv ? ', stats.csv' : ''}, tearsheet.html)`,
    '',
  ].join('\n');
}

/** The Databento cost of what `requirements` declare over `[start, end)`, in USD (an upper bound: cached days are not billed). */
export async function estimateCost(
  client: import('@lb/databento').DatabentoClient,
  requirements: readonly DataRequirement[],
  start: Date,
  end: Date,
): Promise<number> {
  let total = 0;
  for (const requirement of requirements) {
    const schema = `ohlcv-1${requirement.timestep.replace(/^\d+/, '').slice(0, 1)}`;
    const pieces =
      requirement.asset.type === 'continuous_future'
        ? rollSchedule(requirement.asset.symbol, start, end).map((segment) => ({
            symbol: segment.symbol,
            start: segment.start,
            end: segment.end,
          }))
        : [{ symbol: toDatabentoRawSymbol(requirement.asset), start, end }];
    for (const piece of pieces) {
      if (piece.end.getTime() <= piece.start.getTime()) continue;
      total += await client.metadata.getCost({
        dataset: requirement.asset.type === 'stock' ? 'XNAS.ITCH' : 'GLBX.MDP3',
        schema,
        symbols: piece.symbol,
        start: piece.start.toISOString(),
        end: piece.end.toISOString(),
      });
    }
    void assetKey;
  }
  return total;
}
