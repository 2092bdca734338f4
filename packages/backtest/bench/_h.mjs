import { MockDataSource } from '@lb/core/testing';
import { backtest, defineStrategy } from '/work/wt/contract/packages/backtest/.old-dist/index.js';
import { asset, BAR_COUNT, calendar, makeBars } from '/work/wt/contract/packages/backtest/bench/workload.mjs';

const bars = makeBars();
const start = new Date(bars.timestampsMs[0]);
const end = new Date(bars.timestampsMs[BAR_COUNT - 1] + 60_000);
const dataSource = new MockDataSource({
  bars: [[asset, bars]],
  instruments: [[asset, { symbol: 'MESH4', multiplier: 5, tickSize: 0.25, currency: 'USD' }]],
});
const SmaCross = defineStrategy({
  name: 'SmaCross',
  sleeptime: '1M',
  initialize() {
    this.vars.long = false;
  },
  onTradingIteration() {
    const close = this.getHistoricalPrices(asset, 50, '1m').close;
    if (close.length < 50) return;
    let slow = 0,
      fast = 0;
    for (let i = 0; i < 50; i++) {
      slow += close[i];
      if (i >= 30) fast += close[i];
    }
    const wantLong = fast / 20 > slow / 50;
    if (wantLong !== this.vars.long && this.getOpenOrders().length === 0) {
      this.vars.long = wantLong;
    }
  },
});
for (let i = 0; i < 12; i++) {
  const c = process.cpuUsage();
  await backtest({ strategy: new SmaCross(), dataSource, start, end, calendar, fees: { flatFee: 0.5 } });
  const u = process.cpuUsage(c);
  if (i > 5) console.log(((u.user + u.system) / 1000).toFixed(0), 'ms cpu');
}
