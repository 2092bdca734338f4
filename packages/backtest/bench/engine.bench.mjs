// Engine throughput on one instrument: 350,000 one-minute bars (a seeded random walk in 0.25 ticks around
// 4700, stamped inside us_futures sessions), sleeptime 1M, full broker and no-lookahead guard.
//   W1: an empty strategy.  W2: a 20/50 SMA crossover (long one contract or flat, fee 0.50 per order) that
//   reads its inputs through getHistoricalPrices(asset, 50, '1m') every iteration (an async hook).
//   W2 sync: the same rule in a synchronous hook reading getLoadedHistoricalPrices(asset, 50, '1m'), the
//   series loaded once in an async initialize() (the fast path: no promise per iteration).
// Run with `pnpm bench` (builds first); it imports the built package from dist.
import { loadavg } from 'node:os';
import { MockDataSource } from '@lb/core/testing';
import { backtest, defineStrategy } from '../dist/index.js';
import { asset, BAR_COUNT, calendar, makeBars } from './workload.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const WARM_UP_RUNS = 5;

const bars = makeBars();
const start = new Date(bars.timestampsMs[0]);
const end = new Date(bars.timestampsMs[BAR_COUNT - 1] + 60_000);
const dataSource = new MockDataSource({
  bars: [[asset, bars]],
  instruments: [[asset, { symbol: 'MESH4', multiplier: 5, tickSize: 0.25, currency: 'USD' }]],
});

// minutesBeforeClosing 0: every strategy iterates on every bar up to the close, so each workload is one
// hook call per bar (the default would skip each session's last 5 minutes).
const Empty = defineStrategy({ name: 'Empty', sleeptime: '1M', minutesBeforeClosing: 0 });

const SmaCross = defineStrategy({
  name: 'SmaCross',
  sleeptime: '1M',
  minutesBeforeClosing: 0,
  initialize() {
    this.vars.long = false;
  },
  async onTradingIteration() {
    const close = (await this.getHistoricalPrices(asset, 50, '1m')).close;
    const length = close.length;
    if (length < 50) return;
    let slow = 0;
    let fast = 0;
    for (let index = 0; index < 50; index++) {
      slow += close[index];
      if (index >= 30) fast += close[index];
    }
    const wantLong = fast / 20 > slow / 50;
    if (wantLong !== this.vars.long && this.getOpenOrders().length === 0) {
      this.submitOrder(this.createOrder(asset, 1, wantLong ? 'buy' : 'sell'));
      this.vars.long = wantLong;
    }
  },
});

const SmaCrossSync = defineStrategy({
  name: 'SmaCrossSync',
  sleeptime: '1M',
  minutesBeforeClosing: 0,
  async initialize() {
    this.vars.long = false;
    await this.getHistoricalPrices(asset, 50, '1m');
  },
  onTradingIteration() {
    const close = this.getLoadedHistoricalPrices(asset, 50, '1m').close;
    const length = close.length;
    if (length < 50) return;
    let slow = 0;
    let fast = 0;
    for (let index = 0; index < 50; index++) {
      slow += close[index];
      if (index >= 30) fast += close[index];
    }
    const wantLong = fast / 20 > slow / 50;
    if (wantLong !== this.vars.long && this.getOpenOrders().length === 0) {
      this.submitOrder(this.createOrder(asset, 1, wantLong ? 'buy' : 'sell'));
      this.vars.long = wantLong;
    }
  },
});

async function measure(label, Strategy) {
  const run = () =>
    backtest({ strategy: new Strategy(), dataSource, start, end, calendar, fees: { flatFee: 0.5 } });
  // Unmeasured runs first: the calendar's per-year session cache and the JIT, which needs a few full runs
  // before the engine's hot paths reach their optimised tier (runs 1-4 are up to twice as slow).
  let result = await run();
  for (let warmUp = 1; warmUp < WARM_UP_RUNS; warmUp++) result = await run();
  const wallSeconds = [];
  const cpuSeconds = [];
  for (let index = 0; index < RUNS; index++) {
    const began = performance.now();
    const cpuBefore = process.cpuUsage();
    result = await run();
    const cpu = process.cpuUsage(cpuBefore);
    wallSeconds.push((performance.now() - began) / 1000);
    cpuSeconds.push((cpu.user + cpu.system) / 1e6);
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const rate = (seconds) => `${(BAR_COUNT / seconds / 1e6).toFixed(2)} M bars/s`;
  const wall = median(wallSeconds);
  const best = Math.min(...wallSeconds);
  const cpu = median(cpuSeconds);
  // CPU time too: on a shared machine wall time includes waiting for a core.
  console.log(
    `${label}: ${result.iterations} iterations, ${result.trades.length} trades | wall median ${wall.toFixed(3)} s = ${rate(wall)} | wall best ${best.toFixed(3)} s = ${rate(best)} | cpu median ${cpu.toFixed(3)} s = ${rate(cpu)}`,
  );
  return { ...result, wallMedianSeconds: wall, cpuMedianSeconds: cpu };
}

console.log(
  `@lb/backtest engine bench: ${BAR_COUNT} one-minute bars, ${RUNS} measured runs each after ${WARM_UP_RUNS} warm-up runs, Node ${process.version}, load average ${loadavg()[0].toFixed(2)}`,
);
if (process.env.BENCH_ONLY !== 'W2') await measure('W1 empty strategy     ', Empty);
if (process.env.BENCH_ONLY === 'W1') process.exit(0);
const sma = await measure('W2 SMA 20/50 crossover', SmaCross);
console.log(`W2 final value ${sma.stats.endingValue.toFixed(2)}, fees ${sma.stats.feesPaid.toFixed(2)}`);
const smaSync = await measure('W2 sync accessor      ', SmaCrossSync);
console.log(
  `W2 sync final value ${smaSync.stats.endingValue.toFixed(2)}, fees ${smaSync.stats.feesPaid.toFixed(2)} (same trades as W2: ${smaSync.trades.length === sma.trades.length && smaSync.stats.endingValue === sma.stats.endingValue})`,
);

// Baseline in the same process: the W2 rule as a bare loop over the close column (same windows, signals
// at each minute, fills at the next open, fee and multiplier), with no engine, broker or lookahead guard.
// The ratio says what the engine's guarantees cost over the cheapest possible loop.
function handLoop() {
  const close = bars.close;
  const open = bars.open;
  let long = false;
  let cash = 100_000;
  let entry = 0;
  let trades = 0;
  for (let index = 50; index + 1 < close.length; index++) {
    let slow = 0;
    let fast = 0;
    for (let offset = index - 50; offset < index; offset++) {
      slow += close[offset];
      if (offset >= index - 20) fast += close[offset];
    }
    const wantLong = fast / 20 > slow / 50;
    if (wantLong === long) continue;
    const price = open[index];
    if (wantLong) entry = price;
    else cash += (price - entry) * 5;
    cash -= 0.5;
    trades++;
    long = wantLong;
  }
  return { cash, trades };
}
handLoop();
const loopSeconds = [];
for (let run = 0; run < RUNS; run++) {
  const began = performance.now();
  handLoop();
  loopSeconds.push((performance.now() - began) / 1000);
}
const loopMedian = [...loopSeconds].sort((a, b) => a - b)[Math.floor(RUNS / 2)];
console.log(
  `W2 baseline, bare loop : median ${loopMedian.toFixed(3)} s = ${(BAR_COUNT / loopMedian / 1e6).toFixed(2)} M bars/s; engine W2 takes ${(sma.wallMedianSeconds / loopMedian).toFixed(1)}x the bare loop, W2 sync ${(smaSync.wallMedianSeconds / loopMedian).toFixed(1)}x; W2 sync runs at ${(sma.cpuMedianSeconds / smaSync.cpuMedianSeconds).toFixed(2)}x the speed of W2 (cpu medians)`,
);
