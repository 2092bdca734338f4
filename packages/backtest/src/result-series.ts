import type { Asset, Timestep } from '@lb/core';
import type { DataFeed, FeedSeries } from './data-feed.js';
import { lowerBound } from './search-sorted.js';
import type { SimulatedBroker } from './simulated-broker.js';

/** Bars of one traded instrument over the run, as `BacktestResult.prices` holds them (plain arrays). */
export interface BacktestPriceSeries {
  /** Bar open times, epoch milliseconds. */
  readonly timestampsMs: number[];
  readonly close: number[];
  readonly high: number[];
  readonly low: number[];
}

/** Inputs of {@link buildBenchmarkCurve}. */
export interface BenchmarkCurveInput {
  /** The benchmark's fill series. */
  readonly series: FeedSeries;
  /** Iteration instants of the equity curve, epoch milliseconds, ascending. */
  readonly timesMs: Float64Array;
  readonly budget: number;
}

/**
 * Buy-and-hold value of the benchmark at each iteration: the budget times the last close visible then over
 * the first close visible in the run (the budget until a bar has ended). A continuous future is held
 * through its rolls as the engine rolls a position: sold at the old contract's last close, bought at the new
 * contract's first open, so the gap between contracts is not counted as a return. Computed once after the
 * run with its own cursor, so the iteration loop carries no benchmark bookkeeping.
 */
export function buildBenchmarkCurve(input: BenchmarkCurveInput): Float64Array {
  const { series, timesMs, budget } = input;
  const bars = series.bars;
  const barTimesMs = series.timesMs;
  const open = bars.open;
  const close = bars.close;
  const durationMs = series.durationMs;
  const isContinuous = series.asset.type === 'continuous_future';
  const values = new Float64Array(timesMs.length);
  let visible = 0;
  let baseIndex = -1;
  // Product of (old contract's last close / new contract's first open) over the rolls since the base bar.
  let rollFactor = 1;
  for (let index = 0; index < timesMs.length; index++) {
    const nowMs = timesMs[index]!;
    const before = visible;
    while (visible < barTimesMs.length && barTimesMs[visible]! + durationMs <= nowMs) visible++;
    if (visible === 0) {
      values[index] = budget;
      continue;
    }
    if (baseIndex < 0) baseIndex = visible - 1;
    else if (isContinuous) {
      for (let bar = Math.max(before, baseIndex + 1); bar < visible; bar++) {
        if (bars.symbolAt(bar) !== bars.symbolAt(bar - 1)) rollFactor *= close[bar - 1]! / open[bar]!;
      }
    }
    values[index] = (budget * close[visible - 1]! * rollFactor) / close[baseIndex]!;
  }
  return values;
}

/** Inputs of {@link buildPriceSeries}. */
export interface PriceSeriesInput {
  /** The series the symbol was traded or marked with (a continuous series holds several contracts). */
  readonly series: FeedSeries;
  /** The traded instrument (`ESH4`); rows of other contracts of a continuous series are left out. */
  readonly symbol: string;
  /** Bars opening in `[startMs, endMs)` are kept: the run, without the warm-up. */
  readonly startMs: number;
  readonly endMs: number;
}

/** The bars of `symbol` within the run, for price charts and round trips' excursions (MAE/MFE). */
export function buildPriceSeries(input: PriceSeriesInput): BacktestPriceSeries {
  const { series, symbol, startMs, endMs } = input;
  const bars = series.bars;
  const barTimesMs = series.timesMs;
  const from = lowerBound(barTimesMs, startMs);
  const to = lowerBound(barTimesMs, endMs);
  // A continuous series holds several contracts: keep the rows of this one. Plain series keep the range.
  const keep =
    series.asset.type === 'continuous_future'
      ? (index: number) => bars.symbolAt(index) === symbol
      : undefined;
  let count = to - from;
  if (keep !== undefined) {
    count = 0;
    for (let index = from; index < to; index++) if (keep(index)) count++;
  }
  // Preallocated and filled with a double first: V8 then stores packed doubles once, where growing four
  // arrays by push over a year of minute bars costs more than the rest of building the result.
  const timestampsMs = new Array<number>(count).fill(0.5);
  const close = new Array<number>(count).fill(0.5);
  const high = new Array<number>(count).fill(0.5);
  const low = new Array<number>(count).fill(0.5);
  const closeColumn = bars.close;
  const highColumn = bars.high;
  const lowColumn = bars.low;
  let row = 0;
  for (let index = from; index < to; index++) {
    if (keep !== undefined && !keep(index)) continue;
    timestampsMs[row] = barTimesMs[index]!;
    close[row] = closeColumn[index]!;
    high[row] = highColumn[index]!;
    low[row] = lowColumn[index]!;
    row++;
  }
  return { timestampsMs, close, high, low };
}

/** A traded symbol and the series it was traded or marked with. */
export interface TradedSeries {
  readonly symbol: string;
  readonly series: FeedSeries;
}

/** Inputs of {@link buildTradedPrices}. */
export interface TradedPricesInput {
  readonly traded: readonly TradedSeries[];
  readonly startMs: number;
  readonly endMs: number;
}

/** {@link buildPriceSeries} for every traded symbol, keyed by symbol in the order first traded. */
export function buildTradedPrices(input: TradedPricesInput): Record<string, BacktestPriceSeries> {
  const prices: Record<string, BacktestPriceSeries> = {};
  for (const { symbol, series } of input.traded) {
    prices[symbol] = buildPriceSeries({ series, symbol, startMs: input.startMs, endMs: input.endMs });
  }
  return prices;
}

/**
 * Adds `key` to `target` as an enumerable property computed on first read and then kept as a plain value,
 * so `JSON.stringify`, spreading and `structuredClone` see it like any other field.
 */
export function defineLazyField<T extends object, K extends string, V>(
  target: T,
  key: K,
  compute: () => V,
): T & { readonly [P in K]: V } {
  let computed = false;
  let value: V;
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get() {
      if (computed) return value;
      value = compute();
      computed = true;
      // A result frozen before this read keeps its (memoised) accessor: redefining would throw.
      if (Object.isExtensible(target)) {
        Object.defineProperty(target, key, { value, enumerable: true, configurable: false });
      }
      return value;
    },
  });
  return target as T & { readonly [P in K]: V };
}

/**
 * A plain array copy of a typed array, preallocated and filled by a loop: `Array.from` or spreading goes
 * through the iterator protocol and is several times slower, and growing by push copies repeatedly.
 */
export function toNumberArray(values: Float64Array): number[] {
  // Filled with a double first so V8 allocates packed double storage once, not a holey array converted as
  // it fills (about twice as fast for the equity curve of a long run).
  const result = new Array<number>(values.length).fill(0.5);
  for (let index = 0; index < values.length; index++) result[index] = values[index]!;
  return result;
}

/** Inputs of {@link resolveBenchmarkCurve}. */
export interface ResolveBenchmarkOptions {
  /** The `benchmarkAsset` option; when absent, the first traded asset is the benchmark. */
  readonly benchmarkAsset: Asset | undefined;
  readonly broker: SimulatedBroker;
  readonly feed: DataFeed;
  readonly fillTimestep: Timestep;
  readonly timesMs: Float64Array;
  readonly budget: number;
}

/**
 * The benchmark and its buy-and-hold curve: the `benchmarkAsset` option, else the first traded asset (a
 * continuous future when it was traded through one). A dated contract or stock benchmarks itself: its bars
 * are loaded already, where building its continuous series would fetch (and bill) other contracts.
 */
export async function resolveBenchmarkCurve(
  options: ResolveBenchmarkOptions,
): Promise<{ readonly asset: Asset; readonly values: Float64Array } | undefined> {
  const { broker, timesMs } = options;
  const firstTrade = broker.trades[0];
  const asset =
    options.benchmarkAsset ?? (firstTrade === undefined ? undefined : broker.heldVia.get(firstTrade.symbol));
  if (asset === undefined || timesMs.length === 0) return undefined;
  const series = await options.feed.ensure(asset, options.fillTimestep, 1);
  return { asset, values: buildBenchmarkCurve({ series, timesMs, budget: options.budget }) };
}
