import { InvalidArgumentError } from '@lb/core';
import { describe, expect, it } from 'vitest';
import { analyzeRun, computeMetrics } from './metrics.js';
import { tradingDayOf } from './periods.js';
import type { RunFill } from './run-record.js';

const day = 86_400_000;
/** 15:00 UTC on the nth day after 2024-01-01 (a Monday). */
const at = (dayIndex: number) => Date.UTC(2024, 0, 1, 15) + dayIndex * day;

/** One equity point per day, compounding `returns` from `initialCash`. */
function compound(returns: readonly number[], initialCash: number, firstDay = 0) {
  const timesMs: number[] = [];
  const values: number[] = [];
  let value = initialCash;
  returns.forEach((dailyReturn, index) => {
    value *= 1 + dailyReturn;
    timesMs.push(at(firstDay + index));
    values.push(value);
  });
  return { timesMs, values };
}

/** A buy and a sell of one unit (multiplier 1, no fee) closing with `pnl`. */
function roundTripFills(pnls: readonly number[]): RunFill[] {
  return pnls.flatMap((pnl, index) => [
    { timeMs: at(index) + 1_000, symbol: 'ESH4', side: 'buy' as const, quantity: 1, price: 100, fee: 0 },
    {
      timeMs: at(index) + 2_000,
      symbol: 'ESH4',
      side: 'sell' as const,
      quantity: 1,
      price: 100 + pnl,
      fee: 0,
    },
  ]);
}

describe('computeMetrics', () => {
  // r = [1%, -2%, 1.5%, 0.5%, -1%, 2%, -0.5%, 1%, -1.5%, 0%]: sum 0.01, mean 0.001, sum r^2 0.0016.
  const returns = [0.01, -0.02, 0.015, 0.005, -0.01, 0.02, -0.005, 0.01, -0.015, 0];
  const metrics = computeMetrics({ equity: compound(returns, 100), initialCash: 100, fills: [] });

  it('should compute Sortino of a 10-return series as quantstats does', () => {
    // Downside deviation: sqrt((0.02^2 + 0.01^2 + 0.005^2 + 0.015^2) / 10) = sqrt(0.000075).
    // Sortino = 0.001 / sqrt(0.000075) x sqrt(252) = sqrt(252 x 1e-6 / 0.000075) = sqrt(3.36).
    expect(metrics.sortino).toBeCloseTo(Math.sqrt(3.36), 10);
  });

  it('should compute Sharpe and volatility with the sample deviation', () => {
    // sum (r - mean)^2 = 0.0016 - 10 x 0.001^2 = 0.00159; sample variance 0.00159 / 9.
    expect(metrics.annualizedVolatility).toBeCloseTo(Math.sqrt((0.00159 / 9) * 252), 10);
    expect(metrics.sharpe).toBeCloseTo(Math.sqrt((252 * 0.000001 * 9) / 0.00159), 10);
    expect(metrics.tradingDays).toBe(10);
  });

  it('should compute profit factor, average win and loss and expectancy from round trips', () => {
    // Wins 100 + 200 + 75 + 50 + 25 = 450; losses -50 - 25 - 100 - 25 = -200; one flat trip.
    const result = computeMetrics({
      equity: compound([0], 100),
      initialCash: 100,
      fills: roundTripFills([100, -50, 200, -25, 0, 75, -100, 50, -25, 25]),
    });
    expect(result.roundTrips).toBe(10);
    expect(result.fills).toBe(20);
    expect(result.closingFills).toBe(10);
    expect(result.profitFactor).toBe(2.25);
    expect(result.averageWin).toBe(90);
    expect(result.averageLoss).toBe(-50);
    expect(result.winRate).toBe(0.5);
    expect(result.expectancy).toBe(25);
  });

  it('should report null ratios without a losing trip or without trips', () => {
    const noLoss = computeMetrics({
      equity: compound([0], 100),
      initialCash: 100,
      fills: roundTripFills([10]),
    });
    expect(noLoss.profitFactor).toBeNull();
    expect(noLoss.averageLoss).toBeNull();
    expect(noLoss.averageWin).toBe(10);
    const none = computeMetrics({ equity: compound([0], 100), initialCash: 100, fills: [] });
    expect([none.winRate, none.expectancy, none.sharpe, none.sortino, none.calmar]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('should compound monthly and yearly returns across a year boundary', () => {
    const equity = {
      timesMs: [
        Date.UTC(2023, 10, 30, 15), // 100: November flat
        Date.UTC(2023, 11, 15, 15), // 110
        Date.UTC(2023, 11, 29, 15), // 105: December +5%
        Date.UTC(2024, 0, 2, 15), // 99.75
        Date.UTC(2024, 0, 31, 15), // 115.5: January 115.5 / 105 - 1 = +10%
        Date.UTC(2024, 1, 1, 15), // 103.95: February -10%
      ],
      values: [100, 110, 105, 99.75, 115.5, 103.95],
    };
    const result = computeMetrics({ equity, initialCash: 100, fills: [] });
    expect(Object.keys(result.monthlyReturns)).toEqual(['2023', '2024']);
    expect(Object.keys(result.monthlyReturns['2023']!)).toEqual(['11', '12']);
    expect(result.monthlyReturns['2023']!['11']).toBe(0);
    expect(result.monthlyReturns['2023']!['12']).toBeCloseTo(0.05, 12);
    expect(result.monthlyReturns['2024']!['1']).toBeCloseTo(0.1, 12);
    expect(result.monthlyReturns['2024']!['2']).toBeCloseTo(-0.1, 12);
    expect(result.yearlyReturns['2023']).toBeCloseTo(0.05, 12);
    // 103.95 / 105 - 1, which is also (1.1 x 0.9) - 1.
    expect(result.yearlyReturns['2024']).toBeCloseTo(-0.01, 12);
  });

  it('should count an evening session after 22:00 UTC towards the next trading day', () => {
    expect(tradingDayOf(Date.UTC(2023, 11, 31, 23))).toBe('2024-01-01');
    expect(tradingDayOf(Date.UTC(2023, 11, 31, 21, 59))).toBe('2023-12-31');
    expect(tradingDayOf(Date.UTC(2023, 11, 31, 23), 24)).toBe('2023-12-31');
  });

  it('should find drawdown periods with their peak, trough, recovery, depth and length', () => {
    const equity = {
      timesMs: [at(1), at(2), at(3), at(4), at(7)],
      // 110 peak; 99 (-10%); 121 recovers and peaks; 96.8 (-20%); 110 still under water at the end.
      values: [110, 99, 121, 96.8, 110],
    };
    const analysis = analyzeRun({ equity, initialCash: 100, fills: [], periodStartMs: at(0) });
    expect(analysis.drawdowns).toEqual([
      {
        start: new Date(at(1)).toISOString(),
        trough: new Date(at(2)).toISOString(),
        recovery: new Date(at(3)).toISOString(),
        depth: expect.closeTo(0.1, 12),
        lengthDays: 2,
      },
      {
        start: new Date(at(3)).toISOString(),
        trough: new Date(at(4)).toISOString(),
        recovery: null,
        depth: expect.closeTo(0.2, 12),
        lengthDays: 4,
      },
    ]);
    const { metrics } = analysis;
    expect(metrics.maxDrawdown).toBeCloseTo(0.2, 12);
    expect(metrics.maxDrawdownPeakAt).toBe(new Date(at(3)).toISOString());
    expect(metrics.maxDrawdownAt).toBe(new Date(at(4)).toISOString());
    expect(metrics.longestDrawdownDays).toBe(4);
    expect(metrics.worstDrawdowns.map((period) => period.recovery)).toEqual([
      null,
      new Date(at(3)).toISOString(),
    ]);
    expect(metrics.calmar).toBeCloseTo(metrics.cagr! / metrics.maxDrawdown, 12);
  });

  it('should regress daily returns on the benchmark: beta, alpha, correlation and its return', () => {
    // Strategy daily returns are 2 x the benchmark's + 0.1%: beta 2, correlation 1, alpha 0.001 x 252.
    const benchmarkReturns = [0.01, -0.01, 0.02, 0];
    const strategy = compound(
      benchmarkReturns.map((value) => 2 * value + 0.001),
      100,
      1,
    );
    const benchmarkDays = compound(benchmarkReturns, 100, 1);
    const benchmark = {
      timesMs: [at(0), ...benchmarkDays.timesMs],
      values: [100, ...benchmarkDays.values],
    };
    const result = computeMetrics({ equity: strategy, initialCash: 100, fills: [], benchmark });
    expect(result.beta).toBeCloseTo(2, 10);
    expect(result.correlation).toBeCloseTo(1, 10);
    expect(result.alpha).toBeCloseTo(0.252, 10);
    expect(result.benchmarkReturn).toBeCloseTo(1.01 * 0.99 * 1.02 - 1, 12);
    const without = computeMetrics({ equity: strategy, initialCash: 100, fills: [] });
    expect([without.benchmarkReturn, without.alpha, without.beta, without.correlation]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it('should measure exposure as the share of iterations ending with an open position', () => {
    const equity = { timesMs: [at(0), at(1), at(2), at(3)], values: [100, 100, 100, 100] };
    const fills: RunFill[] = [
      { timeMs: at(0), symbol: 'ESH4', side: 'buy', quantity: 2, price: 1, fee: 0 },
      { timeMs: at(1) + 1, symbol: 'ESH4', side: 'sell', quantity: 1, price: 1, fee: 0 },
      { timeMs: at(2), symbol: 'ESH4', side: 'sell', quantity: 1, price: 1, fee: 0 },
    ];
    // Open after at(0) and at(1) (one unit left), flat from at(2).
    expect(computeMetrics({ equity, initialCash: 100, fills }).exposure).toBe(0.5);
  });

  it('should reject equity arrays of different lengths or unsorted times with a typed error', () => {
    const bad = () =>
      computeMetrics({ equity: { timesMs: [2, 1], values: [1, 1] }, initialCash: 1, fills: [] });
    expect(bad).toThrow(/equity.timesMs must be ascending/);
    let thrown: unknown;
    try {
      computeMetrics({ equity: { timesMs: [1], values: [] }, initialCash: 1, fills: [] });
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidArgumentError).argument).toBe('equity');
  });

  it('should reject a fill with a non-positive quantity, an unknown side or out of time order', () => {
    const equity = compound([0], 100);
    const fill: RunFill = { timeMs: at(0), symbol: 'ESH4', side: 'buy', quantity: 1, price: 1, fee: 0 };
    const metricsOf = (fills: RunFill[]) => () => computeMetrics({ equity, initialCash: 100, fills });
    expect(metricsOf([{ ...fill, quantity: 0 }])).toThrow(
      'fills[0] (ESH4): quantity must be a positive number, got 0.',
    );
    expect(metricsOf([{ ...fill, side: 'hold' as 'buy' }])).toThrow(
      `fills[0] (ESH4): side must be 'buy' or 'sell', got "hold".`,
    );
    expect(metricsOf([fill, { ...fill, timeMs: at(0) - 1 }])).toThrow(
      /^fills\[1\] \(ESH4\): fills must be in time order/,
    );
    expect(metricsOf([{ ...fill, price: Number.NaN }])).toThrow(
      'fills[0] (ESH4): price and fee must be finite, got NaN and 0.',
    );
  });
});
