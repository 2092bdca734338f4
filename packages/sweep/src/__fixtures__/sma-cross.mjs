// The W2 rule of the engine benchmark with its two lengths as parameters: long one contract while the fast
// SMA is above the slow one, flat otherwise, a 0.50 fee per order.
import { defineStrategy, future } from '@lb/core';

const asset = future('MESH4');

export default defineStrategy({
  name: 'SmaCross',
  sleeptime: '1M',
  // As the engine bench's W2: the hook runs on every bar up to the close (the default stops 5 minutes before).
  minutesBeforeClosing: 0,
  parameters: { fast: 20, slow: 50 },
  initialize() {
    this.vars.long = false;
  },
  async onTradingIteration() {
    const { fast, slow } = this.parameters;
    const close = (await this.getHistoricalPrices(asset, slow, '1m')).close;
    if (close.length < slow) return;
    let slowSum = 0;
    let fastSum = 0;
    for (let index = 0; index < slow; index++) {
      slowSum += close[index];
      if (index >= slow - fast) fastSum += close[index];
    }
    const wantLong = fastSum / fast > slowSum / slow;
    if (wantLong !== this.vars.long && this.getOpenOrders().length === 0) {
      this.submitOrder(this.createOrder(asset, 1, wantLong ? 'buy' : 'sell'));
      this.vars.long = wantLong;
    }
  },
});

export const backtestOptions = { fees: { flatFee: 0.5 }, budget: 100_000 };
