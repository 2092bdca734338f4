import { type Asset, future, InvalidSettingsError, type Order, type OrderSpec, stock } from '@lb/core';
import { MockDataSource } from '@lb/core/testing';
import { describe, expect, it } from 'vitest';
import { dailySessionCalendar, flatRows, minuteBars, type Ohlc } from './__fixtures__/minute-bars.js';
import { backtest } from './backtest.js';
import { MissingInstrumentSpecError } from './errors.js';
import { defineStrategy, Strategy } from './strategy.js';

const calendar = dailySessionCalendar('14:30', '14:40');
const START = '2024-03-04T14:30:00Z';
const END = '2024-03-04T14:40:00Z';
const GC = future('GCJ4');
const MES = future('MESM4');

function source(asset: Asset, symbol: string, rows: readonly Ohlc[], multiplier: number, tickSize = 0.25) {
  // Bars from 14:25 so strategies have a little history at the open.
  return new MockDataSource({
    bars: [[asset, minuteBars(symbol, '2024-03-04T14:25:00Z', rows)]],
    instruments: [[asset, { symbol, multiplier, tickSize, currency: 'USD' }]],
  });
}

/** A strategy that submits prepared orders at given minutes of the session (14:30 is minute 0). */
class ScriptedStrategy extends Strategy {
  readonly script: Map<number, (strategy: ScriptedStrategy) => void>;
  readonly filled: Order[] = [];
  readonly canceled: Order[] = [];
  /** `[cash, portfolio value]` as the strategy saw them at each iteration, after its own actions. */
  readonly seen: Array<[number, number]> = [];
  // Scripts act at every minute up to the close; the last-minutes cutoff has its own tests.
  override minutesBeforeClosing = 0;
  constructor(script: Record<number, (strategy: ScriptedStrategy) => void>) {
    super();
    this.script = new Map(Object.entries(script).map(([minute, action]) => [Number(minute), action]));
  }
  override onTradingIteration() {
    const minute = (this.getTimestampMs() - Date.parse(START)) / 60_000;
    this.script.get(minute)?.(this);
    this.seen.push([this.getCash(), this.getPortfolioValue()]);
  }
  override onFilledOrder(order: Order) {
    this.filled.push(order);
  }
  override onCanceledOrder(order: Order) {
    this.canceled.push(order);
  }
  submit(spec: OrderSpec) {
    return this.submitOrder(spec);
  }
}

// Prices for minutes 14:25 ... 14:39.
const GC_OPENS = [1995, 1996, 1997, 1998, 1999, 1999.5, 2000, 2005, 2003, 2004, 2004, 2004, 2004, 2004, 2004];

describe('backtest', () => {
  it('should follow the GC reference vector with fills at next-bar opens', async () => {
    const strategy = new ScriptedStrategy({
      1: (s) => s.submit(s.createOrder(GC, 1, 'buy')),
      2: (s) => s.submit(s.createOrder(GC, 2, 'sell')),
      3: (s) => s.submit(s.createOrder(GC, 1, 'buy')),
    });
    const result = await backtest({
      strategy,
      dataSource: source(GC, 'GCJ4', flatRows(GC_OPENS), 100, 0.1),
      start: START,
      end: END,
      calendar,
    });
    expect(
      result.trades.map((trade) => [trade.time.slice(11, 16), trade.side, trade.quantity, trade.price]),
    ).toEqual([
      ['14:31', 'buy', 1, 2000],
      ['14:32', 'sell', 2, 2005],
      ['14:33', 'buy', 1, 2003],
    ]);
    expect(result.equityCurve.cash.slice(0, 6)).toEqual([100_000, 100_000, 90_000, 90_500, 100_700, 100_700]);
    expect(result.stats.endingValue).toBe(100_700);
    expect(result.finalPositions).toEqual([]);
    expect(strategy.filled.map((order) => order.filledPrice)).toEqual([2000, 2005, 2003]);
  });

  it('should match the margin formula for cash and value at every iteration of a short MES trade', async () => {
    const closes = [
      4701, 4702, 4700.5, 4701.25, 4700.75, 4699.5, 4698, 4697.25, 4696, 4697, 4695.5, 4696.25, 4698, 4699,
      4700,
    ];
    const rows: Ohlc[] = closes.map((close, index) => {
      const open = index === 0 ? 4701 : closes[index - 1]!;
      return [open, Math.max(open, close) + 0.5, Math.min(open, close) - 0.5, close];
    });
    const strategy = new ScriptedStrategy({
      1: (s) => s.submit(s.createOrder(MES, 1, 'sell')),
      5: (s) => s.submit(s.createOrder(MES, 1, 'buy')),
    });
    const result = await backtest({
      strategy,
      dataSource: source(MES, 'MESM4', rows, 5),
      start: START,
      end: END,
      calendar,
      fees: { flatFee: 0.5 },
      instruments: { MES: { multiplier: 5, tickSize: 0.25, margin: 1_300 } },
    });
    const entry = rows[6]![0]; // the 14:31 bar's open
    const exit = rows[10]![0]; // the 14:35 bar's open
    expect([entry, exit]).toEqual([4699.5, 4697]);
    const expectedCash: number[] = [];
    const expectedValue: number[] = [];
    for (let minute = 0; minute < 10; minute++) {
      const lastClose = closes[5 + minute - 1]!; // the bar that ended at this minute
      if (minute < 2) {
        expectedCash.push(100_000);
        expectedValue.push(100_000);
      } else if (minute < 6) {
        expectedCash.push(100_000 - 0.5 - 1_300);
        expectedValue.push(100_000 - 0.5 - 1_300 + 1_300 + (lastClose - entry) * -1 * 5);
      } else {
        const final = 100_000 - 1 + (exit - entry) * -1 * 5;
        expectedCash.push(final);
        expectedValue.push(final);
      }
    }
    expect(result.equityCurve.cash).toEqual(expectedCash);
    expect(result.equityCurve.portfolioValue).toEqual(expectedValue);
    expect(strategy.seen).toEqual(expectedCash.map((cash, index) => [cash, expectedValue[index]]));
    expect(result.stats.feesPaid).toBe(1);
    expect(result.stats.closingTrades).toBe(1);
    expect(result.stats.winRate).toBe(1);
  });

  it('should never show a strategy a bar before it has ended', async () => {
    const asset = future('ESM4');
    const seen: Array<{ stamps: string[]; last: number | undefined }> = [];
    const Peek = defineStrategy({
      minutesBeforeClosing: 0,
      async onTradingIteration() {
        if (this.getTimestampMs() !== Date.parse('2024-03-04T14:32:00Z')) return;
        const bars = await this.getHistoricalPrices(asset, 3, '1m');
        seen.push({
          stamps: Array.from(bars.timestampsMs, (time) => new Date(time).toISOString().slice(11, 16)),
          last: await this.getLastPrice(asset),
        });
      },
    });
    const prices = Array.from({ length: 15 }, (_, index) => 5000 + index);
    await backtest({
      strategy: new Peek(),
      dataSource: source(asset, 'ESM4', flatRows(prices), 50),
      start: START,
      end: END,
      calendar,
    });
    // At 14:32 the 14:32 bar (price 5007) is still forming: the last three complete bars are 14:29-14:31.
    expect(seen).toEqual([{ stamps: ['14:29', '14:30', '14:31'], last: 5006 }]);
  });

  it('should fill limits at the limit, or at the open when the bar gaps through', async () => {
    const rows: Ohlc[] = [
      ...flatRows([100, 100, 100, 100, 100, 100, 100]),
      [100, 100.5, 98.5, 99], // 14:32: low touches the 99 buy limit
      [99, 99.5, 96, 96.5], // 14:33
      [94, 95, 93.5, 94.5], // 14:34: gaps below the sell stop at 95
      ...flatRows([95, 95, 95, 95, 95]),
    ];
    const strategy = new ScriptedStrategy({
      1: (s) => s.submit(s.createOrder(GC, 1, 'buy', { limitPrice: 99 })),
      3: (s) => s.submit(s.createOrder(GC, 1, 'sell', { stopPrice: 95 })),
    });
    const result = await backtest({
      strategy,
      dataSource: source(GC, 'GCJ4', rows, 100, 0.1),
      start: START,
      end: END,
      calendar,
    });
    expect(result.trades.map((trade) => [trade.time.slice(11, 16), trade.side, trade.price])).toEqual([
      ['14:32', 'buy', 99],
      ['14:34', 'sell', 94],
    ]);
    expect(result.orders.map((order) => [order.type, order.status])).toEqual([
      ['limit', 'filled'],
      ['stop', 'filled'],
    ]);
  });

  it('should exit a bracket by take-profit and cancel its stop', async () => {
    const rows: Ohlc[] = [
      ...flatRows([100, 100, 100, 100, 100, 100, 100]),
      [100, 101, 99, 100.5],
      [100.5, 102.5, 100, 102],
      ...flatRows([102, 102, 102, 102, 102, 102]),
    ];
    const strategy = new ScriptedStrategy({
      1: (s) => s.submit(s.createOrder(GC, 1, 'buy', { takeProfitPrice: 102, stopLossPrice: 98 })),
    });
    const result = await backtest({
      strategy,
      dataSource: source(GC, 'GCJ4', rows, 100, 0.1),
      start: START,
      end: END,
      calendar,
    });
    expect(result.trades.map((trade) => [trade.time.slice(11, 16), trade.side, trade.price])).toEqual([
      ['14:31', 'buy', 100],
      ['14:33', 'sell', 102],
    ]);
    expect(
      result.orders.map((order) => [order.id, order.type, order.status, order.parentId ?? null]),
    ).toEqual([
      ['1', 'market', 'filled', null],
      ['2', 'limit', 'filled', '1'],
      ['3', 'stop', 'canceled', '1'],
    ]);
    expect(strategy.canceled.map((order) => order.id)).toEqual(['3']);
    expect(result.equityCurve.cash.at(-1)).toBe(100_200);
  });

  it('should exit a bracket by stop-loss, at the open when the bar gaps below the stop', async () => {
    const rows: Ohlc[] = [
      ...flatRows([100, 100, 100, 100, 100, 100, 100]),
      [100, 100.5, 98.5, 99],
      [97, 97.5, 96, 96],
      ...flatRows([96, 96, 96, 96, 96, 96]),
    ];
    const strategy = new ScriptedStrategy({
      1: (s) => s.submit(s.createOrder(GC, 1, 'buy', { takeProfitPrice: 102, stopLossPrice: 98 })),
    });
    const result = await backtest({
      strategy,
      dataSource: source(GC, 'GCJ4', rows, 100, 0.1),
      start: START,
      end: END,
      calendar,
    });
    expect(result.trades.map((trade) => [trade.time.slice(11, 16), trade.side, trade.price])).toEqual([
      ['14:31', 'buy', 100],
      ['14:33', 'sell', 97],
    ]);
    expect(result.orders.map((order) => order.status)).toEqual(['filled', 'canceled', 'filled']);
  });

  it('should trail a stop behind the highest high', async () => {
    const rows: Ohlc[] = [
      ...flatRows([100, 100, 100, 100, 100, 100, 100]),
      [100, 103, 101.5, 103], // 14:32: high 103, stop 101
      [103, 105, 104, 104.5], // 14:33: high 105, stop 103
      [104.5, 104.5, 102, 102.5], // 14:34: low 102 crosses 103
      ...flatRows([102, 102, 102, 102]),
    ];
    const strategy = new ScriptedStrategy({
      0: (s) => s.submit(s.createOrder(GC, 1, 'buy')),
      1: (s) => s.submit(s.createOrder(GC, 1, 'sell', { trailPrice: 2 })),
    });
    const result = await backtest({
      strategy,
      dataSource: source(GC, 'GCJ4', rows, 100, 0.1),
      start: START,
      end: END,
      calendar,
    });
    expect(result.trades.map((trade) => [trade.time.slice(11, 16), trade.side, trade.price])).toEqual([
      ['14:30', 'buy', 100],
      ['14:34', 'sell', 103],
    ]);
  });

  it('should leave an order pending while no bar arrives', async () => {
    const strategy = new ScriptedStrategy({ 8: (s) => s.submit(s.createOrder(GC, 1, 'buy')) });
    // Bars stop at 14:37, so the market order placed at 14:38 never fills.
    const result = await backtest({
      strategy,
      dataSource: source(GC, 'GCJ4', flatRows(GC_OPENS.slice(0, 13)), 100, 0.1),
      start: START,
      end: END,
      calendar,
    });
    expect(result.trades).toEqual([]);
    expect(result.orders.map((order) => order.status)).toEqual(['open']);
  });

  it('should fetch each asset and timestep once', async () => {
    const dataSource = source(GC, 'GCJ4', flatRows(GC_OPENS), 100, 0.1);
    const Reader = defineStrategy({
      onTradingIteration() {
        this.getHistoricalPrices(GC, 2, '1m');
        this.getHistoricalPrices(GC, 5, '1m');
        this.getLastPrice(GC);
      },
    });
    await backtest({ strategy: new Reader(), dataSource, start: START, end: END, calendar });
    expect(dataSource.calls.bars.length).toBe(1);
  });

  it('should produce byte-identical JSON for identical runs', async () => {
    const run = () =>
      backtest({
        strategy: new ScriptedStrategy({
          1: (s) => s.submit(s.createOrder(GC, 1, 'buy', { takeProfitPrice: 2004, stopLossPrice: 1990 })),
        }),
        dataSource: source(GC, 'GCJ4', flatRows(GC_OPENS), 100, 0.1),
        start: START,
        end: END,
        calendar,
        fees: { flatFee: 1.25 },
      });
    const result = await run();
    const first = JSON.stringify(result);
    const second = JSON.stringify(await run());
    expect(first).toBe(second);
    // Plain data: nothing is lost or changed by a JSON round trip (no Infinity, NaN, BigInt or class).
    expect(JSON.parse(first)).toStrictEqual({ ...result });
    expect(first).toContain('"sell"');
  });

  it('should fail clearly when a future has no multiplier', async () => {
    const dataSource = new MockDataSource({
      bars: [[GC, minuteBars('GCJ4', '2024-03-04T14:25:00Z', flatRows(GC_OPENS))]],
    });
    const strategy = new ScriptedStrategy({ 1: (s) => s.submit(s.createOrder(GC, 1, 'buy')) });
    const run = backtest({ strategy, dataSource, start: START, end: END, calendar });
    await expect(run).rejects.toThrow(MissingInstrumentSpecError);
    await expect(backtest({ strategy, dataSource, start: START, end: END, calendar })).rejects.toThrow(
      /instruments: \{ GC: \{ multiplier/,
    );
  });

  it('should reject invalid options with every issue listed', async () => {
    const run = backtest({
      strategy: {} as Strategy,
      dataSource: new MockDataSource(),
      start: 'yesterday',
      end: END,
      budget: -5,
      calendar,
    });
    await expect(run).rejects.toThrow(InvalidSettingsError);
    await expect(run).rejects.toThrow(
      /strategy: must be a Strategy instance.*start: "yesterday" is not a valid date.*budget: must be a positive amount/,
    );
  });

  it('should settle stocks in cash and run the static Strategy.backtest entry point', async () => {
    const aapl = stock('AAPL');
    class BuyOnce extends Strategy<{ quantity: number }> {
      override sleeptime = '1M' as const;
      override parameters = { quantity: 10 };
      override onTradingIteration() {
        if (this.getPosition(aapl) === undefined && this.getOpenOrders().length === 0) {
          this.submitOrder(this.createOrder(aapl, this.parameters.quantity, 'buy'));
        }
      }
    }
    const dataSource = new MockDataSource({
      bars: [[aapl, minuteBars('AAPL', '2024-03-04T14:25:00Z', flatRows(GC_OPENS.map((p) => p / 10)))]],
    });
    const result = await BuyOnce.backtest(dataSource, START, END, { calendar, parameters: { quantity: 4 } });
    expect(result.trades.map((trade) => [trade.quantity, trade.price])).toEqual([[4, 199.95]]);
    expect(result.equityCurve.cash.at(-1)).toBeCloseTo(100_000 - 4 * 199.95, 9);
    expect(result.parameters).toEqual({ quantity: 4 });
  });
});

describe('no lookahead', () => {
  it('should only show coarser bars once their whole interval has ended', async () => {
    const asset = future('ESM4');
    const seen: Record<string, string[]> = {};
    const Peek = defineStrategy({
      minutesBeforeClosing: 0,
      async onTradingIteration() {
        const bars = await this.getHistoricalPrices(asset, 2, '5m', { exchange: 'CME' });
        const now = new Date(this.getTimestampMs()).toISOString().slice(11, 16);
        seen[now] = Array.from(bars.timestampsMs, (time) => new Date(time).toISOString().slice(11, 16));
      },
    });
    const dataSource = source(
      asset,
      'ESM4',
      flatRows(Array.from({ length: 15 }, (_, index) => 100 + index)),
      50,
    );
    await backtest({ strategy: new Peek(), dataSource, start: START, end: END, calendar });
    expect(seen['14:34']).toEqual(['14:25']);
    expect(seen['14:35']).toEqual(['14:25', '14:30']);
    expect(seen['14:39']).toEqual(['14:25', '14:30']);
    // Core's fetchBars asks the source for its native 1m bars once and resamples them to 5m.
    expect(dataSource.calls.bars.map((call) => [call.timestep.label, call.exchange])).toEqual([
      ['1m', 'CME'],
    ]);
  });
});

describe('backtest defaults', () => {
  it('should follow the core calendar of the strategy market when no calendar is given', async () => {
    const Idle = defineStrategy({ market: 'nyse' });
    const result = await backtest({
      strategy: new Idle(),
      dataSource: new MockDataSource(),
      start: '2024-03-01T14:00:00Z',
      end: '2024-03-04T15:00:00Z',
    });
    // NYSE opens 14:30 UTC in winter: 14:30-21:00 on Friday, nothing at the weekend, 14:30-15:00 on Monday.
    // The hook stops 5 minutes (minutesBeforeClosing) before Friday's close; the curve still has every minute.
    // Monday's session is cut by the end of the backtest, not closed, so it runs to the end.
    expect(result.equityCurve.timestampsMs).toHaveLength(390 + 30);
    expect(result.iterations).toBe(385 + 30);
    expect(new Date(result.equityCurve.timestampsMs[0]!).toISOString()).toBe('2024-03-01T14:30:00.000Z');
    expect(new Date(result.equityCurve.timestampsMs.at(-1)!).toISOString()).toBe('2024-03-04T14:59:00.000Z');
  });

  it('should apply slippage in ticks against market orders', async () => {
    const strategy = new ScriptedStrategy({
      1: (s) => s.submit(s.createOrder(GC, 1, 'buy')),
      2: (s) => s.submit(s.createOrder(GC, 1, 'sell')),
    });
    const result = await backtest({
      strategy,
      dataSource: source(GC, 'GCJ4', flatRows(GC_OPENS), 100, 0.1),
      start: START,
      end: END,
      calendar,
      slippage: 2,
    });
    expect(result.trades.map((trade) => trade.price)).toEqual([2000.2, 2004.8]);
  });
});

describe('backtest options', () => {
  it("should read zone-less start and end strings in the market's time zone (New York)", async () => {
    const result = await backtest({
      strategy: new (defineStrategy({}))(),
      dataSource: new MockDataSource(),
      start: '2024-03-04T09:30',
      end: '2024-03-04T09:40:00',
      calendar,
    });
    expect([result.start, result.end]).toEqual(['2024-03-04T14:30:00.000Z', '2024-03-04T14:40:00.000Z']);
    expect(result.equityCurve.timestampsMs).toHaveLength(10);
  });

  it('should read zone-less strings as UTC for the 24/7 market, and keep explicit zones', async () => {
    const result = await backtest({
      strategy: new (defineStrategy({ market: '24/7' }))(),
      dataSource: new MockDataSource(),
      start: '2024-03-04T14:30',
      end: '2024-03-04T09:40:00-05:00',
      calendar,
    });
    expect([result.start, result.end]).toEqual(['2024-03-04T14:30:00.000Z', '2024-03-04T14:40:00.000Z']);
  });
});

describe('progress and cancellation', () => {
  it('should report progress and stop when the signal aborts', async () => {
    const controller = new AbortController();
    const progress: Array<[number, number]> = [];
    const Idle = defineStrategy({});
    const run = backtest({
      strategy: new Idle(),
      dataSource: new MockDataSource(),
      start: '2024-03-04T00:00:00Z',
      end: '2024-03-06T00:00:00Z',
      calendar: dailySessionCalendar('00:00', '23:59'),
      signal: controller.signal,
      onProgress: (done, total) => {
        progress.push([done, total]);
        if (progress.length === 3) controller.abort(new Error('stop'));
      },
    });
    await expect(run).rejects.toThrow('stop');
    expect(progress).toEqual([
      [28, 2878],
      [56, 2878],
      [84, 2878],
    ]);
  });
});

describe('fees and slippage', () => {
  it('should charge taker fees to market and stop fills, maker fees to limits, and slip only market and stop fills', async () => {
    const strategy = new ScriptedStrategy({
      1: (s) => s.submit(s.createOrder(GC, 1, 'buy')),
      // 14:32 opens at 2005 (no trigger); 14:33 gaps down to 2003, through the 2004 stop.
      2: (s) => s.submit(s.createOrder(GC, 1, 'sell', { stopPrice: 2004 })),
      4: (s) => s.submit(s.createOrder(GC, 1, 'buy', { limitPrice: 2004.5 })),
    });
    const result = await backtest({
      strategy,
      dataSource: source(GC, 'GCJ4', flatRows(GC_OPENS), 100, 0.1),
      start: START,
      end: END,
      calendar,
      slippage: 1,
      fees: [
        { flatFee: 2, maker: false },
        { flatFee: 0.25, taker: false },
      ],
    });
    expect(
      result.trades.map((trade) => [trade.time.slice(11, 16), trade.side, trade.price, trade.fee]),
    ).toEqual([
      ['14:31', 'buy', 2000 + 0.1, 2],
      ['14:33', 'sell', 2003 - 0.1, 2],
      ['14:34', 'buy', 2004, 0.25],
    ]);
    expect(result.stats.feesPaid).toBe(4.25);
    expect(result.stats.numberOfTrades).toBe(3);
    expect(result.stats.closingTrades).toBe(1);
    expect(result.stats.winRate).toBe(1);
  });

  it('should charge a percent fee on notional (price x quantity x multiplier) on each side', async () => {
    const strategy = new ScriptedStrategy({
      1: (s) => s.submit(s.createOrder(GC, 2, 'buy')),
      2: (s) => s.submit(s.createOrder(GC, 2, 'sell')),
    });
    const result = await backtest({
      strategy,
      dataSource: source(GC, 'GCJ4', flatRows(GC_OPENS), 100, 0.1),
      start: START,
      end: END,
      calendar,
      fees: { percentFee: 0.001 },
    });
    const fees = result.trades.map((trade) => trade.fee);
    expect(fees[0]).toBeCloseTo(0.001 * 2000 * 2 * 100, 9);
    expect(fees[1]).toBeCloseTo(0.001 * 2005 * 2 * 100, 9);
    expect(result.stats.feesPaid).toBeCloseTo(801, 9);
    expect(result.equityCurve.cash.at(-1)).toBeCloseTo(100_000 + 5 * 2 * 100 - 801, 9);
  });

  it('should reject fee schedules with negative amounts', async () => {
    const run = backtest({
      strategy: new (defineStrategy({}))(),
      dataSource: new MockDataSource(),
      start: START,
      end: END,
      calendar,
      fees: { flatFee: -1 },
    });
    await expect(run).rejects.toThrow(InvalidSettingsError);
    await expect(run).rejects.toThrow(/fees\.0: Invalid trading fee: flatFee/);
  });
});

describe('stop-limit and trailing orders', () => {
  it('should rest a gapped stop-limit as a limit, and never fill one the market gaps past', async () => {
    const rows: Ohlc[] = [
      ...flatRows([100, 100, 100, 100, 100, 100, 100]),
      [102, 102.5, 101.2, 101.8], // 14:32: opens above the 101 buy stop and above its 101.5 limit, then dips
      [97, 97.5, 96, 96.5], // 14:33: gaps below the 99 sell stop and its 98.5 limit, never comes back
      ...flatRows([96, 96, 96, 96, 96, 96]),
    ];
    const strategy = new ScriptedStrategy({
      1: (s) => s.submit(s.createOrder(GC, 1, 'buy', { stopPrice: 101, limitPrice: 101.5 })),
      2: (s) => s.submit(s.createOrder(GC, 1, 'sell', { stopPrice: 99, limitPrice: 98.5 })),
    });
    const result = await backtest({
      strategy,
      dataSource: source(GC, 'GCJ4', rows, 100, 0.1),
      start: START,
      end: END,
      calendar,
      slippage: 3,
    });
    expect(result.trades.map((trade) => [trade.time.slice(11, 16), trade.side, trade.price])).toEqual([
      ['14:32', 'buy', 101.5],
    ]);
    expect(result.orders.map((order) => [order.type, order.status])).toEqual([
      ['stop_limit', 'filled'],
      ['stop_limit', 'open'],
    ]);
  });

  it('should trail a stop by percent of the highest price', async () => {
    const rows: Ohlc[] = [
      ...flatRows([100, 100, 100, 100, 100, 100, 100]),
      [100, 103, 101.5, 103], // 14:32: high 103, stop 100.94
      [103, 105, 104, 104.5], // 14:33: high 105, stop 102.9
      [104.5, 104.5, 102, 102.5], // 14:34: low 102 crosses 102.9
      ...flatRows([102, 102, 102, 102]),
    ];
    const strategy = new ScriptedStrategy({
      0: (s) => s.submit(s.createOrder(GC, 1, 'buy')),
      1: (s) => s.submit(s.createOrder(GC, 1, 'sell', { trailPercent: 2 })),
    });
    const result = await backtest({
      strategy,
      dataSource: source(GC, 'GCJ4', rows, 100, 0.1),
      start: START,
      end: END,
      calendar,
    });
    expect(result.trades.map((trade) => [trade.time.slice(11, 16), trade.side, trade.price])).toEqual([
      ['14:30', 'buy', 100],
      ['14:34', 'sell', 105 - (105 * 2) / 100],
    ]);
  });
});

describe('futures margin', () => {
  it('should reserve the default table margin when no override is given', async () => {
    const strategy = new ScriptedStrategy({ 1: (s) => s.submit(s.createOrder(MES, 2, 'buy')) });
    const result = await backtest({
      strategy,
      dataSource: source(MES, 'MESM4', flatRows(GC_OPENS), 5),
      start: START,
      end: END,
      calendar,
    });
    expect(result.equityCurve.cash.at(-1)).toBe(100_000 - 2 * 1_300);
    expect(result.logs).toEqual([]);
  });
});

describe('clock', () => {
  it('should follow the core us_futures calendar: skip the weekend and end at the requested end', async () => {
    const Idle = defineStrategy({ market: 'us_futures', sleeptime: '15M' });
    const result = await backtest({
      strategy: new Idle(),
      dataSource: new MockDataSource(),
      start: '2024-03-01T21:00:00Z',
      end: '2024-03-03T23:30:00Z',
    });
    // CME Globex closes Friday 17:00 New York (22:00 UTC) and reopens Sunday 18:00 (23:00 UTC).
    expect(result.equityCurve.timestampsMs.map((time) => new Date(time).toISOString().slice(5, 16))).toEqual([
      '03-01T21:00',
      '03-01T21:15',
      '03-01T21:30',
      '03-01T21:45',
      '03-03T23:00',
      '03-03T23:15',
    ]);
  });
});
