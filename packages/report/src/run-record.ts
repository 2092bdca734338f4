/**
 * The engine-agnostic record of one run (a backtest, a live session, one point of a sweep): plain, JSON-ready
 * data, so any engine can hand it to {@link computeMetrics} and {@link writeResults} without @lb classes.
 * Series are columnar (parallel arrays), like the rest of @lb, so a year of 1-minute points stays cheap.
 */

/** A value series: parallel arrays of epoch-millisecond times (ascending) and values. */
export interface RunSeries {
  readonly timesMs: readonly number[];
  readonly values: readonly number[];
}

/** The benchmark: the value of a buy-and-hold position, e.g. of the first traded asset's continuous series. */
export interface RunBenchmark extends RunSeries {
  /** What is held, shown in the legend and written to `equity.csv`'s header note, e.g. `'ES buy and hold'`. */
  readonly label: string;
}

/**
 * Prices of one traded instrument, for its chart and for the excursions (MAE/MFE) of its round trips.
 * `values` are closes; `highs` and `lows` (same length) make the excursions see intrabar extremes.
 */
export interface RunPriceSeries extends RunSeries {
  readonly highs?: readonly number[];
  readonly lows?: readonly number[];
}

/** One execution. */
export interface RunFill {
  readonly timeMs: number;
  /** Instrument actually traded (`ESH4`, `AAPL`): round trips and price charts are per symbol. */
  readonly symbol: string;
  /** What the strategy ordered (`continuous_future:ES`), when it differs from the symbol. */
  readonly asset?: string;
  readonly side: 'buy' | 'sell';
  /** Positive quantity. */
  readonly quantity: number;
  readonly price: number;
  /** Fees of this fill, as a positive amount. */
  readonly fee: number;
  /** P&L realised by the closed part of the fill before fees, when the engine knows it (exact multipliers). */
  readonly realizedPnl?: number;
  /** P&L per unit of quantity per 1.0 of price (50 for ES). Inferred from `realizedPnl` when absent, else 1. */
  readonly multiplier?: number;
  readonly orderId?: string;
  /** Free text; `'roll'` marks the fills of a continuous-futures roll. */
  readonly tag?: string;
}

/** Everything a run produced, as {@link writeResults} and {@link computeMetrics} read it. */
export interface RunRecord {
  /** Strategy name, e.g. `'EsSmaCrossover'`. */
  readonly strategy: string;
  /** Requested period, ISO 8601. */
  readonly start: string;
  readonly end: string;
  /** Starting cash: the value before the first equity point. */
  readonly initialCash: number;
  /** Where the data came from, shown in every tearsheet header, e.g. `'bundled SYNTHETIC sample'`. */
  readonly dataDescription: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** Number of iterations run (defaults to the number of equity points). */
  readonly iterations?: number;
  /** Portfolio value after each iteration. */
  readonly equity: RunSeries;
  /** Cash after each iteration (same times as `equity`), written to `equity.csv` when present. */
  readonly cash?: readonly number[];
  readonly fills: readonly RunFill[];
  readonly benchmark?: RunBenchmark;
  /** Prices by traded symbol. */
  readonly prices?: Readonly<Record<string, RunPriceSeries>>;
  /** Problems the engine noticed (missing bars, forced closes...), written to `stats.json`. */
  readonly warnings?: readonly string[];
  /** Rows the strategy traced per iteration (`traceStats`), written to `stats.csv`. */
  readonly statsRows?: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** Engine-specific figures kept verbatim in `stats.json` under `engineStats` (e.g. a backtest's own stats). */
  readonly engineStats?: Readonly<Record<string, unknown>>;
}
