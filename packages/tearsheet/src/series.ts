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

/**
 * Indices to draw several series that share one x axis (equity and benchmark): per index bucket, the
 * positions of every series' minimum and maximum, so each series keeps its extremes at common x values.
 * Returns every index when the series fit in `maxPoints`. First and last indices are always kept.
 */
export function selectExtremeIndices(
  ysList: ReadonlyArray<ArrayLike<number | null>>,
  length: number,
  maxPoints: number,
): number[] {
  const perBucket = 2 * Math.max(1, ysList.length);
  if (length <= maxPoints || maxPoints < perBucket + 2) return Array.from({ length }, (_, index) => index);
  const bucketCount = Math.floor((maxPoints - 2) / perBucket);
  const innerLength = length - 2;
  const indices: number[] = [0];
  for (let bucket = 0; bucket < bucketCount; bucket++) {
    const start = 1 + Math.floor((bucket * innerLength) / bucketCount);
    const end = 1 + Math.floor(((bucket + 1) * innerLength) / bucketCount);
    if (end <= start) continue;
    const picked = new Set<number>();
    for (const ys of ysList) {
      let minIndex = -1;
      let maxIndex = -1;
      for (let index = start; index < end; index++) {
        const y = ys[index];
        if (y === null || y === undefined || Number.isNaN(y)) continue;
        if (minIndex < 0 || y < (ys[minIndex] as number)) minIndex = index;
        if (maxIndex < 0 || y > (ys[maxIndex] as number)) maxIndex = index;
      }
      if (minIndex >= 0) {
        picked.add(minIndex);
        picked.add(maxIndex);
      }
    }
    if (picked.size === 0) picked.add(start);
    indices.push(...[...picked].sort((left, right) => left - right));
  }
  indices.push(length - 1);
  return indices;
}

/**
 * Rolling annualised Sharpe ratio (mean / sample std x sqrt(252)) and volatility (std x sqrt(252)) of
 * daily returns over `windowDays`; the first `windowDays - 1` points are NaN.
 */
export function computeRolling(
  returns: readonly number[],
  windowDays: number,
): { sharpe: number[]; volatility: number[] } {
  const sharpe = new Array<number>(returns.length).fill(Number.NaN);
  const volatility = new Array<number>(returns.length).fill(Number.NaN);
  const annualizer = Math.sqrt(252);
  for (let end = windowDays - 1; end < returns.length && windowDays >= 2; end++) {
    let total = 0;
    for (let index = end - windowDays + 1; index <= end; index++) total += returns[index]!;
    const average = total / windowDays;
    let squares = 0;
    for (let index = end - windowDays + 1; index <= end; index++) squares += (returns[index]! - average) ** 2;
    const deviation = Math.sqrt(squares / (windowDays - 1));
    volatility[end] = deviation * annualizer;
    sharpe[end] = deviation === 0 ? Number.NaN : (average / deviation) * annualizer;
  }
  return { sharpe, volatility };
}

/** Equal-width histogram of `values` in `binCount` bins between their min and max: bin centres and counts. */
export function computeHistogram(
  values: readonly number[],
  binCount: number,
): { centers: number[]; counts: number[] } {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return { centers: [], counts: [] };
  let min = finite[0]!;
  let max = finite[0]!;
  for (const value of finite) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (max === min) return { centers: [min], counts: [finite.length] };
  const width = (max - min) / binCount;
  const counts = new Array<number>(binCount).fill(0);
  for (const value of finite) counts[Math.min(binCount - 1, Math.floor((value - min) / width))]!++;
  return { centers: counts.map((_, index) => min + (index + 0.5) * width), counts };
}
