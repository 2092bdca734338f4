import { contractAsset, type FutureAsset, InvalidArgumentError, rollSchedule } from '@lb/core';
import type { FeedSeries } from './data-feed.js';

/** Inputs of {@link contractInSeries}. */
export interface ContractInSeriesOptions {
  /** Root of the continuous future (`ES`). */
  readonly root: string;
  /** A contract of its series (`ESH4`). */
  readonly symbol: string;
  readonly series: FeedSeries;
  /** The backtest's range, which the roll schedule must cover. */
  readonly startMs: number;
  readonly endMs: number;
}

/** The dated contract behind `symbol` in a continuous series of `root`, from the core roll schedule. */
export function contractInSeries(options: ContractInSeriesOptions): FutureAsset {
  const { root, symbol, series, startMs, endMs } = options;
  const times = series.timesMs;
  const segment = rollSchedule(
    root,
    new Date(times[0] ?? startMs),
    new Date(Math.max(endMs, (times[times.length - 1] ?? 0) + 1)),
  ).find((candidate) => candidate.symbol === symbol);
  if (segment === undefined) {
    throw new InvalidArgumentError(`Contract ${symbol} is not in the roll schedule of ${root}.`, {
      argument: 'asset',
    });
  }
  return contractAsset(segment);
}
