import { continuousFuture, future, type Position } from '@lb/core';
import { MockDataSource } from '@lb/core/testing';
import { describe, expect, it } from 'vitest';
import { dailySessionCalendar, minuteBars, type Ohlc } from './__fixtures__/minute-bars.js';
import { backtest } from './backtest.js';
import { defineStrategy } from './strategy.js';

// Core's roll schedule moves MES from MESH4 to MESM4 at 2024-03-05T05:00Z (00:00 New York).
const MES = continuousFuture('MES');
const MESH4 = future('MES', '2024-03-15');
const MESM4 = future('MES', '2024-06-21');
const calendar = dailySessionCalendar('04:50', '05:10');

function rows(base: number): Ohlc[] {
  return Array.from({ length: 30 }, (_, minute) => [
    base + minute,
    base + minute + 1,
    base + minute - 1,
    base + minute + 0.5,
  ]);
}

function source() {
  const spec = { multiplier: 5, tickSize: 0.25, currency: 'USD' };
  return new MockDataSource({
    bars: [
      [MESH4, minuteBars('MESH4', '2024-03-05T04:40:00Z', rows(5000))],
      [MESM4, minuteBars('MESM4', '2024-03-05T04:40:00Z', rows(5050))],
    ],
    instruments: [
      [MESH4, { symbol: 'MESH4', ...spec }],
      [MESM4, { symbol: 'MESM4', ...spec }],
    ],
  });
}

function holdThroughRoll(positions: Array<Position | undefined>) {
  return defineStrategy({
    // Reads the position in the session's last minute, inside the default 5-minute cutoff.
    minutesBeforeClosing: 0,
    onTradingIteration() {
      if (this.getTimestampMs() === Date.parse('2024-03-05T04:51:00Z'))
        this.submitOrder(this.createOrder(MES, 1, 'buy'));
      if (this.getTimestampMs() === Date.parse('2024-03-05T05:09:00Z')) positions.push(this.getPosition(MES));
    },
  });
}

describe('continuous futures', () => {
  it('should trade the active contract and roll the position at the roll with fees when autoRoll is on', async () => {
    const positions: Array<Position | undefined> = [];
    const Hold = holdThroughRoll(positions);
    const result = await backtest({
      strategy: new Hold(),
      dataSource: source(),
      start: '2024-03-05T04:50:00Z',
      end: '2024-03-05T05:10:00Z',
      calendar,
      fees: { flatFee: 0.5 },
    });
    expect(
      result.trades.map((trade) => [
        trade.time.slice(11, 16),
        trade.symbol,
        trade.side,
        trade.price,
        trade.tag ?? '',
      ]),
    ).toEqual([
      ['04:51', 'MESH4', 'buy', 5011, ''],
      ['05:00', 'MESH4', 'sell', 5019.5, 'roll'],
      ['05:00', 'MESM4', 'buy', 5070, 'roll'],
    ]);
    const cash = 100_000 - 0.5 + (5019.5 - 5011) * 5 - 0.5 - 1_300 - 0.5;
    expect(result.equityCurve.cash.at(-1)).toBe(cash);
    // Valued at the end (05:10), when the 05:09 MESM4 bar has ended, closing at 5079.5.
    expect(result.stats.endingValue).toBe(cash + 1_300 + (5079.5 - 5070) * 5);
    expect(result.equityCurve.portfolioValue.at(-1)).toBe(result.stats.endingValue);
    expect(positions.map((position) => position?.symbol)).toEqual(['MESM4']);
    // Buy and hold of the continuous series rolls like the position: out at MESH4's 04:59 close (5019.5),
    // in at MESM4's 05:00 open (5070); the last point is the 05:08 MESM4 close (5078.5) over 04:49's (5009.5).
    expect(result.benchmarkAsset).toBe('continuous_future:MES');
    expect(result.equityCurve.benchmark?.at(-1)).toBe((100_000 * 5078.5 * (5019.5 / 5070)) / 5009.5);
    // Each contract's own bars within the run, for the tearsheet's price charts.
    const minutes = (from: number, count: number) =>
      Array.from({ length: count }, (_, index) => from + index);
    expect(result.prices).toEqual({
      MESH4: {
        timestampsMs: minutes(0, 10).map((minute) => Date.parse('2024-03-05T04:50:00Z') + minute * 60_000),
        close: minutes(10, 10).map((minute) => 5000 + minute + 0.5),
        high: minutes(10, 10).map((minute) => 5000 + minute + 1),
        low: minutes(10, 10).map((minute) => 5000 + minute - 1),
      },
      MESM4: {
        timestampsMs: minutes(0, 10).map((minute) => Date.parse('2024-03-05T05:00:00Z') + minute * 60_000),
        close: minutes(20, 10).map((minute) => 5050 + minute + 0.5),
        high: minutes(20, 10).map((minute) => 5050 + minute + 1),
        low: minutes(20, 10).map((minute) => 5050 + minute - 1),
      },
    });
  });

  it('should keep the old contract, priced from its own bars, when autoRoll is off', async () => {
    const positions: Array<Position | undefined> = [];
    const Hold = holdThroughRoll(positions);
    const result = await backtest({
      strategy: new Hold(),
      dataSource: source(),
      start: '2024-03-05T04:50:00Z',
      end: '2024-03-05T05:10:00Z',
      calendar,
      fees: { flatFee: 0.5 },
      autoRoll: false,
    });
    expect(result.trades.map((trade) => trade.symbol)).toEqual(['MESH4']);
    // At the 05:10 end the last ended MESH4 bar is 05:09, closing at 5029.5.
    expect(result.stats.endingValue).toBe(100_000 - 0.5 + (5029.5 - 5011) * 5);
    expect(positions.map((position) => [position?.symbol, position?.quantity])).toEqual([['MESH4', 1]]);
  });

  it('should move a working exit order to the new contract by the roll spread', async () => {
    // The 5060 sell limit is out of reach in MESH4 (highs up to 5020). Left alone it would fill at the
    // 05:00 open of MESM4 (5070), an old-contract price on the new contract. The roll spread is the MESM4
    // 05:00 open minus the MESH4 04:59 close, 5070 - 5019.5 = 50.5, so the limit moves to 5110.5, above every
    // MESM4 high (5080): it keeps working, and the rolled position stays open.
    const canceled: Array<[string, string]> = [];
    const Exit = defineStrategy({
      onTradingIteration() {
        if (this.getTimestampMs() === Date.parse('2024-03-05T04:51:00Z'))
          this.submitOrder(this.createOrder(MES, 1, 'buy'));
        if (this.getTimestampMs() === Date.parse('2024-03-05T04:53:00Z'))
          this.submitOrder(this.createOrder(MES, 1, 'sell', { limitPrice: 5060 }));
      },
      onCanceledOrder(order, reason) {
        canceled.push([order.id, reason]);
      },
    });
    const result = await backtest({
      strategy: new Exit(),
      dataSource: source(),
      start: '2024-03-05T04:50:00Z',
      end: '2024-03-05T05:10:00Z',
      calendar,
      fees: { flatFee: 0.5 },
    });
    expect(
      result.trades.map((trade) => [
        trade.symbol,
        trade.side,
        trade.price,
        trade.closedQuantity,
        trade.tag ?? '',
      ]),
    ).toEqual([
      ['MESH4', 'buy', 5011, 0, ''],
      ['MESH4', 'sell', 5019.5, 1, 'roll'],
      ['MESM4', 'buy', 5070, 0, 'roll'],
    ]);
    const exit = result.orders.find((order) => order.id === '2')!;
    expect([exit.status, exit.limitPrice]).toEqual(['open', 5110.5]);
    expect(canceled).toEqual([]);
    expect(result.finalPositions).toEqual([
      { symbol: 'MESM4', quantity: 1, averagePrice: 5070, lastPrice: 5079.5 },
    ]);
    expect(result.stats.endingValue).toBe(100_000 + (5019.5 - 5011) * 5 + (5079.5 - 5070) * 5 - 3 * 0.5);
  });

  it('should cancel working exit orders at a roll with reason roll when rollExitOrders is cancel', async () => {
    const canceled: Array<[string, string]> = [];
    const Exit = defineStrategy({
      onTradingIteration() {
        if (this.getTimestampMs() === Date.parse('2024-03-05T04:51:00Z'))
          this.submitOrder(this.createOrder(MES, 1, 'buy'));
        if (this.getTimestampMs() === Date.parse('2024-03-05T04:53:00Z'))
          this.submitOrder(this.createOrder(MES, 1, 'sell', { stopPrice: 4990 }));
      },
      onCanceledOrder(order, reason) {
        canceled.push([`${order.id} ${order.type} ${this.getDatetime().toISOString()}`, reason]);
      },
    });
    const result = await backtest({
      strategy: new Exit(),
      dataSource: source(),
      start: '2024-03-05T04:50:00Z',
      end: '2024-03-05T05:10:00Z',
      calendar,
      rollExitOrders: 'cancel',
    });
    expect(canceled).toEqual([['2 stop 2024-03-05T05:01:00.000Z', 'roll']]);
    expect(result.orders.find((order) => order.id === '2')?.cancelReason).toBe('roll');
    expect(result.trades.map((trade) => trade.tag ?? '')).toEqual(['', 'roll', 'roll']);
  });
});
