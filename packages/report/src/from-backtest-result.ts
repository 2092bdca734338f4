import type { RunBenchmark, RunFill, RunPriceSeries, RunRecord } from './run-record.js';

/** A fill as @lb/backtest's `TradeRecord` carries it. */
export interface BacktestTradeLike {
  readonly timestampMs: number;
  readonly asset?: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: number;
  readonly price: number;
  readonly fee: number;
  readonly realizedPnl?: number;
  readonly orderId?: string;
  readonly tag?: string;
}

/**
 * The parts of @lb/backtest's `BacktestResult` the adapter reads, typed structurally so this package does
 * not depend on the engine. Optional members are newer additions, read when present.
 */
export interface BacktestResultLike {
  readonly strategy: string;
  readonly start: string;
  readonly end: string;
  readonly budget: number;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly iterations?: number;
  readonly equityCurve: {
    readonly timestampsMs: readonly number[];
    readonly portfolioValue: readonly number[];
    readonly cash?: readonly number[];
    /** Buy-and-hold value of the benchmark asset at each iteration. */
    readonly benchmark?: readonly number[];
  };
  readonly trades: readonly BacktestTradeLike[];
  /** The engine's own summary, kept in `stats.json` as `engineStats`. */
  readonly stats?: object;
  readonly warnings?: readonly string[];
  /** Rows the strategy traced per iteration (`traceStats()`), as @lb/backtest names them. */
  readonly statsRows?: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** Older name of {@link statsRows}, read when `statsRows` is absent. */
  readonly traceStats?: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** Label of the benchmark (e.g. the asset key `continuous_future:ES`). */
  readonly benchmarkAsset?: string;
  /** Bars of each traded symbol (`ESH4`), for the price charts and the round trips' MAE/MFE. */
  readonly prices?: Readonly<
    Record<
      string,
      {
        readonly timestampsMs: readonly number[];
        readonly close: readonly number[];
        readonly high?: readonly number[];
        readonly low?: readonly number[];
      }
    >
  >;
}

/** Options of {@link fromBacktestResult}. */
export interface FromBacktestResultOptions {
  /** Where the data came from, shown in the tearsheet header, e.g. `'bundled SYNTHETIC sample'`. */
  readonly dataDescription: string;
  /** Overrides (or supplies) the benchmark series. */
  readonly benchmark?: RunBenchmark;
  /** Prices by traded symbol for the price charts and MAE/MFE; overrides the result's `prices`. */
  readonly prices?: Readonly<Record<string, RunPriceSeries>>;
}

/** Maps a backtest result onto the engine-agnostic {@link RunRecord}. */
export function fromBacktestResult(
  result: BacktestResultLike,
  options: FromBacktestResultOptions,
): RunRecord {
  const curve = result.equityCurve;
  const fills: RunFill[] = result.trades.map((trade) => ({
    timeMs: trade.timestampMs,
    symbol: trade.symbol,
    ...(trade.asset === undefined ? {} : { asset: trade.asset }),
    side: trade.side,
    quantity: trade.quantity,
    price: trade.price,
    fee: trade.fee,
    ...(trade.realizedPnl === undefined ? {} : { realizedPnl: trade.realizedPnl }),
    ...(trade.orderId === undefined ? {} : { orderId: trade.orderId }),
    ...(trade.tag === undefined ? {} : { tag: trade.tag }),
  }));
  const benchmark =
    options.benchmark ??
    (curve.benchmark && curve.benchmark.length === curve.timestampsMs.length
      ? {
          label: `${result.benchmarkAsset ?? 'Benchmark'} buy and hold`,
          timesMs: curve.timestampsMs,
          values: curve.benchmark,
        }
      : undefined);
  const prices = options.prices ?? (result.prices ? mapPrices(result.prices) : undefined);
  const statsRows = result.statsRows ?? result.traceStats;
  return {
    strategy: result.strategy,
    start: result.start,
    end: result.end,
    initialCash: result.budget,
    dataDescription: options.dataDescription,
    parameters: result.parameters ?? {},
    iterations: result.iterations ?? curve.timestampsMs.length,
    equity: { timesMs: curve.timestampsMs, values: curve.portfolioValue },
    ...(curve.cash ? { cash: curve.cash } : {}),
    fills,
    ...(benchmark ? { benchmark } : {}),
    ...(prices ? { prices } : {}),
    warnings: result.warnings ?? [],
    ...(statsRows ? { statsRows } : {}),
    ...(result.stats ? { engineStats: result.stats as Readonly<Record<string, unknown>> } : {}),
  };
}

function mapPrices(prices: NonNullable<BacktestResultLike['prices']>): Record<string, RunPriceSeries> {
  const mapped: Record<string, RunPriceSeries> = {};
  for (const [symbol, bars] of Object.entries(prices)) {
    mapped[symbol] = {
      timesMs: bars.timestampsMs,
      values: bars.close,
      ...(bars.high ? { highs: bars.high } : {}),
      ...(bars.low ? { lows: bars.low } : {}),
    };
  }
  return mapped;
}
