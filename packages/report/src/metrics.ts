import { InvalidArgumentError } from '@lb/core';
import { computeDrawdownPeriods, type DrawdownPeriod, selectWorstDrawdowns } from './drawdowns.js';
import {
  computeDailyCloses,
  computePeriodReturns,
  computeReturns,
  type DailyCloses,
  type TradingDayOptions,
} from './periods.js';
import { computeRoundTrips, type RoundTrip } from './round-trips.js';
import type { RunFill, RunPriceSeries, RunSeries } from './run-record.js';

const tradingDaysPerYear = 252;
const msPerYear = 365.25 * 86_400_000;

/** Inputs of {@link computeMetrics}: the same plain data for backtests, live runs and sweeps. */
export interface MetricsInput extends TradingDayOptions {
  /** Portfolio value after each iteration (times ascending). */
  readonly equity: RunSeries;
  /** Value before the first point (starting cash). */
  readonly initialCash: number;
  /** Fills in time order. */
  readonly fills: readonly RunFill[];
  /** Buy-and-hold value series; enables `benchmarkReturn`, `alpha`, `beta` and `correlation`. */
  readonly benchmark?: RunSeries;
  /** Prices by symbol, for the round trips' MAE and MFE. */
  readonly prices?: Readonly<Record<string, RunPriceSeries>>;
  /** Requested period, for CAGR and the drawdown start; default: the first and last equity points. */
  readonly periodStartMs?: number;
  readonly periodEndMs?: number;
  /** Annual risk-free rate for Sharpe and Sortino. Default 0. */
  readonly riskFreeRate?: number;
}

/**
 * The figures of a run, as written to `stats.json` under `metrics`. Ratios and returns are fractions
 * (0.1 = 10%), money in the account currency; null where a figure is undefined (too little data, no
 * losing trip, no benchmark). Daily figures use trading-day closes (see `dayEndHourUtc`), annualised with
 * 252 days, following quantstats' definitions.
 */
export interface RunMetrics {
  readonly startingValue: number;
  readonly endingValue: number;
  /** endingValue / startingValue - 1. */
  readonly totalReturn: number;
  /** (endingValue / startingValue) ^ (1 / years) - 1 over the period, 365.25-day years. */
  readonly cagr: number | null;
  /** Sample standard deviation of daily returns x sqrt(252). */
  readonly annualizedVolatility: number | null;
  /** mean(daily excess return) / sample std x sqrt(252). */
  readonly sharpe: number | null;
  /** mean(daily excess return) / sqrt(sum(min(excess, 0)^2) / n) x sqrt(252) (quantstats). */
  readonly sortino: number | null;
  /** cagr / maxDrawdown. */
  readonly calmar: number | null;
  /** Deepest fall of the per-iteration equity from a running peak (starting cash included), positive. */
  readonly maxDrawdown: number;
  readonly maxDrawdownPeakAt: string | null;
  readonly maxDrawdownAt: string | null;
  /** Longest drawdown period from peak to recovery (or to the end), calendar days. */
  readonly longestDrawdownDays: number;
  /** The five deepest drawdown periods, deepest first. */
  readonly worstDrawdowns: DrawdownPeriod[];
  /** Number of fills (executions), roll fills included. */
  readonly fills: number;
  /** Fills that reduced or closed a position. */
  readonly closingFills: number;
  /** Closed round trips (flat to flat per symbol). */
  readonly roundTrips: number;
  /** Share of round trips with a positive net P&L. */
  readonly winRate: number | null;
  /** Sum of winning round trips' net P&L / |sum of losing ones'|; null without a losing trip. */
  readonly profitFactor: number | null;
  /** Mean net P&L of winning round trips. */
  readonly averageWin: number | null;
  /** Mean net P&L of losing round trips (negative). */
  readonly averageLoss: number | null;
  /** Mean net P&L per round trip: winRate x averageWin + (1 - winRate) x averageLoss. */
  readonly expectancy: number | null;
  readonly feesPaid: number;
  /** Share of iterations that ended with an open position in any symbol. */
  readonly exposure: number;
  /** Trading days with at least one equity point. */
  readonly tradingDays: number;
  /** Compounded return per month: `{ '2024': { '1': 0.012 } }` (months 1 to 12). */
  readonly monthlyReturns: Record<string, Record<string, number>>;
  /** Compounded return per calendar year: `{ '2024': 0.08 }`. */
  readonly yearlyReturns: Record<string, number>;
  /** Benchmark's last value / first value - 1. */
  readonly benchmarkReturn: number | null;
  /** Annualised intercept of daily returns regressed on the benchmark's: (mean(r) - beta x mean(b)) x 252. */
  readonly alpha: number | null;
  /** cov(r, b) / var(b) of daily returns. */
  readonly beta: number | null;
  /** Pearson correlation of daily returns with the benchmark's. */
  readonly correlation: number | null;
}

/** Everything {@link analyzeRun} derives: the metrics and the series behind them. */
export interface RunAnalysis {
  readonly metrics: RunMetrics;
  readonly roundTrips: RoundTrip[];
  readonly fillRoles: Array<'entry' | 'exit'>;
  readonly dailyCloses: DailyCloses;
  /** Daily returns, aligned with `dailyCloses`. */
  readonly dailyReturns: number[];
  readonly drawdowns: DrawdownPeriod[];
}

/** Computes {@link RunMetrics}; see {@link analyzeRun} for the round trips and daily series as well. */
export function computeMetrics(input: MetricsInput): RunMetrics {
  return analyzeRun(input).metrics;
}

/**
 * Computes the metrics with the round trips, daily closes and drawdown periods they come from.
 * @throws InvalidArgumentError when the equity arrays differ in length or times are not ascending.
 */
export function analyzeRun(input: MetricsInput): RunAnalysis {
  validateSeries(input.equity, 'equity');
  if (input.benchmark) validateSeries(input.benchmark, 'benchmark');
  validateFills(input.fills);
  const { equity, initialCash } = input;
  const count = equity.values.length;
  const startMs = input.periodStartMs ?? equity.timesMs[0] ?? 0;
  const endMs = input.periodEndMs ?? equity.timesMs[count - 1] ?? startMs;
  const endingValue = count > 0 ? equity.values[count - 1]! : initialCash;
  const totalReturn = initialCash === 0 ? 0 : endingValue / initialCash - 1;
  const years = (endMs - startMs) / msPerYear;
  const growth =
    years > 0 && endingValue > 0 && initialCash > 0 ? (endingValue / initialCash) ** (1 / years) - 1 : null;
  // Compounding a short run over a year overflows; that is undefined, not Infinity.
  const cagr = growth !== null && Number.isFinite(growth) ? growth : null;

  const dayOptions = input.dayEndHourUtc === undefined ? {} : { dayEndHourUtc: input.dayEndHourUtc };
  const dailyCloses = computeDailyCloses(equity, dayOptions);
  const dailyReturns = computeReturns(dailyCloses.values, initialCash);
  const dailyRiskFree = (input.riskFreeRate ?? 0) / tradingDaysPerYear;
  const excess = dailyReturns.map((value) => value - dailyRiskFree);
  const deviation = sampleStandardDeviation(dailyReturns);
  const meanExcess = mean(excess);
  const annualizer = Math.sqrt(tradingDaysPerYear);
  const downside =
    excess.length >= 2
      ? Math.sqrt(excess.reduce((sum, value) => sum + Math.min(value, 0) ** 2, 0) / excess.length)
      : 0;

  const drawdowns = computeDrawdownPeriods(equity, initialCash, startMs);
  const deepest = selectWorstDrawdowns(drawdowns, 1)[0];
  const maxDrawdown = deepest?.depth ?? 0;
  const { monthly, yearly } = computePeriodReturns(dailyCloses, initialCash);

  const { roundTrips, fillRoles } = computeRoundTrips(input.fills, input.prices);
  const wins = roundTrips.filter((trip) => trip.netPnl > 0).map((trip) => trip.netPnl);
  const losses = roundTrips.filter((trip) => trip.netPnl < 0).map((trip) => trip.netPnl);
  const grossLoss = -sum(losses);

  const metrics: RunMetrics = {
    startingValue: initialCash,
    endingValue,
    totalReturn,
    cagr,
    annualizedVolatility: deviation === null ? null : deviation * annualizer,
    sharpe: deviation === null || deviation === 0 ? null : (meanExcess! / deviation) * annualizer,
    sortino: downside === 0 ? null : (meanExcess! / downside) * annualizer,
    calmar: cagr === null || maxDrawdown === 0 ? null : cagr / maxDrawdown,
    maxDrawdown,
    maxDrawdownPeakAt: deepest?.start ?? null,
    maxDrawdownAt: deepest?.trough ?? null,
    longestDrawdownDays: drawdowns.reduce((longest, period) => Math.max(longest, period.lengthDays), 0),
    worstDrawdowns: selectWorstDrawdowns(drawdowns, 5),
    fills: input.fills.length,
    closingFills: fillRoles.filter((role) => role === 'exit').length,
    roundTrips: roundTrips.length,
    winRate: roundTrips.length === 0 ? null : wins.length / roundTrips.length,
    profitFactor: grossLoss === 0 ? null : sum(wins) / grossLoss,
    averageWin: mean(wins),
    averageLoss: mean(losses),
    expectancy: mean(roundTrips.map((trip) => trip.netPnl)),
    feesPaid: sum(input.fills.map((fill) => fill.fee)),
    exposure: computeExposure(equity.timesMs, input.fills),
    tradingDays: dailyCloses.days.length,
    monthlyReturns: monthly,
    yearlyReturns: yearly,
    ...computeBenchmarkMetrics(input, dailyCloses, dailyReturns, dayOptions),
  };
  return { metrics, roundTrips, fillRoles, dailyCloses, dailyReturns, drawdowns };
}

function computeBenchmarkMetrics(
  input: MetricsInput,
  closes: DailyCloses,
  returns: readonly number[],
  dayOptions: TradingDayOptions,
): Pick<RunMetrics, 'benchmarkReturn' | 'alpha' | 'beta' | 'correlation'> {
  const none = { benchmarkReturn: null, alpha: null, beta: null, correlation: null };
  const benchmark = input.benchmark;
  if (benchmark === undefined || benchmark.values.length === 0) return none;
  const first = benchmark.values[0]!;
  const last = benchmark.values[benchmark.values.length - 1]!;
  const benchmarkCloses = computeDailyCloses(benchmark, dayOptions);
  const closeByDay = new Map(benchmarkCloses.days.map((day, index) => [day, benchmarkCloses.values[index]!]));
  // Pair each strategy day with the benchmark's return over the same day; days the benchmark lacks are
  // skipped rather than filled, so a missing day never reads as a flat benchmark.
  const strategyReturns: number[] = [];
  const benchmarkReturns: number[] = [];
  let previous = first;
  for (let index = 0; index < closes.days.length; index++) {
    const value = closeByDay.get(closes.days[index]!);
    if (value === undefined) continue;
    strategyReturns.push(returns[index]!);
    benchmarkReturns.push(previous === 0 ? 0 : value / previous - 1);
    previous = value;
  }
  const benchmarkReturn = first === 0 ? null : last / first - 1;
  if (strategyReturns.length < 2) return { ...none, benchmarkReturn };
  const meanStrategy = mean(strategyReturns)!;
  const meanBenchmark = mean(benchmarkReturns)!;
  let covariance = 0;
  let varianceStrategy = 0;
  let varianceBenchmark = 0;
  for (let index = 0; index < strategyReturns.length; index++) {
    const left = strategyReturns[index]! - meanStrategy;
    const right = benchmarkReturns[index]! - meanBenchmark;
    covariance += left * right;
    varianceStrategy += left * left;
    varianceBenchmark += right * right;
  }
  if (varianceBenchmark === 0) return { ...none, benchmarkReturn };
  const beta = covariance / varianceBenchmark;
  return {
    benchmarkReturn,
    alpha: (meanStrategy - beta * meanBenchmark) * tradingDaysPerYear,
    beta,
    correlation: varianceStrategy === 0 ? null : covariance / Math.sqrt(varianceStrategy * varianceBenchmark),
  };
}

/** Share of equity points at which some symbol's net position, after the fills up to that time, is open. */
function computeExposure(timesMs: readonly number[], fills: readonly RunFill[]): number {
  if (timesMs.length === 0) return 0;
  const positions = new Map<string, number>();
  let openSymbols = 0;
  let fillIndex = 0;
  let exposed = 0;
  for (const timeMs of timesMs) {
    while (fillIndex < fills.length && fills[fillIndex]!.timeMs <= timeMs) {
      const fill = fills[fillIndex++]!;
      const before = positions.get(fill.symbol) ?? 0;
      const after = before + (fill.side === 'buy' ? fill.quantity : -fill.quantity);
      const wasOpen = Math.abs(before) > 1e-9;
      const isOpen = Math.abs(after) > 1e-9;
      positions.set(fill.symbol, isOpen ? after : 0);
      openSymbols += Number(isOpen) - Number(wasOpen);
    }
    if (openSymbols > 0) exposed++;
  }
  return exposed / timesMs.length;
}

function validateSeries(series: RunSeries, name: string): void {
  if (series.timesMs.length !== series.values.length) {
    throw new InvalidArgumentError(
      `${name}.timesMs and ${name}.values must have the same length, got ${series.timesMs.length} and ${series.values.length}.`,
      { argument: name },
    );
  }
  for (let index = 1; index < series.timesMs.length; index++) {
    if (!(series.timesMs[index]! >= series.timesMs[index - 1]!)) {
      throw new InvalidArgumentError(
        `${name}.timesMs must be ascending finite epoch milliseconds; index ${index} (${series.timesMs[index]}) follows ${series.timesMs[index - 1]}. Sort the series by time first.`,
        { argument: `${name}.timesMs` },
      );
    }
  }
}

function validateFills(fills: readonly RunFill[]): void {
  for (let index = 0; index < fills.length; index++) {
    const fill = fills[index]!;
    const problem = !Number.isFinite(fill.timeMs)
      ? `timeMs must be finite epoch milliseconds, got ${fill.timeMs}`
      : index > 0 && fill.timeMs < fills[index - 1]!.timeMs
        ? `fills must be in time order; ${new Date(fill.timeMs).toISOString()} follows ${new Date(fills[index - 1]!.timeMs).toISOString()}`
        : fill.side !== 'buy' && fill.side !== 'sell'
          ? `side must be 'buy' or 'sell', got ${JSON.stringify(fill.side)}`
          : !(Number.isFinite(fill.quantity) && fill.quantity > 0)
            ? `quantity must be a positive number, got ${fill.quantity}`
            : !Number.isFinite(fill.price) || !Number.isFinite(fill.fee)
              ? `price and fee must be finite, got ${fill.price} and ${fill.fee}`
              : undefined;
    if (problem !== undefined) {
      throw new InvalidArgumentError(`fills[${index}] (${String(fill.symbol)}): ${problem}.`, {
        argument: `fills[${index}]`,
      });
    }
  }
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : sum(values) / values.length;
}

function sampleStandardDeviation(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const average = mean(values)!;
  return Math.sqrt(values.reduce((total, value) => total + (value - average) ** 2, 0) / (values.length - 1));
}
