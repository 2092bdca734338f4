import { describe, expect, it } from 'vitest';
import { type FillModelOrder, findFillPrice } from './fill-model.js';

function order(partial: Partial<FillModelOrder> & Pick<FillModelOrder, 'side' | 'type'>): FillModelOrder {
  return {
    limitPrice: Number.NaN,
    stopPrice: Number.NaN,
    trailPrice: 0,
    trailPercent: 0,
    stopTriggered: false,
    trailExtremePrice: Number.NaN,
    ...partial,
  };
}

const point = new Int32Array(1);

describe('findFillPrice', () => {
  it('should fill a market order at the open plus adverse slippage', () => {
    expect(findFillPrice(order({ side: 'buy', type: 'market' }), 100, 105, 95, 101, 0.25, point)).toBe(
      100.25,
    );
    expect(findFillPrice(order({ side: 'sell', type: 'market' }), 100, 105, 95, 101, 0.25, point)).toBe(
      99.75,
    );
  });

  it('should fill a buy limit at its price when the low touches it', () => {
    expect(
      findFillPrice(order({ side: 'buy', type: 'limit', limitPrice: 97 }), 100, 101, 96, 99, 0, point),
    ).toBe(97);
    expect(point[0]).toBe(2);
  });

  it('should fill a buy limit at the open when the bar gaps below it', () => {
    expect(
      findFillPrice(order({ side: 'buy', type: 'limit', limitPrice: 97 }), 95, 96, 94, 95, 0, point),
    ).toBe(95);
    expect(point[0]).toBe(0);
  });

  it('should not fill a limit the bar never reaches', () => {
    expect(
      findFillPrice(order({ side: 'sell', type: 'limit', limitPrice: 110 }), 100, 109.75, 99, 100, 0, point),
    ).toBeNaN();
  });

  it('should fill a sell stop at the stop, or at the open on a gap, with slippage', () => {
    const stop = { side: 'sell', type: 'stop', stopPrice: 98 } as const;
    expect(findFillPrice(order(stop), 100, 101, 97, 99, 0.25, point)).toBe(97.75);
    expect(findFillPrice(order(stop), 96, 97, 95, 96, 0, point)).toBe(96);
  });

  it('should fill a stop-limit at the stop when triggered inside the limit, else later at the limit', () => {
    const buy = order({ side: 'buy', type: 'stop_limit', stopPrice: 102, limitPrice: 103 });
    expect(findFillPrice(buy, 100, 104, 99, 101, 0, point)).toBe(102);
    const gapped = order({ side: 'buy', type: 'stop_limit', stopPrice: 102, limitPrice: 103 });
    expect(findFillPrice(gapped, 105, 106, 102.5, 104, 0, point)).toBe(103);
    expect(gapped.stopTriggered).toBe(true);
  });

  it('should trail a sell stop below the highest price and fill at the level', () => {
    const trailing = order({ side: 'sell', type: 'trailing_stop', trailPrice: 2, trailExtremePrice: 100 });
    expect(findFillPrice(trailing, 100, 104, 103, 103.5, 0, point)).toBeNaN();
    expect(trailing.trailExtremePrice).toBe(104);
    expect(findFillPrice(trailing, 103, 103.5, 101, 101.5, 0, point)).toBe(102);
  });

  it('should trail a buy stop by percent above the lowest price', () => {
    const trailing = order({ side: 'buy', type: 'trailing_stop', trailPercent: 10, trailExtremePrice: 100 });
    expect(findFillPrice(trailing, 95, 96, 90, 92, 0, point)).toBeNaN();
    expect(trailing.trailExtremePrice).toBe(90);
    expect(findFillPrice(trailing, 100, 101, 99, 100, 0, point)).toBe(100);
    expect(point[0]).toBe(0);
  });
});
