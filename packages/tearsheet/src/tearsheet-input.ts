/**
 * The data a tearsheet is rendered from: plain, JSON-friendly values so a backtest can be saved to disk and
 * rendered later (or by another process) without any @lb classes.
 */

/** One summary statistic, already formatted for display by the caller (e.g. `{ label: 'CAGR', value: '12.4%' }`). */
export interface TearsheetStat {
  label: string;
  value: string;
}

/** The equity curve: parallel arrays of epoch-millisecond times (ascending) and account values. */
export interface TearsheetEquity {
  timesMs: number[];
  values: number[];
}

/** One fill. `time` is displayed as given (e.g. an ISO 8601 string). */
export interface TearsheetTrade {
  time: string;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: number;
  price: number;
  fee: number;
  /** Realized profit or loss of this fill, when the caller knows it. */
  pnl?: number;
}

/** Everything a tearsheet shows. */
export interface TearsheetInput {
  /** Page heading, e.g. `'ES futures SMA crossover'`. */
  title: string;
  /** Line under the heading, e.g. the data source and date range. */
  subtitle?: string;
  /** Summary statistics in display order. */
  stats: TearsheetStat[];
  equity: TearsheetEquity;
  trades: TearsheetTrade[];
}

/** Rendering knobs; the defaults suit curves of any length and a few thousand trades. */
export interface RenderTearsheetOptions {
  /** Most points drawn per chart; longer series are downsampled keeping each bucket's min and max. Default 5,000. */
  maxChartPoints?: number;
  /** Most trades rendered in the table; the rest are counted in a note. Default 1,000. */
  maxTradeRows?: number;
}
