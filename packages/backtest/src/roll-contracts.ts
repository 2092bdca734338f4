import { contractAsset, type FutureAsset, InvalidArgumentError, rollSchedule, type Timestep } from '@lb/core';
import type { DataFeed, FeedSeries } from './data-feed.js';
import type { FuturesLedger } from './futures-ledger.js';
import type { ResolvedInstrument } from './instruments.js';
import type { SimulatedBroker } from './simulated-broker.js';

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

/** Inputs of {@link rollHeldPositions}. */
export interface RollHeldPositionsOptions {
  readonly nowMs: number;
  readonly ledger: FuturesLedger;
  readonly broker: SimulatedBroker;
  readonly feed: DataFeed;
  /** Roll into the new contract (true), or keep the old one and price it from its own bars. */
  readonly autoRoll: boolean;
  readonly fillTimestep: Timestep;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * Handles positions held through a continuous future whose series has moved to the next contract: with
 * `autoRoll`, closes and reopens them in the new contract at the roll; otherwise keeps them in the old
 * contract and marks them with that contract's own bars from now on.
 */
export async function rollHeldPositions(options: RollHeldPositionsOptions): Promise<void> {
  const { nowMs, broker, feed } = options;
  for (const holding of options.ledger.holdings) {
    if (holding.quantity === 0) continue;
    const symbol = holding.instrument.symbol;
    const via = broker.heldVia.get(symbol);
    const series = broker.markSeries.get(symbol);
    if (via?.type !== 'continuous_future' || series === undefined || series.asset !== via) continue;
    const visible = feed.visibleCount(series, nowMs);
    if (visible === 0 || series.bars.symbolAt(visible - 1) === symbol) continue;
    // The first bar after the last one of the held contract is where the roll happened.
    let rollIndex = visible - 1;
    while (rollIndex > 0 && series.bars.symbolAt(rollIndex - 1) !== symbol) rollIndex--;
    if (options.autoRoll) {
      // Orders working through the roll meet the old contract's last bars first; they may close the position.
      broker.processBars(series, rollIndex);
      if (holding.quantity === 0) continue;
      const lastPrice = series.bars.close[rollIndex - 1] ?? holding.markPrice;
      broker.roll({
        heldVia: via,
        from: holding.instrument as ResolvedInstrument,
        fromPrice: lastPrice,
        series,
        rollIndex,
        signedQuantity: holding.quantity,
      });
      continue;
    }
    const contract = contractInSeries({
      root: via.symbol,
      symbol,
      series,
      startMs: options.startMs,
      endMs: options.endMs,
    });
    broker.markSeries.set(symbol, await feed.ensure(contract, options.fillTimestep, 1));
  }
}
