import { allocateBarsColumns, Bars, copyBarsColumns, type Timestep } from '@lb/core';

const NANOS_PER_MS = 1_000_000n;

/** Resamples native bars to a coarser multiple when asked (e.g. 15m from ohlcv-1m). */
export function finish(bars: Bars, timestep: Timestep): Bars {
  return timestep.multiple === 1 ? bars : bars.resample(timestep);
}

/** Copies decoded columns into Bars, keeping `[start, end)` and strictly increasing times. */
export function columnsToBars(
  columns: {
    length: number;
    tsEventNanos: BigInt64Array;
    open: Float64Array;
    high: Float64Array;
    low: Float64Array;
    close: Float64Array;
    volume: Float64Array;
  },
  metadata: { symbol: string; timestep: Timestep },
  start: Date,
  end: Date,
): Bars {
  const startNanos = BigInt(start.getTime()) * NANOS_PER_MS;
  const endNanos = BigInt(end.getTime()) * NANOS_PER_MS;
  const keep: number[] = [];
  let previous: bigint | undefined;
  for (let index = 0; index < columns.length; index++) {
    const time = columns.tsEventNanos[index]!;
    if (time < startNanos || time >= endNanos) continue;
    // Two instruments can share a timestamp around a continuous roll; keep the first.
    if (previous !== undefined && time <= previous) continue;
    keep.push(index);
    previous = time;
  }
  if (keep.length === columns.length) {
    return Bars.fromColumns(
      {
        tsEventNanos: columns.tsEventNanos,
        open: columns.open,
        high: columns.high,
        low: columns.low,
        close: columns.close,
        volume: columns.volume,
      },
      metadata,
    );
  }
  const picked = allocateBarsColumns(keep.length);
  copyBarsColumns(picked, 0, columns, keep);
  return Bars.fromColumns(picked, metadata);
}
