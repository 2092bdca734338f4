import { defineStrategy, future } from '@lb/core';

/** Buys one ESH6 at its first iteration; for `lb trade` tests. */
export default defineStrategy({
  name: 'TradeEsh6',
  sleeptime: '1S',
  market: '24/7',
  async onTradingIteration() {
    const asset = future('ESH6');
    if (this.getPosition(asset) === undefined && this.getOpenOrders().length === 0) {
      this.submitOrder(this.createOrder(asset, 1, 'buy'));
    }
  },
});

export const backtestOptions = { budget: 50_000, instruments: { ES: { multiplier: 50, tickSize: 0.25 } } };
