import { createTradingFee } from '@lb/core';
import { describe, expect, it } from 'vitest';
import { computeFillFee } from './fill-fee.js';

describe('computeFillFee', () => {
  const schedules = [
    createTradingFee({ flatFee: 0.5 }), // every fill
    createTradingFee({ perContractFee: 1.25, maker: false }), // taker fills only
    createTradingFee({ percentFee: 0.0001, taker: false }), // maker fills only
  ];

  it('should charge taker schedules on a market fill', () => {
    // 0.5 flat + 1.25 x 3 contracts = 4.25; the maker-only percent fee does not apply.
    expect(computeFillFee({ schedules, orderType: 'market', quantity: 3, price: 5000, multiplier: 50 })).toBe(
      4.25,
    );
  });

  it('should charge maker schedules on a limit fill, the percent on the notional', () => {
    // 0.5 flat + 0.0001 x (5000 x 2 x 50 = 500,000) = 50.5; the taker-only per-contract fee does not apply.
    expect(
      computeFillFee({ schedules, orderType: 'limit', quantity: 2, price: 5000, multiplier: 50 }),
    ).toBeCloseTo(50.5, 10);
  });

  it('should be zero without schedules', () => {
    expect(computeFillFee({ schedules: [], orderType: 'stop', quantity: 1, price: 100, multiplier: 1 })).toBe(
      0,
    );
  });
});
