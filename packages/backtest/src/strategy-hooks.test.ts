import { type Asset, Bars, createOrderFromOptions, future, type Order } from '@lb/core';
import { MockDataSource } from '@lb/core/testing';
import { describe, expect, it } from 'vitest';
import { dailySessionCalendar, flatRows, minuteBars } from './__fixtures__/minute-bars.js';
import { backtest } from './backtest.js';
import { AssetNotInSourceError } from './errors.js';
import { defineStrategy } from './strategy.js';

// Two sessions, Monday 2024-03-04 and Tuesday 2024-03-05, 14:30-15:00 UTC (09:30-10:00 New York, EST).
const calendar = dailySessionCalendar('14:30', '15:00');
const START = '2024-03-04T14:30:00Z';
const ONE_DAY_END = '2024-03-04T15:00:00Z';
const TWO_DAYS_END = '2024-03-05T15:00:00Z';
const ES = future('ESM4');
const NQ = future('NQM4');

/** Flat one-minute bars from 14:25 to 14:59: Monday 100 + minutes since 14:25, Tuesday 200 + the same. */
function dayBars(symbol: string, base: number) {
  const monday = minuteBars(symbol, '2024-03-04T14:25:00Z', flatRows(range(35).map((index) => base + index)));
  const tuesday = minuteBars(
    symbol,
    '2024-03-05T14:25:00Z',
    flatRows(range(35).map((index) => base + 100 + index)),
  );
  return Bars.concat([monday, tuesday]);
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

function source(assets: ReadonlyArray<[Asset, string, number]> = [[ES, 'ESM4', 100]]) {
  return new MockDataSource({
    bars: assets.map(([asset, symbol, base]) => [asset, dayBars(symbol, base)]),
    instruments: assets.map(([asset, symbol]) => [
      asset,
      { symbol, multiplier: 50, tickSize: 0.25, currency: 'USD' },
    ]),
  });
}

const hhmm = (date: Date) => date.toISOString().slice(11, 16);

describe('strategy hooks', () => {
  it('should call every session hook once, in Lumibot order, at the expected instants', async () => {
    const calls: string[] = [];
    const note = (name: string, at: Date) => calls.push(`${name}@${hhmm(at)}`);
    const Hooks = defineStrategy({
      sleeptime: '10M',
      minutesBeforeClosing: 15,
      initialize() {
        note('initialize', this.getDatetime());
      },
      beforeMarketOpens() {
        note('beforeMarketOpens', this.getDatetime());
      },
      beforeStartingTrading() {
        note('beforeStartingTrading', this.getDatetime());
      },
      onTradingIteration() {
        note('iteration', this.getDatetime());
      },
      beforeMarketCloses() {
        note('beforeMarketCloses', this.getDatetime());
      },
      afterMarketCloses() {
        note('afterMarketCloses', this.getDatetime());
      },
      onStrategyEnd() {
        note('onStrategyEnd', this.getDatetime());
      },
    });
    await backtest({ strategy: new Hooks(), dataSource: source(), start: START, end: ONE_DAY_END, calendar });
    expect(calls).toEqual([
      'initialize@14:30',
      'beforeMarketOpens@14:30',
      'beforeStartingTrading@14:30',
      'iteration@14:30',
      'iteration@14:40',
      // As in Lumibot, onTradingIteration stops when beforeMarketCloses runs (no iteration at 14:50).
      'beforeMarketCloses@14:45',
      'afterMarketCloses@15:00',
      'onStrategyEnd@15:00',
    ]);
  });

  it("should honour sleeptime = '15M' set in initialize", async () => {
    const times: string[] = [];
    const Quarter = defineStrategy({
      initialize() {
        this.sleeptime = '15M';
      },
      onTradingIteration() {
        times.push(hhmm(this.getDatetime()));
      },
    });
    const result = await backtest({
      strategy: new Quarter(),
      dataSource: source(),
      start: START,
      end: TWO_DAYS_END,
      calendar,
    });
    expect(times).toEqual(['14:30', '14:45', '14:30', '14:45']);
    expect(result.iterations).toBe(4);
  });

  it('should run a hook once when it asks for an asset not loaded yet (counter equals iterations)', async () => {
    const Counter = defineStrategy({
      sleeptime: '5M',
      initialize() {
        this.vars.count = 0;
      },
      async onTradingIteration() {
        this.vars.count = (this.vars.count as number) + 1;
        this.log(`iteration ${this.vars.count}`);
        if (this.vars.count === 1) this.submitOrder(this.createOrder(ES, 1, 'buy'));
        // A new asset every iteration from the second on: ES first, then NQ.
        const asset = (this.vars.count as number) % 2 === 0 ? NQ : ES;
        const bars = await this.getHistoricalPrices(asset, 2, '1m');
        this.log(`${bars.metadata.symbol} ${bars.close.at(-1)}`);
      },
    });
    const strategy = new Counter();
    const result = await backtest({
      strategy,
      dataSource: source([
        [ES, 'ESM4', 100],
        [NQ, 'NQM4', 500],
      ]),
      start: START,
      end: ONE_DAY_END,
      calendar,
    });
    // 14:30 to 14:50 every 5 minutes; 14:55 is within minutesBeforeClosing of the 15:00 close.
    expect(result.iterations).toBe(5);
    expect(strategy.vars.count).toBe(5);
    expect(result.orders.map((order) => [order.id, order.status])).toEqual([['1', 'filled']]);
    expect(result.logs.slice(0, 4)).toEqual([
      '2024-03-04T14:30:00.000Z iteration 1',
      '2024-03-04T14:30:00.000Z ESM4 104',
      '2024-03-04T14:35:00.000Z iteration 2',
      '2024-03-04T14:35:00.000Z NQM4 509',
    ]);
  });

  it('should hold nothing over any close when the strategy flattens in beforeMarketCloses', async () => {
    const heldAtClose: number[] = [];
    const Flatten = defineStrategy({
      sleeptime: '1M',
      minutesBeforeClosing: 5,
      // Ported as Lumibot users write it: no time guard here, the engine stops iterating before the close.
      onTradingIteration() {
        if (this.getPositions().length === 0 && this.getOpenOrders().length === 0)
          this.submitOrder(this.createOrder(ES, 2, 'buy'));
      },
      beforeMarketCloses() {
        this.sellAll();
      },
      afterMarketCloses() {
        heldAtClose.push(this.getPositions().length, this.getOpenOrders().length);
      },
    });
    const result = await backtest({
      strategy: new Flatten(),
      dataSource: source(),
      start: START,
      end: TWO_DAYS_END,
      calendar,
    });
    expect(heldAtClose).toEqual([0, 0, 0, 0]);
    expect(result.finalPositions).toEqual([]);
    // Bought at the 14:30 open each day, sold at the 14:55 open (the sellAll at 14:55).
    expect(result.trades.map((trade) => [trade.time.slice(5, 16), trade.side, trade.price])).toEqual([
      ['03-04T14:30', 'buy', 105],
      ['03-04T14:55', 'sell', 130],
      ['03-05T14:30', 'buy', 205],
      ['03-05T14:55', 'sell', 230],
    ]);
    // The curve still has a point every minute up to the close, flat after the sale.
    const curve = result.equityCurve;
    const lastPoint = curve.timestampsMs.findIndex((time) => time === Date.parse('2024-03-04T14:59:00Z'));
    expect(lastPoint).toBe(29);
    expect(curve.portfolioValue[lastPoint]).toBe(curve.cash[lastPoint]);
    expect(result.iterations).toBe(50);
  });

  it('should iterate up to the close when minutesBeforeClosing is 0, and through the day on 24/7', async () => {
    const times = (seen: string[]) => [seen.at(-1), seen.length];
    const run = async (
      settings: { minutesBeforeClosing?: number; market?: '24/7' },
      range = { start: START, end: ONE_DAY_END },
    ) => {
      const seen: string[] = [];
      const Clock = defineStrategy({
        sleeptime: '1M',
        ...settings,
        onTradingIteration() {
          seen.push(hhmm(this.getDatetime()));
        },
      });
      const result = await backtest({
        strategy: new Clock(),
        dataSource: source(),
        ...range,
        ...(settings.market === undefined ? { calendar } : {}),
      });
      return [...times(seen), result.iterations];
    };
    expect(await run({})).toEqual(['14:54', 25, 25]);
    expect(await run({ minutesBeforeClosing: 0 })).toEqual(['14:59', 30, 30]);
    // 24/7 sessions end at UTC midnight, not at a market close: the hook runs up to midnight.
    const beforeMidnight = { start: '2024-03-04T23:30:00Z', end: '2024-03-05T00:00:00Z' };
    expect(await run({ market: '24/7' }, beforeMidnight)).toEqual(['23:59', 30, 30]);
  });

  it('should report fills with the position, new orders, and cancels with their reason', async () => {
    const events: string[] = [];
    const Events = defineStrategy({
      sleeptime: '5M',
      onTradingIteration() {
        const now = hhmm(this.getDatetime());
        if (now === '14:30') this.submitOrder(this.createOrder(ES, 3, 'buy'));
        if (now === '14:35') {
          const order = this.submitOrder(this.createOrder(ES, 1, 'sell', { limitPrice: 999 }));
          this.cancelOrder(order);
        }
      },
      onNewOrder(order) {
        events.push(`new ${order.id} ${order.side} ${order.quantity}`);
      },
      onFilledOrder(order, fill, position) {
        events.push(`fill ${order.id} ${fill.price} position ${position?.symbol} ${position?.quantity}`);
      },
      onCanceledOrder(order, reason) {
        events.push(`cancel ${order.id} ${order.status} ${reason}`);
      },
    });
    await backtest({
      strategy: new Events(),
      dataSource: source(),
      start: START,
      end: ONE_DAY_END,
      calendar,
    });
    expect(events).toEqual([
      'new 1 buy 3',
      'fill 1 105 position ESM4 3',
      'new 2 sell 1',
      'cancel 2 canceled canceled',
    ]);
  });

  it('should expire a day order at the session close and keep a gtc order working', async () => {
    const canceled: string[] = [];
    const Day = defineStrategy({
      sleeptime: '30M',
      onTradingIteration() {
        if (this.getTimestampMs() !== Date.parse(START)) return;
        this.submitOrder(this.createOrder(ES, 1, 'buy', { limitPrice: 50, timeInForce: 'day' }));
        this.submitOrder(this.createOrder(ES, 1, 'buy', { limitPrice: 50 }));
      },
      onCanceledOrder(order, reason) {
        canceled.push(`${order.id} ${reason} ${this.getDatetime().toISOString()}`);
      },
    });
    const result = await backtest({
      strategy: new Day(),
      dataSource: source(),
      start: START,
      end: TWO_DAYS_END,
      calendar,
    });
    expect(canceled).toEqual(['1 expired 2024-03-04T15:00:00.000Z']);
    expect(
      result.orders.map((order) => [
        order.id,
        order.status,
        order.cancelReason ?? '',
        order.timeInForce ?? '',
      ]),
    ).toEqual([
      ['1', 'canceled', 'expired', 'day'],
      ['2', 'open', '', ''],
    ]);
  });

  it('should record traceStats rows per iteration', async () => {
    const Traced = defineStrategy({
      sleeptime: '10M',
      traceStats() {
        return { cash: this.getCash(), minutesToClose: this.getMinutesToClose() };
      },
    });
    const result = await backtest({
      strategy: new Traced(),
      dataSource: source(),
      start: START,
      end: ONE_DAY_END,
      calendar,
      budget: 1_000,
    });
    expect(result.statsRows).toEqual([
      { time: '2024-03-04T14:30:00.000Z', cash: 1_000, minutesToClose: 30 },
      { time: '2024-03-04T14:40:00.000Z', cash: 1_000, minutesToClose: 20 },
      { time: '2024-03-04T14:50:00.000Z', cash: 1_000, minutesToClose: 10 },
    ]);
  });

  it('should call onAbruptClosing with the error, then reject with it', async () => {
    const seen: unknown[] = [];
    const failure = new Error('boom');
    const Failing = defineStrategy({
      onTradingIteration() {
        throw failure;
      },
      onAbruptClosing(error) {
        seen.push(error);
      },
    });
    await expect(
      backtest({ strategy: new Failing(), dataSource: source(), start: START, end: ONE_DAY_END, calendar }),
    ).rejects.toBe(failure);
    expect(seen).toEqual([failure]);
  });
});

describe('strategy helpers', () => {
  it('should tell the time on the market clock, minutes to close and whether the market is open', async () => {
    const seen: unknown[] = [];
    const Clock = defineStrategy({
      sleeptime: '10M',
      onTradingIteration() {
        const time = this.getMarketTime();
        seen.push([time.hour, time.minute, this.getMinutesToClose(), this.isMarketOpen()]);
      },
      afterMarketCloses() {
        seen.push(['after', this.isMarketOpen(), this.getMinutesToClose()]);
      },
    });
    await backtest({ strategy: new Clock(), dataSource: source(), start: START, end: ONE_DAY_END, calendar });
    expect(seen).toEqual([
      [9, 30, 30, true],
      [9, 40, 20, true],
      [9, 50, 10, true],
      ['after', false, 0],
    ]);
  });

  it('should modify, list, look up, cancel by asset and close positions', async () => {
    const notes: unknown[] = [];
    const Orders = defineStrategy({
      sleeptime: '5M',
      onTradingIteration() {
        const now = hhmm(this.getDatetime());
        if (now === '14:30') {
          this.vars.limit = this.submitOrder(this.createOrder(ES, 1, 'buy', { limitPrice: 50 }));
          this.submitOrder(this.createOrder(ES, 1, 'buy', { limitPrice: 51 }));
        }
        if (now === '14:35') {
          // The 14:35 bar trades at 110: a buy limit at 112 fills at the open, 110.
          const modified = this.modifyOrder(this.vars.limit as Order, { limitPrice: 112, quantity: 2 });
          notes.push([modified?.limitPrice, modified?.quantity]);
          this.cancelOpenOrders(NQ);
          notes.push(this.getOpenOrders().length);
        }
        if (now === '14:40') {
          notes.push(this.getPosition(ES)?.quantity, this.getOrder('1')?.status);
          this.cancelOpenOrders(ES);
          this.closePosition(ES);
        }
        if (now === '14:45') {
          notes.push(this.getOrders().map((order) => `${order.id}:${order.status}`));
          notes.push(this.closePosition(ES));
        }
      },
    });
    const result = await backtest({
      strategy: new Orders(),
      dataSource: source(),
      start: START,
      end: ONE_DAY_END,
      calendar,
    });
    expect(notes).toEqual([[112, 2], 2, 2, 'filled', ['1:filled', '2:canceled', '3:filled'], undefined]);
    expect(result.trades.map((trade) => [trade.side, trade.quantity, trade.price])).toEqual([
      ['buy', 2, 110],
      ['sell', 2, 115],
    ]);
  });

  it('should read several assets at once', async () => {
    const notes: unknown[] = [];
    const Many = defineStrategy({
      sleeptime: '30M',
      async onTradingIteration() {
        const prices = await this.getLastPrices([ES, NQ]);
        const bars = await this.getHistoricalPricesForAssets([ES, NQ], 3);
        notes.push(
          [prices.get(ES), prices.get(NQ)],
          [Array.from(bars.get(ES)!.close), Array.from(bars.get(NQ)!.close)],
          bars.get(ES)!.getMomentum(2),
        );
      },
    });
    await backtest({
      strategy: new Many(),
      dataSource: source([
        [ES, 'ESM4', 100],
        [NQ, 'NQM4', 500],
      ]),
      start: START,
      end: ONE_DAY_END,
      calendar,
    });
    expect(notes).toEqual([
      [104, 504],
      [
        [102, 103, 104],
        [502, 503, 504],
      ],
      104 / 102 - 1,
    ]);
  });

  it('should record the benchmark buy-and-hold value and charge buy, sell and per-contract fees', async () => {
    const Trade = defineStrategy({
      sleeptime: '10M',
      onTradingIteration() {
        const now = hhmm(this.getDatetime());
        if (now === '14:30') this.submitOrder(this.createOrder(ES, 2, 'buy'));
        if (now === '14:40') this.submitOrder(createOrderFromOptions(ES, 2, 'sell'));
      },
    });
    const result = await backtest({
      strategy: new Trade(),
      dataSource: source([
        [ES, 'ESM4', 100],
        [NQ, 'NQM4', 500],
      ]),
      start: START,
      end: ONE_DAY_END,
      calendar,
      budget: 100_000,
      fees: { flatFee: 1 },
      buyFees: { perContractFee: 0.5 },
      sellFees: { flatFee: 2 },
      benchmarkAsset: NQ,
    });
    expect(result.trades.map((trade) => trade.fee)).toEqual([1 + 2 * 0.5, 1 + 2]);
    // NQ closes 504 at 14:30 (last ended bar 14:29), 514 at 14:40, 524 at 14:50.
    const benchmark = [100_000, (100_000 * 514) / 504, (100_000 * 524) / 504];
    expect(result.equityCurve.benchmark).toEqual(benchmark);
    expect(result.benchmarkAsset).toBe('future:NQM2024');
    expect(result.benchmarkEquity).toEqual({ asset: 'NQM4', portfolioValue: benchmark });
  });

  it('should benchmark the first traded asset by default and return the bars of each traded symbol', async () => {
    const Trade = defineStrategy({
      sleeptime: '10M',
      onTradingIteration() {
        if (hhmm(this.getDatetime()) === '14:40') this.submitOrder(this.createOrder(ES, 1, 'buy'));
      },
    });
    const result = await backtest({
      strategy: new Trade(),
      dataSource: source([
        [ES, 'ESM4', 100],
        [NQ, 'NQM4', 500],
      ]),
      start: START,
      end: ONE_DAY_END,
      calendar,
    });
    expect(result.benchmarkAsset).toBe('future:ESM2024');
    // ES closes 104 at 14:30 (last ended bar 14:29), 114 at 14:40, 124 at 14:50.
    expect(result.equityCurve.benchmark).toEqual([100_000, (100_000 * 114) / 104, (100_000 * 124) / 104]);
    // Only the traded symbol, and only bars opening inside the run (14:30 to 14:59), not the warm-up.
    expect(Object.keys(result.prices)).toEqual(['ESM4']);
    const closes = range(30).map((index) => 105 + index);
    expect(result.prices.ESM4).toEqual({
      timestampsMs: range(30).map((index) => Date.parse(START) + index * 60_000),
      close: closes,
      high: closes,
      low: closes,
    });
    // Built on first read, then a plain value that serialises like every other field.
    expect(result.prices).toBe(result.prices);
    expect(JSON.parse(JSON.stringify(result)).prices.ESM4.close).toEqual(closes);
    // A result frozen before a lazy field is read (orders, here) still reads it, the same array each time.
    Object.freeze(result);
    expect(result.orders.map((order) => [order.id, order.status])).toEqual([['1', 'filled']]);
    expect(result.orders).toBe(result.orders);
  });

  it('should have no benchmark and no prices when nothing traded and no benchmark was set', async () => {
    const Idle = defineStrategy({ sleeptime: '10M' });
    const result = await backtest({
      strategy: new Idle(),
      dataSource: source(),
      start: START,
      end: ONE_DAY_END,
      calendar,
    });
    expect(result.benchmarkAsset).toBeUndefined();
    expect(result.equityCurve.benchmark).toBeUndefined();
    expect(result.prices).toEqual({});
  });

  it('should warn through onWarning and in the result when an asset has no bars in the range', async () => {
    const warnings: string[] = [];
    const Lonely = defineStrategy({
      sleeptime: '30M',
      async onTradingIteration() {
        await this.getLastPrice(NQ);
      },
    });
    // The source knows NQM4 (its instrument spec) but has no bars for it: only ESM4 bars.
    const dataSource = source();
    dataSource.setInstrument(NQ, { symbol: 'NQM4', multiplier: 20, tickSize: 0.25, currency: 'USD' });
    const result = await backtest({
      strategy: new Lonely(),
      dataSource,
      start: START,
      end: ONE_DAY_END,
      calendar,
      onWarning: (message) => warnings.push(message),
    });
    const noBars =
      'No 1m bars for NQM4 between 2024-03-04T14:30:00.000Z and 2024-03-04T15:00:00.000Z from source "mock": orders for it cannot fill and it has no prices in this run.';
    expect(result.warnings).toEqual([noBars, `No trades: ${noBars}`]);
    expect(warnings).toEqual(result.warnings);
  });

  it('should fail with a typed error naming an asset the source does not have at all', async () => {
    const Typo = defineStrategy({
      async onTradingIteration() {
        await this.getHistoricalPrices(future('ZZM4'), 5, '1m');
      },
    });
    const run = backtest({
      strategy: new Typo(),
      dataSource: source(),
      start: START,
      end: ONE_DAY_END,
      calendar,
    });
    await expect(run).rejects.toThrow(AssetNotInSourceError);
    await expect(
      backtest({ strategy: new Typo(), dataSource: source(), start: START, end: ONE_DAY_END, calendar }),
    ).rejects.toThrow(/Source "mock" does not have ZZM4: no 1m bars from .* and no instrument definition/);
  });

  it("should run the '24/7' market on weekends with its own calendar", async () => {
    const times: string[] = [];
    const AllWeek = defineStrategy({
      market: '24/7',
      sleeptime: '15M',
      onTradingIteration() {
        times.push(this.getDatetime().toISOString());
      },
    });
    await backtest({
      strategy: new AllWeek(),
      dataSource: source(),
      start: '2024-03-09T00:00',
      end: '2024-03-09T01:00',
    });
    expect(times).toEqual([
      '2024-03-09T00:00:00.000Z',
      '2024-03-09T00:15:00.000Z',
      '2024-03-09T00:30:00.000Z',
      '2024-03-09T00:45:00.000Z',
    ]);
  });
});
