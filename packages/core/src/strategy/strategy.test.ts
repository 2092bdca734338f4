import { describe, expect, it } from 'vitest';
import { future } from '../asset.js';
import { DataNotLoadedError, InvalidArgumentError, LbError } from '../errors.js';
import { createDataNotLoadedError } from './data-not-loaded.js';
import { createOrderFromOptions } from './order-options.js';
import { defineStrategy, STRATEGY_HOOK_NAMES, Strategy, strategyImplementsHook } from './strategy.js';

describe('defineStrategy', () => {
  it('should implement exactly the hooks given, and apply settings and parameters', () => {
    const Defined = defineStrategy({
      sleeptime: '15M',
      market: '24/7',
      minutesBeforeClosing: 10,
      parameters: { size: 1, symbol: 'ES' },
      onTradingIteration() {},
      beforeMarketCloses() {},
    });
    const strategy = new Defined({ size: 3 });
    expect([strategy.sleeptime, strategy.market, strategy.minutesBeforeClosing]).toEqual(['15M', '24/7', 10]);
    expect(strategy.parameters).toEqual({ size: 3, symbol: 'ES' });
    const implemented = STRATEGY_HOOK_NAMES.filter((hook) => strategyImplementsHook(strategy, hook));
    expect(implemented).toEqual(['onTradingIteration', 'beforeMarketCloses']);
    expect(Strategy.isInstance(strategy)).toBe(true);
    expect(Strategy.isInstance({ [Symbol.for('lb.strategy.Strategy')]: true })).toBe(true);
    expect(Strategy.isInstance({})).toBe(false);
  });

  it('should say how to run a strategy when a context method is called outside an engine', () => {
    const strategy = new Strategy();
    expect(() => strategy.getCash()).toThrow(LbError);
    expect(() => strategy.getCash()).toThrow(/not running/);
  });
});

describe('createOrderFromOptions', () => {
  const asset = future('ESH4');
  it('should infer the type and class from the prices given', () => {
    expect(createOrderFromOptions(asset, 1, 'buy')).toEqual({
      asset,
      side: 'buy',
      quantity: 1,
      type: 'market',
      orderClass: 'simple',
    });
    expect(createOrderFromOptions(asset, 2, 'sell', { stopPrice: 90, limitPrice: 89 }).type).toBe(
      'stop_limit',
    );
    const bracket = createOrderFromOptions(asset, 1, 'buy', {
      takeProfitPrice: 110,
      stopLossPrice: 95,
      timeInForce: 'day',
    });
    expect([bracket.orderClass, bracket.takeProfit, bracket.stopLoss, bracket.timeInForce]).toEqual([
      'bracket',
      { limitPrice: 110 },
      { stopPrice: 95 },
      'day',
    ]);
  });

  it('should reject bad input with a typed error', () => {
    expect(() => createOrderFromOptions(asset, -1, 'buy')).toThrow(InvalidArgumentError);
    expect(() => createOrderFromOptions(asset, 1, 'buy', { type: 'limit' })).toThrow(/limitPrice/);
    expect(() =>
      createOrderFromOptions(asset, 1, 'buy', { timeInForce: 'ioc' as never, limitPrice: 1 }),
    ).toThrow(/timeInForce/);
  });
});

describe('createDataNotLoadedError', () => {
  it('should name the series and say how to load it, as a typed LbError', () => {
    const error = createDataNotLoadedError({ asset: future('MESH4'), length: 50, timestep: '1m' });
    expect(DataNotLoadedError.isInstance(error)).toBe(true);
    expect(LbError.isInstance(error)).toBe(true);
    expect(error.name).toBe('DataNotLoadedError');
    expect([error.asset, error.timestep, error.length]).toEqual(['future:MESH2024', '1m', 50]);
    expect(error.message).toBe(
      "getLoadedHistoricalPrices(future:MESH2024, 50, '1m') needs that series in memory, and it is not loaded yet (or was loaded with fewer than 50 bars of warm-up). Load it once with `await this.getHistoricalPrices(asset, 50, '1m')` (for example in an async initialize()), or call the async getHistoricalPrices in this hook instead. The hook is not re-run.",
    );
  });
});
