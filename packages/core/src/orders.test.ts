import { describe, expect, it } from 'vitest';
import { future } from './asset.js';
import { InvalidArgumentError } from './errors.js';
import { createOrderSpec, createTradingFee } from './orders.js';

const asset = future('ESH4');

describe('createOrderSpec', () => {
  it('should default to a simple market order', () => {
    expect(createOrderSpec({ asset, side: 'buy', quantity: 1 })).toEqual({
      asset,
      side: 'buy',
      quantity: 1,
      type: 'market',
      orderClass: 'simple',
    });
  });

  it('should accept a bracket with both legs', () => {
    const spec = createOrderSpec({
      asset,
      side: 'buy',
      quantity: 2,
      type: 'limit',
      limitPrice: 4700,
      orderClass: 'bracket',
      takeProfit: { limitPrice: 4710 },
      stopLoss: { stopPrice: 4690 },
    });
    expect(spec.takeProfit).toEqual({ limitPrice: 4710 });
  });

  it.each([
    [{ type: 'limit' }, /limitPrice: a limit order needs limitPrice/],
    [{ type: 'stop' }, /stopPrice: a stop order needs stopPrice/],
    [{ type: 'trailing_stop' }, /exactly one of trailPrice or trailPercent/],
    [{ type: 'trailing_stop', trailPrice: 2, trailPercent: 1 }, /exactly one/],
    [{ quantity: 0 }, /quantity must be a positive number/],
    [{ side: 'long' }, /side must be "buy" or "sell"/],
    [{ orderClass: 'bracket' }, /a bracket order needs takeProfit.*a bracket order needs stopLoss/],
    [{ orderClass: 'oco' }, /needs takeProfit and\/or stopLoss/],
  ])('should reject %j', (change, message) => {
    const input = { asset, side: 'buy', quantity: 1, ...change } as never;
    expect(() => createOrderSpec(input)).toThrow(InvalidArgumentError);
    expect(() => createOrderSpec(input)).toThrow(message);
  });
});

describe('createTradingFee', () => {
  it('should fill defaults', () => {
    expect(createTradingFee({ flatFee: 0.5 })).toEqual({
      flatFee: 0.5,
      percentFee: 0,
      perContractFee: 0,
      maker: true,
      taker: true,
    });
  });

  it('should reject negative fees', () => {
    expect(() => createTradingFee({ flatFee: -1 })).toThrow(/flatFee/);
  });
});
