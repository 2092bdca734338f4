import { type Asset, assetKey, type StatsRow, type Strategy } from '@lb/core';
import type { BacktestResult, BacktestStatsRow } from './backtest-result.js';
import type { FuturesLedger } from './futures-ledger.js';
import { describeAsset } from './instruments.js';
import { buildTradedPrices, defineLazyField, type TradedSeries, toNumberArray } from './result-series.js';
import type { SimulatedBroker } from './simulated-broker.js';
import { computeStats } from './stats.js';

/** Everything a finished run hands to {@link buildBacktestResult}. */
export interface BuildResultInput {
  readonly strategy: Strategy<object>;
  readonly startMs: number;
  readonly endMs: number;
  readonly budget: number;
  readonly riskFreeRate: number;
  readonly broker: SimulatedBroker;
  readonly ledger: FuturesLedger;
  /** Iteration instants, epoch milliseconds. */
  readonly timesMs: Float64Array;
  /** Portfolio value and cash after each iteration. */
  readonly values: Float64Array;
  readonly cash: Float64Array;
  readonly benchmark: { readonly asset: Asset; readonly values: Float64Array } | undefined;
  readonly statsRows: BacktestStatsRow[];
  /** Number of onTradingIteration calls. */
  readonly iterations: number;
  /** Index of each session's first iteration, plus one final entry equal to the number of iterations. */
  readonly sessionFirstIteration: Int32Array;
  readonly warnings: string[];
  readonly logs: string[];
}

/** The series each traded symbol is priced from, in the order first traded. */
function tradedSeriesOf(broker: SimulatedBroker): TradedSeries[] {
  const traded: TradedSeries[] = [];
  const seen = new Set<string>();
  for (const trade of broker.trades) {
    if (seen.has(trade.symbol)) continue;
    seen.add(trade.symbol);
    const series = broker.markSeries.get(trade.symbol);
    if (series !== undefined) traded.push({ symbol: trade.symbol, series });
  }
  return traded;
}

/** The plain, JSON-ready result of a run; its large array fields are built on first read. */
export function buildBacktestResult(input: BuildResultInput): BacktestResult {
  const { broker, benchmark } = input;
  const finalPositions = input.ledger.holdings
    .filter((holding) => holding.quantity !== 0)
    .map((holding) => ({
      symbol: holding.instrument.symbol,
      quantity: holding.quantity,
      averagePrice: holding.entryNotional / holding.quantity,
      lastPrice: holding.markPrice,
    }));
  const result = {
    strategy: input.strategy.constructor.name,
    start: new Date(input.startMs).toISOString(),
    end: new Date(input.endMs).toISOString(),
    budget: input.budget,
    parameters: { ...input.strategy.parameters } as Record<string, unknown>,
    iterations: input.iterations,
    ...(benchmark === undefined ? {} : { benchmarkAsset: assetKey(benchmark.asset) }),
    trades: broker.trades,
    positions: broker.positions,
    finalPositions,
    stats: computeStats({
      startingValue: input.budget,
      startMs: input.startMs,
      endMs: input.endMs,
      timesMs: input.timesMs,
      values: input.values,
      sessionFirstIteration: input.sessionFirstIteration,
      trades: broker.trades,
      feesPaid: broker.feesPaid,
      riskFreeRate: input.riskFreeRate,
    }),
    statsRows: input.statsRows,
    warnings: input.warnings,
    logs: input.logs,
  };
  const traded = tradedSeriesOf(broker);
  // The big plain-array fields are built on first read: copying a year of minute points into plain arrays
  // costs milliseconds per column, a sizeable share of a fast run, and many callers never read them all.
  const equityCurve = defineLazyField(result, 'equityCurve', () => ({
    timestampsMs: toNumberArray(input.timesMs),
    portfolioValue: toNumberArray(input.values),
    cash: toNumberArray(input.cash),
    ...(benchmark === undefined ? {} : { benchmark: toNumberArray(benchmark.values) }),
  }));
  const withOrders = defineLazyField(equityCurve, 'orders', () => broker.orderRecords());
  const withPrices = defineLazyField(withOrders, 'prices', () =>
    buildTradedPrices({ traded, startMs: input.startMs, endMs: input.endMs }),
  );
  if (benchmark === undefined) return withPrices;
  return defineLazyField(withPrices, 'benchmarkEquity', () => ({
    asset: describeAsset(benchmark.asset),
    portfolioValue: withPrices.equityCurve.benchmark!,
  }));
}

/** A `traceStats()` row stamped with its iteration time (ISO, UTC). */
export function toStatsRow(nowMs: number, row: StatsRow): BacktestStatsRow {
  return { time: new Date(nowMs).toISOString(), ...row };
}
