/** An x/y series as parallel arrays, the shape uPlot draws. */
export interface XySeries {
  xs: number[];
  ys: number[];
}

/**
 * Drawdown of an equity curve in percent: `(value / running max - 1) * 100`, so 0 at every new high and
 * negative below it. While the running max is not positive the ratio is meaningless, so the point is NaN.
 */
export function computeDrawdownPercent(values: readonly number[]): number[] {
  const drawdowns = new Array<number>(values.length);
  let peak = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    if (value > peak) peak = value;
    drawdowns[index] = peak > 0 && Number.isFinite(value) ? (value / peak - 1) * 100 : Number.NaN;
  }
  return drawdowns;
}

/**
 * Reduces a series to at most `maxPoints` points for drawing. The x range is split into index buckets and
 * each bucket keeps its minimum and maximum (in their original order), so spikes and the deepest drawdown
 * survive, unlike plain striding. The first and last points are always kept. NaN points are skipped when
 * picking extremes; a bucket of only NaN keeps one NaN so the chart shows the gap.
 */
export function downsampleMinMax(xs: readonly number[], ys: readonly number[], maxPoints: number): XySeries {
  const length = Math.min(xs.length, ys.length);
  if (length <= maxPoints || maxPoints < 4) {
    return { xs: xs.slice(0, length), ys: ys.slice(0, length) };
  }
  // Two points per bucket, plus the first and last points kept outside the buckets.
  const bucketCount = Math.floor((maxPoints - 2) / 2);
  const innerStart = 1;
  const innerLength = length - 2;
  const outXs: number[] = [xs[0]!];
  const outYs: number[] = [ys[0]!];
  for (let bucket = 0; bucket < bucketCount; bucket++) {
    const start = innerStart + Math.floor((bucket * innerLength) / bucketCount);
    const end = innerStart + Math.floor(((bucket + 1) * innerLength) / bucketCount);
    if (end <= start) continue;
    let minIndex = -1;
    let maxIndex = -1;
    for (let index = start; index < end; index++) {
      const y = ys[index]!;
      if (Number.isNaN(y)) continue;
      if (minIndex < 0 || y < ys[minIndex]!) minIndex = index;
      if (maxIndex < 0 || y > ys[maxIndex]!) maxIndex = index;
    }
    if (minIndex < 0) {
      outXs.push(xs[start]!);
      outYs.push(Number.NaN);
      continue;
    }
    const first = Math.min(minIndex, maxIndex);
    const second = Math.max(minIndex, maxIndex);
    outXs.push(xs[first]!);
    outYs.push(ys[first]!);
    if (second !== first) {
      outXs.push(xs[second]!);
      outYs.push(ys[second]!);
    }
  }
  outXs.push(xs[length - 1]!);
  outYs.push(ys[length - 1]!);
  return { xs: outXs, ys: outYs };
}
