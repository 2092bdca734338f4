import type { TradeRecord } from './simulated-broker.js';

/** Summary statistics of a backtest. Ratios are fractions (0.1 = 10%); null when undefined (too few data). */
export interface BacktestStats {
  readonly startingValue: number;
  readonly endingValue: number;
  /** endingValue / startingValue - 1. */
  readonly totalReturn: number;
  /** Compound annual growth rate over the requested period (365.25-day years); null when not finite. */
  readonly cagr: number | null;
  /** Standard deviation of daily (per-session) returns x sqrt(252). */
  readonly annualizedVolatility: number | null;
  /** Mean daily excess return / its standard deviation x sqrt(252). */
  readonly sharpe: number | null;
  /** Largest peak-to-trough fall of the equity curve, as a positive fraction. */
  readonly maxDrawdown: number;
  /** When the deepest trough was reached (ISO 8601), or null without a drawdown. */
  readonly maxDrawdownAt: string | null;
  /** When the peak before the deepest trough was set (ISO 8601), or null without a drawdown. */
  readonly maxDrawdownPeakAt: string | null;
  /** Number of fills. */
  readonly numberOfTrades: number;
  /** Fills that closed at least part of a position. */
  readonly closingTrades: number;
  /** Share of closing fills with a positive realised P&L net of their fee; null without closing fills. */
  readonly winRate: number | null;
  readonly feesPaid: number;
}

/** Inputs of {@link computeStats}. */
export interface StatsInput {
  readonly startingValue: number;
  readonly startMs: number;
  readonly endMs: number;
  /** Iteration instants and portfolio values. */
  readonly timesMs: Float64Array;
  readonly values: ArrayLike<number>;
  /** Index of each session's first iteration, plus one final entry equal to the number of iterations. */
  readonly sessionFirstIteration: Int32Array;
  readonly trades: readonly TradeRecord[];
  readonly feesPaid: number;
  /** Annual risk-free rate for the Sharpe ratio. */
  readonly riskFreeRate: number;
}

const TRADING_DAYS_PER_YEAR = 252;
const MS_PER_YEAR = 365.25 * 86_400_000;

/** Computes {@link BacktestStats} from an equity curve and its trades. Daily figures use session closes. */
export function computeStats(input: StatsInput): BacktestStats {
  const { values, timesMs, startingValue } = input;
  const count = values.length;
  const endingValue = count > 0 ? values[count - 1]! : startingValue;
  const years = (input.endMs - input.startMs) / MS_PER_YEAR;
  // Compounding a short run over a year overflows (+5% in ten minutes is e^2566): report that as undefined
  // (null) rather than Infinity, which JSON.stringify would silently turn into null anyway.
  const growth =
    years > 0 && endingValue > 0 && startingValue > 0
      ? (endingValue / startingValue) ** (1 / years) - 1
      : null;
  const cagr = growth !== null && Number.isFinite(growth) ? growth : null;

  // Daily returns from the value at the end of each session, the first one against the starting value.
  const sessions = input.sessionFirstIteration;
  const dailyReturns: number[] = [];
  let previous = startingValue;
  for (let session = 0; session + 1 < sessions.length; session++) {
    const last = sessions[session + 1]! - 1;
    if (last < sessions[session]!) continue;
    const value = values[last]!;
    dailyReturns.push(previous === 0 ? 0 : value / previous - 1);
    previous = value;
  }
  let annualizedVolatility: number | null = null;
  let sharpe: number | null = null;
  if (dailyReturns.length >= 2) {
    const mean = dailyReturns.reduce((sum, value) => sum + value, 0) / dailyReturns.length;
    const variance =
      dailyReturns.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (dailyReturns.length - 1);
    const deviation = Math.sqrt(variance);
    annualizedVolatility = deviation * Math.sqrt(TRADING_DAYS_PER_YEAR);
    sharpe =
      deviation === 0
        ? null
        : ((mean - input.riskFreeRate / TRADING_DAYS_PER_YEAR) / deviation) *
          Math.sqrt(TRADING_DAYS_PER_YEAR);
  }

  let peak = startingValue;
  let peakIndex = -1;
  let maxDrawdown = 0;
  let troughIndex = -1;
  let peakOfMaxIndex = -1;
  for (let index = 0; index < count; index++) {
    const value = values[index]!;
    if (value > peak) {
      peak = value;
      peakIndex = index;
    } else if (peak > 0) {
      const drawdown = 1 - value / peak;
      if (drawdown > maxDrawdown) {
        maxDrawdown = drawdown;
        troughIndex = index;
        peakOfMaxIndex = peakIndex;
      }
    }
  }

  let closingTrades = 0;
  let wins = 0;
  for (const trade of input.trades) {
    if (trade.closedQuantity === 0) continue;
    closingTrades++;
    if (trade.realizedPnl - trade.fee > 0) wins++;
  }

  const isoAt = (index: number): string | null =>
    index < 0
      ? troughIndex < 0
        ? null
        : new Date(input.startMs).toISOString()
      : new Date(timesMs[index]!).toISOString();
  return {
    startingValue,
    endingValue,
    totalReturn: startingValue === 0 ? 0 : endingValue / startingValue - 1,
    cagr,
    annualizedVolatility,
    sharpe,
    maxDrawdown,
    maxDrawdownAt: troughIndex < 0 ? null : new Date(timesMs[troughIndex]!).toISOString(),
    maxDrawdownPeakAt: troughIndex < 0 ? null : isoAt(peakOfMaxIndex),
    numberOfTrades: input.trades.length,
    closingTrades,
    winRate: closingTrades === 0 ? null : wins / closingTrades,
    feesPaid: input.feesPaid,
  };
}
