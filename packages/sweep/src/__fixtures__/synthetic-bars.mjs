// Seeded random-walk minute bars of MESH4 inside us_futures sessions (the engine benchmark's generator,
// any length): identical on every run, thread and process, so runners can be compared bar for bar.
import { Bars, future, getMarketCalendar, parseTimestep } from '@lb/core';
import { MockDataSource } from '@lb/core/testing';

export const asset = future('MESH4');
export const instrument = { symbol: 'MESH4', multiplier: 5, tickSize: 0.25, currency: 'USD' };

/** `count` one-minute bars from 2023-01-02 on. */
export function makeBars(count) {
  let seed = 42;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const times = new BigInt64Array(count);
  const open = new Float64Array(count);
  const high = new Float64Array(count);
  const low = new Float64Array(count);
  const close = new Float64Array(count);
  const volume = new Float64Array(count).fill(100);
  const sessions = getMarketCalendar('us_futures').sessions(
    new Date('2023-01-02T00:00:00Z'),
    new Date('2024-06-01T00:00:00Z'),
  );
  let index = 0;
  let price = 4700;
  for (const session of sessions) {
    for (let time = session.open.getTime(); time < session.close.getTime() && index < count; time += 60_000) {
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
    if (index === count) break;
  }
  return Bars.fromColumns(
    { tsEventNanos: times, open, high, low, close, volume },
    { symbol: 'MESH4', timestep: parseTimestep('1m') },
  );
}

/** An in-memory source serving `makeBars(count)` and the MESH4 spec. */
export function createSyntheticSource(count) {
  return new MockDataSource({ bars: [[asset, makeBars(count)]], instruments: [[asset, instrument]] });
}
