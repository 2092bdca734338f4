import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { type BacktestOptions, type BacktestResult, backtest, type Strategy } from '@lb/backtest';
import { type Asset, type DataSourceV1, marketTimeZone, parseTimestep } from '@lb/core';
import { type BacktestResultFiles, writeBacktestResults } from './backtest-results.js';
import { asUsageError, parseRangeArguments } from './cli-arguments.js';
import type { CliIo } from './cli-io.js';
import { confirmEstimatedCost, resolveConfirmAboveUsd } from './cost-confirmation.js';
import { estimatePlannedBars, planDatabentoRequests } from './databento-plan.js';
import { loadCacheFeather, loadDatabento, loadDbnFiles } from './optional-package.js';
import { requireCreatableDirectory, requireDirectory, showPath } from './path-arguments.js';
import { createProgressReporter, type ProgressReporter } from './progress-reporter.js';
import { findInstalledSource } from './source-discovery.js';
import { UsageError } from './usage-error.js';

/**
 * Where bars come from: `databento` (Databento's API through the Feather cache), `dbn-files` (a folder of
 * DBN files), or the name of an installed `lb-source-*` package's source (see `lb sources`).
 */
export type DataSourceChoice = string;

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
  /** Estimates above this many USD need `yes`. Default `LB_CONFIRM_ABOVE_USD`, else 1. */
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

/**
 * Picks the data source name: explicit setting, `DATA_SOURCE`, then Databento if a key is set, else DBN
 * files. Whether it is installed is checked when it is created ({@link findInstalledSource}).
 */
export function chooseDataSource(
  explicit: DataSourceChoice | undefined,
  environment: NodeJS.ProcessEnv,
): DataSourceChoice {
  return explicit || environment.DATA_SOURCE || (environment.DATABENTO_API_KEY ? 'databento' : 'dbn-files');
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
  // Zone-less bounds are read on the market's wall clock, like Lumibot (and like backtest() itself); the
  // instants used are printed so nobody has to guess.
  const timeZone = marketTimeZone(settings.strategy.market);
  const { start, end } = parseRangeArguments(settings, undefined, { timeZone });
  const thresholdUsd = resolveConfirmAboveUsd(settings.confirmAboveUsd, environment);
  const { io } = settings;
  // Checked before any data is read: a results path that is a file would otherwise fail after the run.
  await requireCreatableDirectory(settings.outDirectory ?? 'results', 'results folder (--out)');
  let source: DataSourceV1;
  let dataDescription =
    choice === 'databento'
      ? 'Databento historical data (through the Feather cache)'
      : (settings.dataDescription ?? 'DBN files');
  let estimatedCostUsd: number | undefined;
  if (choice === 'dbn-files') {
    if (settings.dataDirectory === undefined) {
      throw new UsageError('The dbn-files source needs a data folder: pass --data-dir or set LB_DATA_DIR.');
    }
    const files = await loadDbnFiles();
    source = await openDbnFolder(files, settings.dataDirectory);
    io.stdout(
      `Data: ${settings.dataDescription ?? 'DBN files'} from ${settings.dataDirectory} (DBN file source, no API key needed)\n`,
    );
  } else if (choice === 'databento') {
    const databento = await loadDatabento();
    const cache = await loadCacheFeather();
    const client = databento.createDatabento({});
    const databentoSource = databento.createDatabentoData({ client });
    const cached = cache.withFeatherCache(databentoSource, {});
    io.stdout(
      `Data: Databento historical API through the Feather cache at ${cache.resolveCacheDirectory()}\n`,
    );
    estimatedCostUsd = await quoteDatabentoCost({
      databento,
      client,
      requirements: settings.requirements ?? [],
      range: { start, end },
      io,
      fetchedThrough: { source: databentoSource, cache: cached },
      cachedDays: 'days already cached are not downloaded again',
      thresholdUsd,
      yes: settings.yes === true,
    });
    source = cached;
  } else {
    // Any other source comes from an installed package's descriptor (an `lb-source-*` package).
    const installed = await findInstalledSource(choice);
    source = await installed.descriptor.createDataSource({
      environment,
      ...(settings.dataDirectory === undefined ? {} : { dataDirectory: settings.dataDirectory }),
    });
    dataDescription = settings.dataDescription ?? installed.descriptor.description;
    io.stdout(`Data: ${dataDescription} (${installed.packageName})\n`);
  }

  io.stdout(
    `Period: ${start.toISOString()} to ${end.toISOString()} (start/end without a zone are read in ${timeZone}, the ${settings.strategy.market} market's time zone)\n`,
  );
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
      dataDescription,
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
    ...(result.trades.length === 0 ? [`No trades:     ${noTradesReason(result)}`] : []),
    `Results:       ${files.directory} (trades.csv, round_trips.csv, equity.csv, stats.json${files.statsCsv ? ', stats.csv' : ''}, tearsheet.html)`,
    '',
  ].join('\n');
}

/** Why a run has no fills: the engine's warning when it gave one, else what the orders show. */
function noTradesReason(result: BacktestResult): string {
  const warning = result.warnings.find((text) => text.startsWith('No trades: '));
  if (warning !== undefined) return warning.slice('No trades: '.length);
  if (result.orders.length === 0) return 'the strategy submitted no orders.';
  return `none of the ${result.orders.length} orders filled (see cancelReason in the orders).`;
}

const DBN_FILE_PATTERN = /\.dbn(\.zst)?$/i;

/**
 * The dbn-files source over `directory`, checked up front: a wrong folder would otherwise surface deep in
 * the run as "serves  bars, which cannot be aggregated"; this says which folder and what it lacks instead.
 * @throws UsageError when the folder is missing or holds no readable OHLCV DBN files.
 */
export async function openDbnFolder(
  files: typeof import('@lb/dbn-files'),
  directory: string,
): Promise<DataSourceV1> {
  const label = 'data folder (--data-dir, LB_DATA_DIR)';
  await requireDirectory(directory, label);
  const entries = await readdir(directory, { recursive: true });
  if (!entries.some((entry) => DBN_FILE_PATTERN.test(entry))) {
    throw new UsageError(
      `${label} ${showPath(directory)} holds no .dbn or .dbn.zst files; pass a folder of Databento OHLCV files`,
    );
  }
  const source = await files.dataSourceDescriptor.createDataSource({
    environment: process.env,
    dataDirectory: directory,
  });
  if (source.capabilities.timestepUnits.length === 0) {
    throw new UsageError(
      `${label} ${showPath(directory)} holds no readable OHLCV bars (ohlcv-1s, -1m, -1h or -1d DBN files); pass a folder of Databento OHLCV files`,
    );
  }
  return source;
}

/** Settings of {@link quoteDatabentoCost}. */
export interface DatabentoCostQuote {
  readonly databento: typeof import('@lb/databento');
  readonly client: import('@lb/databento').DatabentoClient;
  readonly requirements: readonly DataRequirement[];
  readonly range: { start: Date; end: Date };
  readonly io: CliIo;
  /** See {@link estimateCost}. */
  readonly fetchedThrough?: Parameters<typeof estimateCost>[5];
  /** Why the estimate is an upper bound, printed after it (which cached days are not downloaded again). */
  readonly cachedDays: string;
  readonly thresholdUsd: number;
  readonly yes: boolean;
}

/**
 * Prices what a run will download ({@link estimateCost}), prints the estimate and refuses above the
 * threshold without `yes`: the one price-before-downloading step of `lb backtest` and `lb sweep`.
 * @throws UsageError when the estimate exceeds the threshold and `yes` is false.
 */
export async function quoteDatabentoCost(quote: DatabentoCostQuote): Promise<number> {
  const estimatedCostUsd = await estimateCost(
    quote.databento,
    quote.client,
    quote.requirements,
    quote.range,
    quote.io,
    quote.fetchedThrough,
  );
  quote.io.stdout(
    `Estimated Databento cost: $${estimatedCostUsd.toFixed(4)} at most (${quote.cachedDays})\n`,
  );
  confirmEstimatedCost({ estimatedCostUsd, thresholdUsd: quote.thresholdUsd, yes: quote.yes });
  return estimatedCostUsd;
}

/**
 * The Databento cost of what `requirements` declare over `[start, end)`, in USD: every contract of a
 * continuous future, and through `fetchedThrough.cache` only the days the cache is missing.
 */
export async function estimateCost(
  databento: typeof import('@lb/databento'),
  client: import('@lb/databento').DatabentoClient,
  requirements: readonly DataRequirement[],
  range: { start: Date; end: Date },
  io: CliIo,
  fetchedThrough: {
    /** The source the run fetches from; one on `client` by default. */
    readonly source?: import('@lb/databento').DatabentoDataSource;
    /** The Feather cache in front of it: its cached days are not priced. */
    readonly cache?: import('@lb/databento').DatabentoDownloadPlanner;
  } = {},
): Promise<number> {
  const source = fetchedThrough.source ?? databento.createDatabentoData({ client });
  let totalUsd = 0;
  for (const requirement of requirements) {
    const timestep = asUsageError(() => parseTimestep(requirement.timestep));
    const plan = await planDatabentoRequests({
      client,
      asset: requirement.asset,
      timestep,
      ...range,
      dataset: databento.resolveDatabentoDataset(requirement.asset, undefined),
      warn: (line) => io.stderr(`${line}\n`),
    });
    const estimate = await estimatePlannedBars({
      source,
      cache: fetchedThrough.cache,
      asset: requirement.asset,
      timestep,
      plan,
    });
    totalUsd += estimate.totalCostUsd;
  }
  return totalUsd;
}
