import { parseInstant } from '@lb/core';
import { loadStrategyModule } from './backtest-command.js';
import type { CliIo } from './cli-io.js';
import { loadDatabento } from './optional-package.js';
import { quoteDatabentoCost } from './run-backtest-job.js';

/** Settings of {@link quoteSweepCost}. */
export interface SweepCostQuote {
  readonly moduleFile: string;
  readonly start: string;
  readonly end: string;
  readonly client: import('@lb/databento').DatabentoClient;
  /**
   * The Feather cache the sweep reads through (local pool): its days are not priced. Absent for BullMQ,
   * whose workers download into their own caches, so every day is priced.
   */
  readonly cache?: import('@lb/databento').DatabentoDownloadPlanner;
  readonly thresholdUsd: number;
  readonly yes: boolean;
  readonly io: CliIo;
}

/**
 * Prices the Databento downloads of a sweep before anything runs or is queued, and refuses above the
 * threshold without `--yes`. Every parameter set reads the same bars and each partition is downloaded once
 * for the whole sweep (the local pool loads it in the parent, BullMQ workers in one prepare job), so one
 * backtest's estimate is the sweep's.
 * @throws UsageError when the estimate exceeds the threshold and `yes` is false.
 */
export async function quoteSweepCost(quote: SweepCostQuote): Promise<number> {
  const module = await loadStrategyModule(quote.moduleFile);
  return quoteDatabentoCost({
    databento: await loadDatabento(),
    client: quote.client,
    requirements: module.requirements ?? [],
    range: { start: parseInstant(quote.start, 'start'), end: parseInstant(quote.end, 'end') },
    io: quote.io,
    ...(quote.cache === undefined ? {} : { fetchedThrough: { cache: quote.cache } }),
    cachedDays:
      quote.cache === undefined
        ? 'each partition downloaded once by the workers; days their caches hold are not downloaded again'
        : 'cached days are not downloaded again',
    thresholdUsd: quote.thresholdUsd,
    yes: quote.yes,
  });
}
