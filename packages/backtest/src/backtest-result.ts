import type { BacktestPriceSeries } from './result-series.js';
import type { OrderRecord, PositionRecord, TradeRecord } from './simulated-broker.js';
import type { BacktestStats } from './stats.js';

/** The result of a backtest: plain JSON-ready data, identical for identical inputs. */
export interface BacktestResult {
  readonly strategy: string;
  readonly start: string;
  readonly end: string;
  readonly budget: number;
  readonly parameters: Record<string, unknown>;
  /** Number of iterations run. */
  readonly iterations: number;
  /** Value after each iteration, with the iteration instants in epoch milliseconds. */
  readonly equityCurve: {
    readonly timestampsMs: number[];
    readonly portfolioValue: number[];
    readonly cash: number[];
    /**
     * Buy-and-hold value of the benchmark ({@link BacktestResult.benchmarkAsset}) at each instant: the
     * budget times its last close over its first close in the run. Absent when there is no benchmark.
     */
    readonly benchmark?: number[];
  };
  /**
   * Asset key of the benchmark (`continuous_future:ES`, `future:ESH4`, `stock:SPY`): the `benchmarkAsset`
   * option, else the first traded asset. Absent when neither exists (no option, no trade).
   */
  readonly benchmarkAsset?: string;
  /**
   * Bars of each traded instrument (`ESH4`) within the run at the fill timestep, in the order first traded:
   * for price charts with entry and exit markers, and the round trips' adverse and favourable excursions.
   */
  readonly prices: Readonly<Record<string, BacktestPriceSeries>>;
  readonly trades: TradeRecord[];
  readonly orders: OrderRecord[];
  /** Positions over time: one entry each time a fill changed a position. */
  readonly positions: PositionRecord[];
  /** Positions still open at the end. */
  readonly finalPositions: Array<{
    symbol: string;
    quantity: number;
    averagePrice: number;
    lastPrice: number;
  }>;
  readonly stats: BacktestStats;
  /**
   * The benchmark curve as earlier versions returned it (the same array as `equityCurve.benchmark`).
   * @deprecated Read `equityCurve.benchmark` and `benchmarkAsset`.
   */
  readonly benchmarkEquity?: {
    /** The benchmark asset (`ESH4`, `stock SPY`, `continuous_future ES`). */
    readonly asset: string;
    readonly portfolioValue: number[];
  };
  /** One row per iteration from the strategy's `traceStats()`, each with the iteration `time` (ISO, UTC). */
  readonly statsRows: BacktestStatsRow[];
  /**
   * Problems that did not stop the run but explain its results (an asset without bars in the range, a
   * margin taken from the fallback table...), also logged and sent to `onWarning` (stderr by default).
   */
  readonly warnings: string[];
  /** Every log line (`<ISO time> <message>`), warnings included. */
  readonly logs: string[];
}

/** A `traceStats()` row with the iteration time. */
export type BacktestStatsRow = Readonly<Record<string, number | string | boolean | null>> & {
  readonly time: string;
};
