/** First index whose time is >= `timeMs` (times ascending). */
export function lowerBound(timesMs: readonly number[], timeMs: number): number {
  let low = 0;
  let high = timesMs.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (timesMs[middle]! < timeMs) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** First index whose time is > `timeMs` (times ascending). */
export function upperBound(timesMs: readonly number[], timeMs: number): number {
  let low = 0;
  let high = timesMs.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (timesMs[middle]! <= timeMs) low = middle + 1;
    else high = middle;
  }
  return low;
}
