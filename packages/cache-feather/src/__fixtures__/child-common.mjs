// Shared by the child-process fixtures: loads the built package and a deterministic bar generator.
import { Bars, parseTimestep, stock } from '@lb/core';

export const { withFeatherCache, writeFileAtomic } = await import(process.env.LB_CACHE_FEATHER_BUILD);

export const AAPL = stock('AAPL');
export const HOURLY = parseTimestep('1h');

/** Hourly bars in [startMs, endMs); `version` is folded into volume so tests can tell writes apart. */
export function versionedBars(startMs, endMs, version) {
  const rows = [];
  for (let timeMs = startMs; timeMs < endMs; timeMs += 3_600_000) {
    const hour = (timeMs - Date.UTC(2024, 0, 1)) / 3_600_000;
    rows.push({
      tsEventNanos: BigInt(timeMs) * 1_000_000n,
      open: 100 + hour,
      high: 101 + hour,
      low: 99 + hour,
      close: 100.5 + hour,
      volume: version * 1_000_000 + hour,
    });
  }
  return Bars.fromRows(rows, { symbol: 'AAPL', timestep: HOURLY });
}
