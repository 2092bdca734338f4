import { describe, expect, it } from 'vitest';
import { type BacktestResultLike, fromBacktestResult } from './from-backtest-result.js';

// Today's BacktestResult shape (trimmed to what the adapter reads), without the newer fields.
const today: BacktestResultLike = {
  strategy: 'EsSmaCrossover',
  start: '2023-12-01T00:00:00.000Z',
  end: '2024-01-31T00:00:00.000Z',
  budget: 100_000,
  parameters: { fast: 20 },
  iterations: 2,
  equityCurve: {
    timestampsMs: [Date.UTC(2023, 11, 4, 14, 30), Date.UTC(2023, 11, 4, 14, 31)],
    portfolioValue: [100_000, 100_012.5],
    cash: [100_000, 99_999.5],
  },
  trades: [
    {
      timestampMs: Date.UTC(2023, 11, 4, 14, 30),
      asset: 'continuous_future:ES',
      symbol: 'ESZ3',
      side: 'buy',
      quantity: 1,
      price: 4_600,
      fee: 0.5,
      realizedPnl: 0,
      orderId: '1',
    },
  ],
  stats: { numberOfTrades: 1 },
};

describe('fromBacktestResult', () => {
  it("should map today's result: equity, cash, fills and the engine's stats", () => {
    const record = fromBacktestResult(today, { dataDescription: 'bundled SYNTHETIC sample' });
    expect(record).toEqual({
      strategy: 'EsSmaCrossover',
      start: '2023-12-01T00:00:00.000Z',
      end: '2024-01-31T00:00:00.000Z',
      initialCash: 100_000,
      dataDescription: 'bundled SYNTHETIC sample',
      parameters: { fast: 20 },
      iterations: 2,
      equity: { timesMs: today.equityCurve.timestampsMs, values: [100_000, 100_012.5] },
      cash: [100_000, 99_999.5],
      fills: [
        {
          timeMs: Date.UTC(2023, 11, 4, 14, 30),
          symbol: 'ESZ3',
          asset: 'continuous_future:ES',
          side: 'buy',
          quantity: 1,
          price: 4_600,
          fee: 0.5,
          realizedPnl: 0,
          orderId: '1',
        },
      ],
      warnings: [],
      engineStats: { numberOfTrades: 1 },
    });
  });

  it('should read warnings, traced rows, the benchmark series and roll tags when the engine provides them', () => {
    const record = fromBacktestResult(
      {
        ...today,
        equityCurve: { ...today.equityCurve, benchmark: [100_000, 100_050] },
        benchmarkAsset: 'continuous_future:ES',
        trades: [{ ...today.trades[0]!, tag: 'roll' }],
        warnings: ['No bars for ESZ3 on 2023-12-04'],
        traceStats: [{ time: '2023-12-04T14:30:00.000Z', sma: 4_600 }],
        prices: {
          ESZ3: { timestampsMs: [1, 2], close: [4_600, 4_601], high: [4_602, 4_603], low: [4_598, 4_599] },
        },
      },
      { dataDescription: 'x' },
    );
    expect(record.benchmark).toEqual({
      label: 'continuous_future:ES buy and hold',
      timesMs: today.equityCurve.timestampsMs,
      values: [100_000, 100_050],
    });
    expect(record.fills[0]!.tag).toBe('roll');
    expect(record.warnings).toEqual(['No bars for ESZ3 on 2023-12-04']);
    expect(record.statsRows).toEqual([{ time: '2023-12-04T14:30:00.000Z', sma: 4_600 }]);
    expect(record.prices).toEqual({
      ESZ3: { timesMs: [1, 2], values: [4_600, 4_601], highs: [4_602, 4_603], lows: [4_598, 4_599] },
    });
  });

  it("should read the traced rows under @lb/backtest's name, statsRows", () => {
    const rows = [{ time: '2023-12-04T14:30:00.000Z', sma: 4_600 }];
    const record = fromBacktestResult({ ...today, statsRows: rows }, { dataDescription: 'x' });
    expect(record.statsRows).toEqual([{ time: '2023-12-04T14:30:00.000Z', sma: 4_600 }]);
  });
});
