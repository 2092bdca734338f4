import { Bars, DataNotLoadedError, future } from '@lb/core';
import { MockDataSource } from '@lb/core/testing';
import { describe, expect, it } from 'vitest';
import { dailySessionCalendar, flatRows, minuteBars } from './__fixtures__/minute-bars.js';
import { backtest } from './backtest.js';
import { defineStrategy } from './strategy.js';

// One session, Monday 2024-03-04 14:30-15:00 UTC, with one-minute bars from 14:25 (warm-up) to 14:59.
const calendar = dailySessionCalendar('14:30', '15:00');
const START = '2024-03-04T14:30:00Z';
const END = '2024-03-04T15:00:00Z';
const ES = future('ESM4');
const NQ = future('NQM4');

/** A zigzag 100, 101, 102, 103, 102, 101, 100, ... so a 2/4 moving-average crossover trades often. */
const ZIGZAG = Array.from({ length: 35 }, (_, index) => 100 + [0, 1, 2, 3, 2, 1][index % 6]!);

function source() {
  return new MockDataSource({
    bars: [
      [ES, minuteBars('ESM4', '2024-03-04T14:25:00Z', flatRows(ZIGZAG))],
      [NQ, minuteBars('NQM4', '2024-03-04T14:25:00Z', flatRows(ZIGZAG.map((price) => price + 400)))],
    ],
    instruments: [
      [ES, { symbol: 'ESM4', multiplier: 50, tickSize: 0.25, currency: 'USD' }],
      [NQ, { symbol: 'NQM4', multiplier: 20, tickSize: 0.25, currency: 'USD' }],
    ],
  });
}

/** The 2/4 crossover rule both variants share: long when the fast mean is above the slow one, else flat. */
function crossover(close: ArrayLike<number>): boolean | undefined {
  if (close.length < 4) return undefined;
  const slow = (close[0]! + close[1]! + close[2]! + close[3]!) / 4;
  const fast = (close[2]! + close[3]!) / 2;
  return fast > slow;
}

const Async = defineStrategy({
  sleeptime: '1M',
  async onTradingIteration() {
    const wantLong = crossover((await this.getHistoricalPrices(ES, 4, '1m')).close);
    const long = this.getPosition(ES) !== undefined;
    if (wantLong === undefined || wantLong === long) return;
    this.submitOrder(this.createOrder(ES, 1, wantLong ? 'buy' : 'sell'));
  },
});

const Sync = defineStrategy({
  sleeptime: '1M',
  async initialize() {
    this.vars.iterations = 0;
    await this.getHistoricalPrices(ES, 4, '1m');
  },
  onTradingIteration() {
    this.vars.iterations = (this.vars.iterations as number) + 1;
    const wantLong = crossover(this.getLoadedHistoricalPrices(ES, 4, '1m').close);
    const long = this.getPosition(ES) !== undefined;
    if (wantLong === undefined || wantLong === long) return;
    this.submitOrder(this.createOrder(ES, 1, wantLong ? 'buy' : 'sell'));
  },
});

describe('getLoadedHistoricalPrices', () => {
  it('should give a synchronous hook the same trades as the async accessor', async () => {
    const run = (strategy: InstanceType<typeof Async>) =>
      backtest({ strategy, dataSource: source(), start: START, end: END, calendar });
    const asyncResult = await run(new Async());
    const sync = new Sync();
    const syncResult = await run(sync);
    // 30 minutes, the last 5 (minutesBeforeClosing) without the hook.
    expect(sync.vars.iterations).toBe(25);
    expect(syncResult.iterations).toBe(25);
    // The zigzag turns every three minutes: the rule enters and exits repeatedly.
    expect(asyncResult.trades.length).toBeGreaterThanOrEqual(8);
    expect(syncResult.trades).toEqual(asyncResult.trades);
    expect(syncResult.stats.endingValue).toBe(asyncResult.stats.endingValue);
  });

  it('should end the window at the last closed bar (no lookahead) and read the last price', async () => {
    const seen: string[] = [];
    const Probe = defineStrategy({
      sleeptime: '10M',
      async initialize() {
        await this.getHistoricalPrices(ES, 3, '1m');
      },
      onTradingIteration() {
        const bars = this.getLoadedHistoricalPrices(ES, 3, '1m');
        const lastOpen = new Date(Number(bars.tsEventNanos[bars.length - 1]! / 1_000_000n));
        seen.push(
          `${this.getDatetime().toISOString().slice(11, 16)} ${[...bars.close].join(',')} last bar ${lastOpen.toISOString().slice(11, 16)} last price ${this.getLoadedLastPrice(ES)}`,
        );
      },
    });
    await backtest({ strategy: new Probe(), dataSource: source(), start: START, end: END, calendar });
    // ZIGZAG from 14:25 (period 6): 14:27-14:29 are 102, 103, 102; 14:37-14:39 100, 101, 102; 14:47-14:49 102, 101, 100.
    expect(seen).toEqual([
      '14:30 102,103,102 last bar 14:29 last price 102',
      '14:40 100,101,102 last bar 14:39 last price 102',
      '14:50 102,101,100 last bar 14:49 last price 100',
    ]);
  });

  it('should throw DataNotLoadedError for an unloaded asset once, without re-running the hook', async () => {
    let calls = 0;
    const caught: unknown[] = [];
    const Unloaded = defineStrategy({
      sleeptime: '10M',
      async initialize() {
        await this.getHistoricalPrices(ES, 4, '1m');
      },
      onTradingIteration() {
        calls++;
        this.getLoadedHistoricalPrices(ES, 4, '1m');
        this.getLoadedHistoricalPrices(NQ, 4, '1m');
      },
      onAbruptClosing(error) {
        caught.push(error);
      },
    });
    const run = backtest({
      strategy: new Unloaded(),
      dataSource: source(),
      start: START,
      end: END,
      calendar,
    });
    const error = await run.catch((thrown: unknown) => thrown);
    expect(DataNotLoadedError.isInstance(error)).toBe(true);
    expect(error).toBeInstanceOf(DataNotLoadedError);
    expect((error as DataNotLoadedError).asset).toBe('future:NQM2024');
    expect((error as DataNotLoadedError).timestep).toBe('1m');
    expect((error as DataNotLoadedError).message).toContain("await this.getHistoricalPrices(asset, 4, '1m')");
    expect(calls).toBe(1);
    expect(caught).toEqual([error]);
  });

  it('should let a hook catch DataNotLoadedError and go on, each iteration running once', async () => {
    let calls = 0;
    let misses = 0;
    const Catching = defineStrategy({
      sleeptime: '10M',
      onTradingIteration() {
        calls++;
        try {
          this.getLoadedLastPrice(NQ);
        } catch (error) {
          if (!DataNotLoadedError.isInstance(error)) throw error;
          misses++;
        }
      },
    });
    const result = await backtest({
      strategy: new Catching(),
      dataSource: source(),
      start: START,
      end: END,
      calendar,
    });
    expect(result.iterations).toBe(3);
    expect(calls).toBe(3);
    expect(misses).toBe(3);
  });

  it('should not count a series loaded with fewer bars of warm-up than asked for', async () => {
    const Short = defineStrategy({
      async initialize() {
        await this.getHistoricalPrices(ES, 2, '1m');
      },
      onTradingIteration() {
        this.getLoadedHistoricalPrices(ES, 100_000, '1m');
      },
    });
    const error = await backtest({
      strategy: new Short(),
      dataSource: source(),
      start: START,
      end: END,
      calendar,
    }).catch((thrown: unknown) => thrown);
    expect(DataNotLoadedError.isInstance(error)).toBe(true);
    expect((error as DataNotLoadedError).length).toBe(100_000);
  });
});

// Keeps the fixture honest: the first warm-up bars the windows above read.
describe('loaded-accessors fixture', () => {
  it('should stamp the zigzag from 14:25', () => {
    const bars = minuteBars('ESM4', '2024-03-04T14:25:00Z', flatRows(ZIGZAG));
    expect(Bars.concat([bars]).close.slice(0, 7)).toEqual(
      new Float64Array([100, 101, 102, 103, 102, 101, 100]),
    );
  });
});
