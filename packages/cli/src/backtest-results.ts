import type { BacktestResult } from '@lb/backtest';
import { fromBacktestResult, type ResultFiles, writeResults } from '@lb/report';

/** Files written for one run, by name, with the run's metrics (see @lb/report's `ResultFiles`). */
export type BacktestResultFiles = ResultFiles;

/** Text describing a run in the tearsheet header. */
export interface BacktestRunDescription {
  readonly title: string;
  /** Where the data came from, e.g. `'bundled SYNTHETIC sample'`; shown in every tearsheet header. */
  readonly dataDescription: string;
}

/** Options of {@link writeBacktestResults}. */
export interface WriteBacktestResultsOptions {
  /** Root folder of results; the run gets a new folder inside it. */
  readonly outDir: string;
  /** Run folder name; default the UTC time to the second (a taken name gets `-2`, `-3`, ...). */
  readonly runId?: string;
  readonly result: BacktestResult;
  readonly description: BacktestRunDescription;
}

/**
 * Writes a backtest's result files (`trades.csv`, `round_trips.csv`, `equity.csv`, `stats.json`,
 * `stats.csv` when the strategy traced rows, `tearsheet.html`) with @lb/report, the same call a user's
 * own script makes.
 */
export async function writeBacktestResults(
  options: WriteBacktestResultsOptions,
): Promise<BacktestResultFiles> {
  return writeResults({
    outDir: options.outDir,
    ...(options.runId === undefined ? {} : { runId: options.runId }),
    title: options.description.title,
    record: fromBacktestResult(options.result, { dataDescription: options.description.dataDescription }),
  });
}
