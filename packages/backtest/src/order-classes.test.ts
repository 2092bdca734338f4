import { type Asset, future, type Order } from '@lb/core';
import { MockDataSource } from '@lb/core/testing';
import { describe, expect, it } from 'vitest';
import { dailySessionCalendar, flatRows, minuteBars, type Ohlc } from './__fixtures__/minute-bars.js';
import { backtest } from './backtest.js';
import { defineStrategy, Strategy } from './strategy.js';

const calendar = dailySessionCalendar('14:30', '14:40');
const START = '2024-03-04T14:30:00Z';
const END = '2024-03-04T14:40:00Z';
const GC = future('GCJ4');

function source(asset: Asset, rows: readonly Ohlc[], symbol = 'GCJ4') {
  return new MockDataSource({
    bars: [[asset, minuteBars(symbol, '2024-03-04T14:25:00Z', rows)]],
    instruments: [[asset, { symbol, multiplier: 100, tickSize: 0.1, currency: 'USD' }]],
  });
}

class Scripted extends Strategy {
  readonly canceled: Order[] = [];
  constructor(readonly script: Record<number, (strategy: Scripted) => void>) {
    super();
  }
  override onTradingIteration() {
    this.script[(this.getTimestampMs() - Date.parse(START)) / 60_000]?.(this);
  }
  override onCanceledOrder(order: Order) {
    this.canceled.push(order);
  }
}

// 14:25-14:31 flat at 100; 14:32 dips to 98.9; 14:33 spikes to 102.5; then flat at 101.
const ROWS: Ohlc[] = [
  ...flatRows([100, 100, 100, 100, 100, 100, 100]),
  [100, 100.2, 98.9, 99.5],
  [99.5, 102.5, 99.5, 102],
  ...flatRows([101, 101, 101, 101, 101, 101]),
];

describe('order classes', () => {
  it('should cancel the other leg when one OCO leg fills', async () => {
    const strategy = new Scripted({
      0: (s) => s.submitOrder(s.createOrder(GC, 1, 'buy')),
      1: (s) =>
        s.submitOrder(
          s.createOrder(GC, 1, 'sell', { takeProfitPrice: 102, stopLossPrice: 98, orderClass: 'oco' }),
        ),
    });
    const result = await backtest({
      strategy,
      dataSource: source(GC, ROWS),
      start: START,
      end: END,
      calendar,
    });
    expect(
      result.orders.map((order) => [order.id, order.type, order.status, order.parentId ?? null]),
    ).toEqual([
      ['1', 'market', 'filled', null],
      ['2', 'market', 'filled', null],
      ['3', 'limit', 'filled', '2'],
      ['4', 'stop', 'canceled', '2'],
    ]);
    expect(result.trades.map((trade) => [trade.time.slice(11, 16), trade.side, trade.price])).toEqual([
      ['14:30', 'buy', 100],
      ['14:33', 'sell', 102],
    ]);
  });

  it('should place an OTO child only once its parent fills', async () => {
    const strategy = new Scripted({
      1: (s) => s.submitOrder(s.createOrder(GC, 1, 'buy', { limitPrice: 99, takeProfitPrice: 101.5 })),
    });
    const result = await backtest({
      strategy,
      dataSource: source(GC, ROWS),
      start: START,
      end: END,
      calendar,
    });
    expect(result.orders.map((order) => [order.orderClass, order.type, order.status])).toEqual([
      ['oto', 'limit', 'filled'],
      ['simple', 'limit', 'filled'],
    ]);
    expect(result.trades.map((trade) => [trade.time.slice(11, 16), trade.side, trade.price])).toEqual([
      ['14:32', 'buy', 99],
      ['14:33', 'sell', 101.5],
    ]);
  });

  it('should cancel a working order on request and tell the strategy', async () => {
    let order: Order | undefined;
    const strategy = new Scripted({
      1: (s) => {
        order = s.submitOrder(s.createOrder(GC, 1, 'buy', { limitPrice: 90 }));
      },
      3: (s) => s.cancelOrder(order!),
    });
    const result = await backtest({
      strategy,
      dataSource: source(GC, ROWS),
      start: START,
      end: END,
      calendar,
    });
    expect(result.orders.map((record) => record.status)).toEqual(['canceled']);
    expect(strategy.canceled.map((canceled) => [canceled.id, canceled.status])).toEqual([['1', 'canceled']]);
  });

  it('should reject an order whose margin exceeds the cash', async () => {
    const strategy = new Scripted({ 1: (s) => s.submitOrder(s.createOrder(GC, 1, 'buy')) });
    const result = await backtest({
      strategy,
      dataSource: source(GC, ROWS),
      start: START,
      end: END,
      calendar,
      budget: 5_000,
    });
    expect(result.trades).toEqual([]);
    expect(strategy.canceled.map((order) => order.status)).toEqual(['rejected']);
  });

  it('should warn and use the fallback margin for a root missing from the table', async () => {
    const asset = future('ZZM4');
    const strategy = new Scripted({ 1: (s) => s.submitOrder(s.createOrder(asset, 1, 'buy')) });
    const result = await backtest({
      strategy,
      dataSource: source(asset, ROWS, 'ZZM4'),
      start: START,
      end: END,
      calendar,
    });
    expect(result.logs).toEqual([
      '2024-03-04T14:31:00.000Z WARNING No default initial margin for root ZZ; using 5000 per contract. Set instruments.ZZ.margin to override.',
    ]);
    expect(result.equityCurve.cash.at(-1)).toBe(95_000);
  });

  it('should run a hook once when it loads new data after submitting, keeping its order and logs', async () => {
    const Async = defineStrategy({
      async onTradingIteration() {
        if (this.getTimestampMs() !== Date.parse('2024-03-04T14:31:00Z')) return;
        this.submitOrder(this.createOrder(GC, 1, 'buy'));
        this.log('submitted');
        await Promise.resolve();
        const bars = await this.getHistoricalPrices(GC, 2, '1m');
        this.log(`last close ${bars.close.at(-1)}`);
      },
    });
    const progress: number[] = [];
    const result = await backtest({
      strategy: new Async(),
      dataSource: source(GC, ROWS),
      start: START,
      end: END,
      calendar,
      onProgress: (done, total) => progress.push(done / total),
    });
    expect(result.orders.length).toBe(1);
    expect(result.logs).toEqual([
      '2024-03-04T14:31:00.000Z submitted',
      '2024-03-04T14:31:00.000Z last close 100',
    ]);
    expect(progress.at(-1)).toBe(1);
  });
});
