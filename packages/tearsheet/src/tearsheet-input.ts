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
  /** Free text, e.g. `'roll'` for the fills of a continuous-futures roll. */
  tag?: string;
}

/** One drawdown period for the worst-drawdowns table. Times are ISO 8601 (shown as given). */
export interface TearsheetDrawdown {
  start: string;
  trough: string;
  /** null while not recovered at the end. */
  recovery: string | null;
  /** Positive fraction (0.1 = 10%). */
  depth: number;
  lengthDays: number;
}

/** One closed round trip for the round-trips table. */
export interface TearsheetRoundTrip {
  symbol: string;
  direction: 'long' | 'short';
  entryTime: string;
  exitTime: string;
  quantity: number;
  entryPrice: number;
  exitPrice: number;
  netPnl: number;
  fees: number;
  /** Maximum adverse and favourable excursions in money, when known. */
  mae?: number | null;
  mfe?: number | null;
  exitTag?: string;
}

/** A fill drawn on its instrument's price chart. */
export interface TearsheetMarker {
  timeMs: number;
  price: number;
  /** `'entry'` opened or added to a position, `'exit'` reduced or closed one. */
  role: 'entry' | 'exit';
}

/** A traded instrument's price chart with its fills. */
export interface TearsheetInstrument {
  symbol: string;
  /** Prices (e.g. bar closes); when absent the chart joins the fill prices. */
  timesMs?: number[];
  prices?: number[];
  markers: TearsheetMarker[];
}

/** Everything a tearsheet shows. Only `title`, `stats`, `equity` and `trades` are required. */
export interface TearsheetInput {
  /** Page heading, e.g. `'ES futures SMA crossover'`. */
  title: string;
  /** Line under the heading, e.g. the date range. */
  subtitle?: string;
  /** Where the data came from, shown in the header, e.g. `'bundled SYNTHETIC sample'`. */
  dataDescription?: string;
  /** Summary statistics in display order. */
  stats: TearsheetStat[];
  equity: TearsheetEquity;
  /** Buy-and-hold value at each of `equity.timesMs` (NaN or null before it starts), drawn beside equity. */
  benchmark?: { label: string; values: Array<number | null> };
  /** Daily returns (fractions) with each day's last time: the rolling charts and the histogram. */
  dailyReturns?: TearsheetEquity;
  /** `{ '2024': { '1': 0.012 } }` (months 1 to 12), fractions: the heatmap. */
  monthlyReturns?: Record<string, Record<string, number>>;
  /** `{ '2024': 0.08 }`, fractions: the yearly bars. */
  yearlyReturns?: Record<string, number>;
  worstDrawdowns?: TearsheetDrawdown[];
  roundTrips?: TearsheetRoundTrip[];
  /** Every fill; the table is paged, so none is left out. */
  trades: TearsheetTrade[];
  instruments?: TearsheetInstrument[];
  /** Shown in a highlighted box under the header. */
  warnings?: string[];
}

/** Rendering knobs; the defaults suit curves of any length and any number of trades. */
export interface RenderTearsheetOptions {
  /** Most points drawn per chart; longer series are downsampled keeping each bucket's min and max. Default 4,000. */
  maxChartPoints?: number;
  /** Rows per page of the trades and round-trips tables. Default 50. */
  pageSize?: number;
  /** Window of the rolling Sharpe and volatility, in trading days. Default 63 (shortened for short runs). */
  rollingWindowDays?: number;
}
