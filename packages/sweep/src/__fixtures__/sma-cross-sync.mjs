// sma-cross.mjs on the fast path: the series is loaded once in an async initialize(), then a synchronous
// hook reads it with getLoadedHistoricalPrices (no promise per iteration). Same rule, same fills.
import { defineStrategy, future } from '@lb/core';

const asset = future('MESH4');

export default defineStrategy({
  name: 'SmaCrossSync',
  sleeptime: '1M',
  // As the engine bench's W2: the hook runs on every bar up to the close (the default stops 5 minutes before).
  minutesBeforeClosing: 0,
  parameters: { fast: 20, slow: 50 },
  async initialize() {
    this.vars.long = false;
    await this.getHistoricalPrices(asset, this.parameters.slow, '1m');
  },
  onTradingIteration() {
    const { fast, slow } = this.parameters;
    const close = this.getLoadedHistoricalPrices(asset, slow, '1m').close;
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
