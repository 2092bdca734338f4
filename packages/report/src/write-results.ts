import path from 'node:path';
import { type RenderTearsheetOptions, renderTearsheet } from '@lb/tearsheet';
import { equityToCsv, fillsToCsv, roundTripsToCsv, statsRowsToCsv } from './csv.js';
import { analyzeRun, type RunMetrics } from './metrics.js';
import type { TradingDayOptions } from './periods.js';
import { createRunDirectory } from './run-directory.js';
import type { RunRecord } from './run-record.js';
import { toTearsheetInput } from './tearsheet-model.js';
import { writeFileAtomically } from './write-file-atomically.js';

/** Options of {@link writeResults}. */
export interface WriteResultsOptions extends TradingDayOptions {
  /** Root folder of results; each run gets its own new folder inside it. */
  readonly outDir: string;
  readonly record: RunRecord;
  /** Run folder name; default the UTC start time to the second. Never reused: a taken name gets `-2`, ... */
  readonly runId?: string;
  /** Tearsheet heading; default the strategy name. */
  readonly title?: string;
  /** Annual risk-free rate for Sharpe and Sortino. Default 0. */
  readonly riskFreeRate?: number;
  readonly tearsheet?: RenderTearsheetOptions;
}

/** The files written for one run, by name (`statsCsv` only when the record has stats rows). */
export interface ResultFiles {
  readonly directory: string;
  readonly tradesCsv: string;
  readonly roundTripsCsv: string;
  readonly equityCsv: string;
  readonly statsJson: string;
  readonly statsCsv?: string;
  readonly tearsheetHtml: string;
  readonly metrics: RunMetrics;
}

/**
 * Writes everything a run produced into a new folder under `outDir`: `trades.csv` (every fill, roll fills
 * tagged `roll`), `round_trips.csv`, `equity.csv` (with the benchmark's value when there is one),
 * `stats.json` (metrics and warnings), `stats.csv` (the strategy's traced rows, when any) and
 * `tearsheet.html`. Each file is written to a temporary name and renamed into place. Identical records give
 * byte-identical files: nothing depends on the clock except the folder name.
 * @throws InvalidArgumentError when the equity series is malformed or `runId` is not a plain name.
 */
export async function writeResults(options: WriteResultsOptions): Promise<ResultFiles> {
  const { record } = options;
  const analysis = analyzeRun({
    equity: record.equity,
    initialCash: record.initialCash,
    fills: record.fills,
    ...(record.benchmark ? { benchmark: record.benchmark } : {}),
    ...(record.prices ? { prices: record.prices } : {}),
    periodStartMs: Date.parse(record.start),
    periodEndMs: Date.parse(record.end),
    ...(options.riskFreeRate === undefined ? {} : { riskFreeRate: options.riskFreeRate }),
    ...(options.dayEndHourUtc === undefined ? {} : { dayEndHourUtc: options.dayEndHourUtc }),
  });
  const tearsheetHtml = renderTearsheet(
    toTearsheetInput(record, analysis, options.title ?? record.strategy),
    options.tearsheet,
  );
  const statsJson = `${JSON.stringify(
    {
      strategy: record.strategy,
      start: record.start,
      end: record.end,
      budget: record.initialCash,
      dataDescription: record.dataDescription,
      parameters: record.parameters ?? {},
      iterations: record.iterations ?? record.equity.values.length,
      metrics: analysis.metrics,
      warnings: record.warnings ?? [],
      ...(record.benchmark ? { benchmark: record.benchmark.label } : {}),
      ...(record.engineStats ? { engineStats: record.engineStats } : {}),
    },
    null,
    2,
  )}\n`;

  const directory = await createRunDirectory({
    outDir: options.outDir,
    ...(options.runId === undefined ? {} : { runId: options.runId }),
  });
  const file = (name: string) => path.join(directory, name);
  const files: ResultFiles = {
    directory,
    tradesCsv: file('trades.csv'),
    roundTripsCsv: file('round_trips.csv'),
    equityCsv: file('equity.csv'),
    statsJson: file('stats.json'),
    ...(record.statsRows && record.statsRows.length > 0 ? { statsCsv: file('stats.csv') } : {}),
    tearsheetHtml: file('tearsheet.html'),
    metrics: analysis.metrics,
  };
  await writeFileAtomically(files.tradesCsv, fillsToCsv(record.fills));
  await writeFileAtomically(files.roundTripsCsv, roundTripsToCsv(analysis.roundTrips));
  await writeFileAtomically(files.equityCsv, equityToCsv(record.equity, record.cash, record.benchmark));
  await writeFileAtomically(files.statsJson, statsJson);
  if (files.statsCsv) await writeFileAtomically(files.statsCsv, statsRowsToCsv(record.statsRows!));
  await writeFileAtomically(files.tearsheetHtml, tearsheetHtml);
  return files;
}
