import { future } from '@lb/core';
import { MockDataSource } from '@lb/core/testing';
import { describe, expect, it } from 'vitest';
import { dailySessionCalendar, minuteBars, type Ohlc } from './__fixtures__/minute-bars.js';
import { backtest } from './backtest.js';
import { defineStrategy } from './strategy.js';

const MESH4 = future('MES', '2024-03-15');
// Ten bars from 14:30: open 100 + k, close 100.5 + k.
const rows: Ohlc[] = Array.from({ length: 10 }, (_, k) => [100 + k, 101 + k, 99 + k, 100.5 + k]);

describe('the end of a backtest', () => {
  it('should value the last point after fills on bars ending at the final close', async () => {
    // Buying in the last iteration (14:39) fills at the open of the 14:39 bar, which ends at the 14:40 close:
    // the fill and the valuation at the end must both show in the result.
    const LastMinuteBuy = defineStrategy({
      // Iterate up to the close (the default stops the hook 5 minutes before it).
      minutesBeforeClosing: 0,
      onTradingIteration() {
        if (this.getTimestampMs() === Date.parse('2024-03-04T14:39:00Z')) {
          this.submitOrder(this.createOrder(MESH4, 1, 'buy'));
        }
      },
    });
    const result = await backtest({
      strategy: new LastMinuteBuy(),
      dataSource: new MockDataSource({
        bars: [[MESH4, minuteBars('MESH4', '2024-03-04T14:30:00Z', rows)]],
        instruments: [[MESH4, { symbol: 'MESH4', multiplier: 5, tickSize: 0.25, currency: 'USD' }]],
      }),
      start: '2024-03-04T14:30:00Z',
      end: '2024-03-04T14:40:00Z',
      calendar: dailySessionCalendar('14:30', '14:40'),
      fees: { flatFee: 0.5 },
    });
    expect(result.trades.map((trade) => [trade.time, trade.price])).toEqual([
      ['2024-03-04T14:39:00.000Z', 109],
    ]);
    const cash = 100_000 - 1_300 - 0.5;
    expect(result.equityCurve.cash.at(-1)).toBe(cash);
    // Marked at the 14:39 bar's close, 109.5: margin back plus 0.5 points x 5.
    expect(result.stats.endingValue).toBe(cash + 1_300 + (109.5 - 109) * 5);
    expect(result.equityCurve.portfolioValue.at(-1)).toBe(result.stats.endingValue);
    expect(result.finalPositions).toEqual([
      { symbol: 'MESH4', quantity: 1, averagePrice: 109, lastPrice: 109.5 },
    ]);
  });
});
