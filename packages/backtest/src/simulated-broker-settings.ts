import type { Asset, OrderSpec, TradingFee } from '@lb/core';
import type { DataFeed, FeedSeries } from './data-feed.js';
import type { FuturesLedger } from './futures-ledger.js';
import type { ResolvedInstrument } from './instruments.js';
import type { LegSpec } from './working-order.js';

/** What the broker does when a continuous future's position rolls with working orders on it. */
export type RollExitOrders = 'move' | 'cancel';

/** Inputs of the broker's internal order factory. */
export interface NewWorkingOrder {
  readonly spec: OrderSpec;
  readonly series: FeedSeries;
  readonly submittedAtMs: number;
  /** First bar the order may fill on. */
  readonly nextBarIndex: number;
  /** The bracket, OTO or OCO order this leg belongs to. */
  readonly parentId?: string;
  /** An OCO container: its legs execute, it does not. */
  readonly isContainer?: boolean;
  /** Exit legs placed when this order fills. */
  readonly childLegs?: ReadonlyArray<LegSpec>;
}

export const NO_LEGS: ReadonlyArray<LegSpec> = Object.freeze([]);

/** Inputs of {@link SimulatedBroker.roll}. */
export interface RollPositionOptions {
  /** The continuous future the position is held through. */
  readonly heldVia: Asset;
  /** The contract rolled out of. */
  readonly from: ResolvedInstrument;
  /** The old contract's last close: the closing fill's price. */
  readonly fromPrice: number;
  /** The continuous series, now in the new contract. */
  readonly series: FeedSeries;
  /** Index of the new contract's first bar in `series`. */
  readonly rollIndex: number;
  /** Position size, negative when short. */
  readonly signedQuantity: number;
}

/** Settings of a {@link SimulatedBroker}. */
export interface SimulatedBrokerSettings {
  readonly ledger: FuturesLedger;
  readonly feed: DataFeed;
  /** Fee schedules charged on buy fills. */
  readonly buyFees: readonly TradingFee[];
  /** Fee schedules charged on sell fills. */
  readonly sellFees: readonly TradingFee[];
  /** Adverse slippage on market and stop fills, in ticks. */
  readonly slippageTicks: number;
  /** Instrument of the bar at `index` of `series` (continuous series change contract at rolls). */
  readonly instrumentAt: (series: FeedSeries, index: number) => ResolvedInstrument;
  /** Build fill events (order snapshots with BigInt times); off when the strategy has no fill hook. */
  readonly emitFillEvents: boolean;
  /** Build cancel events; off when the strategy has no cancel hook. */
  readonly emitCancelEvents: boolean;
  /** Build new-order events; off when the strategy has no onNewOrder hook. */
  readonly emitNewOrderEvents: boolean;
  /** At a roll: move working orders of the rolled series by the roll spread (default), or cancel them. */
  readonly rollExitOrders: RollExitOrders;
  /** The current simulated time, for the {@link Broker} methods. */
  readonly clockMs: () => number;
  /** The loaded fill series of `asset`, for {@link Broker.submitOrder}; undefined when not loaded. */
  readonly fillSeriesOf: (asset: Asset) => FeedSeries | undefined;
}
