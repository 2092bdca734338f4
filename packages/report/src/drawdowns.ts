import type { RunSeries } from './run-record.js';

const msPerDay = 86_400_000;

/** One drawdown: from a peak, through its trough, to the first value back at or above the peak. */
export interface DrawdownPeriod {
  /** The peak the fall started from, ISO 8601. */
  readonly start: string;
  readonly trough: string;
  /** First time back at or above the peak; null while still under water at the end. */
  readonly recovery: string | null;
  /** Fall from the peak to the trough, a positive fraction (0.1 = 10%). */
  readonly depth: number;
  /** Calendar days from the peak to the recovery (or to the last point when not recovered). */
  readonly lengthDays: number;
}

/**
 * Every drawdown period of an equity curve, in time order. The curve starts at `initialValue` at
 * `startMs` (before the first point), so a loss on the first iteration is a drawdown from the starting cash.
 */
export function computeDrawdownPeriods(
  equity: RunSeries,
  initialValue: number,
  startMs: number,
): DrawdownPeriod[] {
  const periods: DrawdownPeriod[] = [];
  let peak = initialValue;
  let peakTimeMs = startMs;
  let troughValue = Number.POSITIVE_INFINITY;
  let troughTimeMs = startMs;
  let underWater = false;
  const close = (recoveryMs: number | null, endMs: number) => {
    periods.push({
      start: new Date(peakTimeMs).toISOString(),
      trough: new Date(troughTimeMs).toISOString(),
      recovery: recoveryMs === null ? null : new Date(recoveryMs).toISOString(),
      depth: peak > 0 ? 1 - troughValue / peak : 0,
      lengthDays: (endMs - peakTimeMs) / msPerDay,
    });
  };
  for (let index = 0; index < equity.timesMs.length; index++) {
    const value = equity.values[index]!;
    const timeMs = equity.timesMs[index]!;
    if (value >= peak) {
      if (underWater) close(timeMs, timeMs);
      underWater = false;
      peak = value;
      peakTimeMs = timeMs;
    } else {
      if (!underWater || value < troughValue) {
        troughValue = value;
        troughTimeMs = timeMs;
      }
      underWater = true;
    }
  }
  if (underWater) close(null, equity.timesMs[equity.timesMs.length - 1]!);
  return periods;
}

/** The `count` deepest periods, deepest first (ties: earlier first). */
export function selectWorstDrawdowns(periods: readonly DrawdownPeriod[], count = 5): DrawdownPeriod[] {
  return periods
    .map((period, index) => ({ period, index }))
    .sort((left, right) => right.period.depth - left.period.depth || left.index - right.index)
    .slice(0, count)
    .map(({ period }) => period);
}
