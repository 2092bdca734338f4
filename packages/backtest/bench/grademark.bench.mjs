// Optional side-by-side with grademark 0.3.0 on the same workloads (W1 empty, W2 SMA 20/50 over a 50-bar
// lookback). grademark is not a dependency of this package: install it anywhere and point GRADEMARK_DIR at
// that folder, e.g.
//   mkdir /tmp/gm && cd /tmp/gm && npm init -y && npm i grademark@0.3.0 data-forge@1.10.2 chai@4.4.0
//   GRADEMARK_DIR=/tmp/gm pnpm bench:grademark
// grademark iterates bars (no calendar, no margin accounting, no fees); @lb/backtest runs its full broker.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MockDataSource } from '@lb/core/testing';
import { backtest, defineStrategy } from '../dist/index.js';
import { asset, BAR_COUNT, calendar, makeBars } from './workload.mjs';

const directory = process.env.GRADEMARK_DIR;
if (directory === undefined) {
  console.log(
    'Skipped: set GRADEMARK_DIR to a folder with grademark@0.3.0, data-forge and chai@4.4.0 installed.',
  );
  process.exit(0);
}
const require = createRequire(join(directory, 'package.json'));
const grademark = require('grademark');
const { DataFrame } = require('data-forge');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const bars = makeBars();
const rows = new Array(BAR_COUNT);
for (let index = 0; index < BAR_COUNT; index++) {
  rows[index] = {
    time: new Date(bars.timestampsMs[index]),
    open: bars.open[index],
    high: bars.high[index],
    low: bars.low[index],
    close: bars.close[index],
    volume: bars.volume[index],
  };
}
const frame = new DataFrame(rows).bake();

const smaSignal = (closes) => {
  let slow = 0;
  let fast = 0;
  for (let index = 0; index < 50; index++) {
    slow += closes[index];
    if (index >= 30) fast += closes[index];
  }
  return fast / 20 > slow / 50;
};
const grademarkEmpty = { entryRule() {}, exitRule() {} };
const grademarkSma = {
  lookbackPeriod: 50,
  entryRule(enterPosition, { lookback }) {
    if (smaSignal(lookback.getSeries('close').toArray())) enterPosition({ direction: 'long' });
  },
  exitRule(exitPosition, { lookback }) {
    if (!smaSignal(lookback.getSeries('close').toArray())) exitPosition();
  },
};

const dataSource = new MockDataSource({
  bars: [[asset, bars]],
  instruments: [[asset, { symbol: 'MESH4', multiplier: 5, tickSize: 0.25, currency: 'USD' }]],
});
const start = new Date(bars.timestampsMs[0]);
const end = new Date(bars.timestampsMs[BAR_COUNT - 1] + 60_000);
const LbEmpty = defineStrategy({ name: 'Empty' });
const LbSma = defineStrategy({
  name: 'SmaCross',
  async onTradingIteration() {
    const close = (await this.getHistoricalPrices(asset, 50, '1m')).close;
    if (close.length < 50) return;
    const wantLong = smaSignal(close);
    if (wantLong !== (this.vars.long === true) && this.getOpenOrders().length === 0) {
      this.submitOrder(this.createOrder(asset, 1, wantLong ? 'buy' : 'sell'));
      this.vars.long = wantLong;
    }
  },
});

async function medianSeconds(run) {
  await run();
  const seconds = [];
  for (let index = 0; index < RUNS; index++) {
    const began = performance.now();
    await run();
    seconds.push((performance.now() - began) / 1000);
  }
  return seconds.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

const options = { dataSource, start, end, calendar, fees: { flatFee: 0.5 } };
for (const [label, grademarkStrategy, LbStrategy] of [
  ['W1 empty strategy     ', grademarkEmpty, LbEmpty],
  ['W2 SMA 20/50 crossover', grademarkSma, LbSma],
]) {
  const grademarkSeconds = await medianSeconds(() => grademark.backtest(grademarkStrategy, frame));
  const lbSeconds = await medianSeconds(() => backtest({ ...options, strategy: new LbStrategy() }));
  const rate = (seconds) => (BAR_COUNT / seconds / 1e6).toFixed(2);
  console.log(
    `${label}: grademark ${grademarkSeconds.toFixed(3)} s = ${rate(grademarkSeconds)} M bars/s | @lb/backtest ${lbSeconds.toFixed(3)} s = ${rate(lbSeconds)} M bars/s | ratio ${(grademarkSeconds / lbSeconds).toFixed(1)}x`,
  );
}
