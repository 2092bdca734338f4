// Engine throughput on one instrument: 350,000 one-minute bars (a seeded random walk in 0.25 ticks around
// 4700, stamped inside us_futures sessions), sleeptime 1M, full broker and no-lookahead guard.
//   W1: an empty strategy.  W2: a 20/50 SMA crossover (long one contract or flat, fee 0.50 per order) that
//   reads its inputs through getHistoricalPrices(asset, 50, '1m') every iteration.
// Run with `pnpm bench` (builds first); it imports the built package from dist.
import { loadavg } from 'node:os';
import { Bars, future, getMarketCalendar, parseTimestep } from '@lb/core';
import { MockDataSource } from '@lb/core/testing';
import { backtest, defineStrategy } from '../dist/index.js';

const BAR_COUNT = 350_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const asset = future('MESH4');
const calendar = getMarketCalendar('us_futures');

function makeBars() {
  // mulberry32: small, seeded, identical on every machine.
  let seed = 42;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const times = new BigInt64Array(BAR_COUNT);
  const open = new Float64Array(BAR_COUNT);
  const high = new Float64Array(BAR_COUNT);
  const low = new Float64Array(BAR_COUNT);
  const close = new Float64Array(BAR_COUNT);
  const volume = new Float64Array(BAR_COUNT).fill(100);
  const sessions = calendar.sessions(new Date('2023-01-02T00:00:00Z'), new Date('2024-06-01T00:00:00Z'));
  let index = 0;
  let price = 4700;
  for (const session of sessions) {
    for (
      let time = session.open.getTime();
      time < session.close.getTime() && index < BAR_COUNT;
      time += 60_000
    ) {
      const first = price;
      let hi = price;
      let lo = price;
      for (let step = 0; step < 4; step++) {
        price += (Math.floor(random() * 3) - 1) * 0.25;
        if (price > hi) hi = price;
        if (price < lo) lo = price;
      }
      times[index] = BigInt(time) * 1_000_000n;
      open[index] = first;
      high[index] = hi;
      low[index] = lo;
      close[index] = price;
      index++;
    }
    if (index === BAR_COUNT) break;
  }
  const bars = Bars.fromColumns(
    { tsEventNanos: times, open, high, low, close, volume },
    { symbol: 'MESH4', timestep: parseTimestep('1m') },
  );
  return bars;
}

const bars = makeBars();
const start = new Date(bars.timestampsMs[0]);
const end = new Date(bars.timestampsMs[BAR_COUNT - 1] + 60_000);
const dataSource = new MockDataSource({
  bars: [[asset, bars]],
  instruments: [[asset, { symbol: 'MESH4', multiplier: 5, tickSize: 0.25, currency: 'USD' }]],
});

const Empty = defineStrategy({ name: 'Empty', sleeptime: '1M' });

const SmaCross = defineStrategy({
  name: 'SmaCross',
  sleeptime: '1M',
  initialize() {
    this.vars.long = false;
  },
  onTradingIteration() {
    const close = this.getHistoricalPrices(asset, 50, '1m').close;
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
  // One unmeasured run first: JIT warm-up and the calendar's per-year session cache.
  let result = await run();
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
  return result;
}

console.log(
  `@lb/backtest engine bench: ${BAR_COUNT} one-minute bars, ${RUNS} measured runs each after a warm-up, Node ${process.version}, load average ${loadavg()[0].toFixed(2)}`,
);
if (process.env.BENCH_ONLY !== 'W2') await measure('W1 empty strategy     ', Empty);
if (process.env.BENCH_ONLY === 'W1') process.exit(0);
const sma = await measure('W2 SMA 20/50 crossover', SmaCross);
console.log(`W2 final value ${sma.stats.endingValue.toFixed(2)}, fees ${sma.stats.feesPaid.toFixed(2)}`);
