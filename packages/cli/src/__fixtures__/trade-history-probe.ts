import { defineStrategy, future } from '@lb/core';

// Per strategy instance: the module stays loaded between in-process test runs.
const logged = new WeakSet<object>();

/** Logs, once, the open time (ms) and close of every ESH6 minute bar its first iteration sees; for `lb trade` tests. */
export default defineStrategy({
  name: 'TradeHistoryProbe',
  sleeptime: '1S',
  market: '24/7',
  async onTradingIteration() {
    if (logged.has(this)) return;
    logged.add(this);
    const bars = await this.getHistoricalPrices(future('ESH6'), 50, '1m');
    const seen = Array.from(
      { length: bars.length },
      (_, index) => `${bars.tsEventNanos[index]! / 1_000_000n}@${bars.close[index]}`,
    );
    this.log(`first iteration sees ${seen.join(',')}`);
  },
});

export const backtestOptions = { budget: 50_000, instruments: { ES: { multiplier: 50, tickSize: 0.25 } } };
