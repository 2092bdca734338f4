import { describe, expect, it } from 'vitest';
import type { TradeRecord } from './simulated-broker.js';
import { computeStats } from './stats.js';

describe('computeStats', () => {
  it('should compute returns, drawdown with its dates, and daily volatility', () => {
    const day = 86_400_000;
    const stats = computeStats({
      startingValue: 100,
      startMs: 0,
      endMs: 4 * day,
      timesMs: Float64Array.from([0, day, 2 * day, 3 * day]),
      values: Float64Array.from([110, 99, 120, 132]),
      sessionFirstIteration: Int32Array.from([0, 1, 2, 3, 4]),
      trades: [],
      feesPaid: 0,
      riskFreeRate: 0,
    });
    expect(stats.totalReturn).toBeCloseTo(0.32, 12);
    expect(stats.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(stats.maxDrawdownAt).toBe('1970-01-02T00:00:00.000Z');
    expect(stats.maxDrawdownPeakAt).toBe('1970-01-01T00:00:00.000Z');
    // Daily returns 0.1, -0.1, 0.2121..., 0.1: sample deviation x sqrt(252).
    const returns = [0.1, -0.1, 120 / 99 - 1, 0.1];
    const mean = returns.reduce((a, b) => a + b) / 4;
    const deviation = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / 3);
    expect(stats.annualizedVolatility).toBeCloseTo(deviation * Math.sqrt(252), 12);
    expect(stats.sharpe).toBeCloseTo((mean / deviation) * Math.sqrt(252), 12);
    expect(stats.winRate).toBeNull();
  });
});

describe('computeStats CAGR and trades', () => {
  const base = {
    startingValue: 100,
    startMs: 0,
    timesMs: Float64Array.from([0]),
    sessionFirstIteration: Int32Array.from([0, 1]),
    feesPaid: 0,
    riskFreeRate: 0,
  };

  it('should compound over 365.25-day years', () => {
    const stats = computeStats({
      ...base,
      endMs: 2 * 365.25 * 86_400_000,
      values: Float64Array.from([121]),
      trades: [],
    });
    expect(stats.cagr).toBeCloseTo(0.1, 12);
    expect(stats.totalReturn).toBeCloseTo(0.21, 12);
    expect(stats.maxDrawdown).toBe(0);
    expect(stats.maxDrawdownAt).toBeNull();
  });

  it('should report a CAGR that overflows as null, never Infinity', () => {
    const stats = computeStats({ ...base, endMs: 600_000, values: Float64Array.from([105]), trades: [] });
    expect(stats.cagr).toBeNull();
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
  });

  it('should count fills and the share of closing fills that made money net of their fee', () => {
    const trade = (realizedPnl: number, closedQuantity: number, fee: number) =>
      ({ realizedPnl, closedQuantity, fee }) as TradeRecord;
    const stats = computeStats({
      ...base,
      endMs: 600_000,
      values: Float64Array.from([100]),
      trades: [trade(0, 0, 1), trade(50, 1, 1), trade(0.5, 1, 1), trade(-20, 1, 1)],
      feesPaid: 4,
    });
    expect([stats.numberOfTrades, stats.closingTrades, stats.winRate, stats.feesPaid]).toEqual([
      4,
      3,
      1 / 3,
      4,
    ]);
  });
});
