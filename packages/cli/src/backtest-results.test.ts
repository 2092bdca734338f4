import type { BacktestResult } from '@lb/backtest';
import { describe, expect, it } from 'vitest';
import { equityToCsv, toTearsheetInput, tradesToCsv } from './backtest-results.js';

const result = {
  strategy: 'Test',
  start: '2024-01-03T00:00:00.000Z',
  end: '2024-01-04T00:00:00.000Z',
  budget: 1000,
  parameters: {},
  iterations: 2,
  equityCurve: {
    timestampsMs: [Date.UTC(2024, 0, 3, 14, 30), Date.UTC(2024, 0, 3, 14, 31)],
    portfolioValue: [1000, 1012.5],
    cash: [1000, 700],
  },
  trades: [
    {
      orderId: '1',
      time: '2024-01-03T14:30:00.000Z',
      timestampMs: Date.UTC(2024, 0, 3, 14, 30),
      asset: 'continuous_future:MES',
      symbol: 'MESH4',
      side: 'buy',
      quantity: 1,
      price: 4700.25,
      fee: 0.5,
      realizedPnl: 0,
      closedQuantity: 0,
      tag: 'entry, "fast"',
    },
  ],
  orders: [],
  positions: [],
  finalPositions: [],
  stats: {
    startingValue: 1000,
    endingValue: 1012.5,
    totalReturn: 0.0125,
    cagr: null,
    annualizedVolatility: null,
    sharpe: null,
    maxDrawdown: 0,
    maxDrawdownAt: null,
    maxDrawdownPeakAt: null,
    numberOfTrades: 1,
    closingTrades: 0,
    winRate: null,
    feesPaid: 0.5,
  },
  logs: [],
} as unknown as BacktestResult;

describe('backtest result files', () => {
  it('should write trades as CSV, quoting fields with commas or quotes', () => {
    expect(tradesToCsv(result)).toBe(
      'time,asset,symbol,side,quantity,price,fee,realized_pnl,order_id,tag\n' +
        '2024-01-03T14:30:00.000Z,continuous_future:MES,MESH4,buy,1,4700.25,0.5,0,1,"entry, ""fast"""\n',
    );
  });

  it('should write the equity curve with ISO times', () => {
    expect(equityToCsv(result)).toBe(
      'time,portfolio_value,cash\n2024-01-03T14:30:00.000Z,1000,1000\n2024-01-03T14:31:00.000Z,1012.5,700\n',
    );
  });

  it('should format stats for the tearsheet and keep P&L only on closing fills', () => {
    const input = toTearsheetInput(result, { title: 'T' });
    expect(input.stats.find((stat) => stat.label === 'Total return')?.value).toBe('1.25%');
    expect(input.stats.find((stat) => stat.label === 'Sharpe')?.value).toBe('n/a');
    expect(input.trades[0]).not.toHaveProperty('pnl');
    expect(input.equity.values).toEqual([1000, 1012.5]);
  });
});
