import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BacktestResult } from '@lb/backtest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBacktestResults } from './backtest-results.js';

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
  stats: { numberOfTrades: 1 },
  logs: [],
} as unknown as BacktestResult;

describe('writeBacktestResults', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'lb-cli-results-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it("should write today's file names through @lb/report, each run in its own folder", async () => {
    const options = {
      outDir: scratch,
      runId: 'run',
      result,
      description: { title: 'T', dataDescription: 'DBN files' },
    };
    const first = await writeBacktestResults(options);
    const second = await writeBacktestResults(options);
    expect([first.directory, second.directory]).toEqual([
      path.join(scratch, 'run'),
      path.join(scratch, 'run-2'),
    ]);
    expect((await readdir(first.directory)).sort()).toEqual([
      'equity.csv',
      'round_trips.csv',
      'stats.json',
      'tearsheet.html',
      'trades.csv',
    ]);
    expect(await readFile(first.tradesCsv, 'utf8')).toBe(
      'time,asset,symbol,side,quantity,price,fee,realized_pnl,order_id,tag\n' +
        '2024-01-03T14:30:00.000Z,continuous_future:MES,MESH4,buy,1,4700.25,0.5,0,1,"entry, ""fast"""\n',
    );
    expect(await readFile(first.equityCsv, 'utf8')).toBe(
      'time,portfolio_value,cash\n2024-01-03T14:30:00.000Z,1000,1000\n2024-01-03T14:31:00.000Z,1012.5,700\n',
    );
    const stats = JSON.parse(await readFile(first.statsJson, 'utf8'));
    expect([stats.metrics.fills, stats.metrics.roundTrips]).toEqual([1, 0]);
    expect(stats.metrics.totalReturn).toBeCloseTo(0.0125, 12);
    expect(stats.engineStats).toEqual({ numberOfTrades: 1 });
    expect(await readFile(first.tearsheetHtml, 'utf8')).toContain('Data: <strong>DBN files</strong>');
  });
});
