import type { Asset, DataSourceV1, Order, OrderSpec, Strategy, Timestep, TradingFee } from '@lb/core';
import type { BacktestStatsRow } from './backtest-result.js';
import type { SessionCalendar } from './clock.js';
import type { InstrumentOverride } from './instruments.js';
import type { RollExitOrders } from './simulated-broker.js';

/** Validated inputs of one run. @internal */
export interface EventLoopConfig {
  readonly strategy: Strategy<object>;
  readonly dataSource: DataSourceV1;
  readonly startMs: number;
  readonly endMs: number;
  readonly budget: number;
  readonly buyFees: readonly TradingFee[];
  readonly sellFees: readonly TradingFee[];
  readonly slippageTicks: number;
  /** The calendar option; when absent, the calendar of `strategy.market` as set after `initialize()`. */
  readonly calendar: SessionCalendar | undefined;
  /** Resolves a market name to its calendar. */
  readonly calendarOf: (market: Strategy<object>['market']) => SessionCalendar;
  /** Zone of the market's wall clock (getMarketTime). */
  readonly timeZoneOf: (market: Strategy<object>['market']) => string;
  readonly fillTimestep: Timestep;
  readonly instruments: Readonly<Record<string, InstrumentOverride>>;
  readonly autoRoll: boolean;
  readonly rollExitOrders: RollExitOrders;
  readonly benchmarkAsset: Asset | undefined;
  readonly parameters: Record<string, unknown>;
  readonly riskFreeRate: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly logger?: (line: string) => void;
  readonly onWarning: (message: string) => void;
  readonly signal?: AbortSignal;
}

/** Per-run arrays and settings shared by the iteration loop. */
export interface RunState {
  readonly times: Float64Array;
  readonly values: Float64Array;
  readonly cash: Float64Array;
  readonly progressStep: number;
  readonly traceStats: boolean;
  readonly statsRows: BacktestStatsRow[];
  /** onTradingIteration calls so far (none in the last minutesBeforeClosing of a session). */
  hookCalls: number;
}

/** An order submitted while its data was still loading: accepted by the broker once the hook settles. */
export interface QueuedOrder {
  readonly spec: OrderSpec;
  readonly order: Order;
  canceled: boolean;
}
