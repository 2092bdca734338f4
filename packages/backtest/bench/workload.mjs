// Shared workload of the engine benchmarks: 350,000 one-minute bars, a seeded random walk in 0.25 ticks
// around 4700, stamped inside us_futures sessions.
import { Bars, future, getMarketCalendar, parseTimestep } from '@lb/core';

/** Bars in each workload. */
export const BAR_COUNT = 350_000;
/** The one instrument traded. */
export const asset = future('MESH4');
/** Sessions the bars are stamped in and the backtests iterate over. */
export const calendar = getMarketCalendar('us_futures');

/** The seeded random walk: identical bars on every run and machine. */
export function makeBars() {
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
