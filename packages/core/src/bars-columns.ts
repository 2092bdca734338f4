/** The columns of a {@link Bars} series, all of the same length. */
export interface BarsColumns {
  /** Bar open times, UTC nanoseconds since the epoch, strictly increasing. */
  readonly tsEventNanos: BigInt64Array;
  /** Open prices. */
  readonly open: Float64Array;
  /** High prices. */
  readonly high: Float64Array;
  /** Low prices. */
  readonly low: Float64Array;
  /** Close prices. */
  readonly close: Float64Array;
  /** Volumes. */
  readonly volume: Float64Array;
}

/** Zero-filled OHLCV columns of `length` rows, to be filled and then wrapped with `Bars.fromColumns`. */
export function allocateBarsColumns(length: number): BarsColumns {
  return {
    tsEventNanos: new BigInt64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  };
}

/**
 * Copies the six OHLCV columns from `from` into `into`, starting at row `offset`: every row of `from`, or
 * only the row indices listed in `rows`, in their order. `from` may carry more columns (the DBN codec's
 * `instrumentId`, for one); those are the caller's to copy. The one place the column-by-column copy is
 * written, for every package that merges, filters or concatenates bars.
 * @returns The row after the last one written, where the next copy goes.
 * @throws RangeError when the rows do not fit in `into` after `offset`.
 */
export function copyBarsColumns(
  into: BarsColumns,
  offset: number,
  from: BarsColumns,
  rows?: ArrayLike<number>,
): number {
  const count = rows === undefined ? from.tsEventNanos.length : rows.length;
  // An indexed write past a typed array's end is silently dropped; say so instead of losing rows.
  if (offset + count > into.tsEventNanos.length) {
    throw new RangeError(
      `copyBarsColumns: ${count} rows at offset ${offset} do not fit in ${into.tsEventNanos.length} rows`,
    );
  }
  if (rows === undefined) {
    // TypedArray#set is a memcpy: the fast path for whole-batch concatenation.
    into.tsEventNanos.set(from.tsEventNanos, offset);
    for (const name of PRICE_AND_VOLUME_COLUMNS) into[name].set(from[name], offset);
    return offset + count;
  }
  gather(into.tsEventNanos, offset, from.tsEventNanos, rows, count);
  for (const name of PRICE_AND_VOLUME_COLUMNS) gather(into[name], offset, from[name], rows, count);
  return offset + count;
}

const PRICE_AND_VOLUME_COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const;

// One loop per column (not per row over six columns) keeps each inner loop monomorphic and sequential.
function gather<Column extends BigInt64Array | Float64Array>(
  into: Column,
  offset: number,
  from: Column,
  rows: ArrayLike<number>,
  count: number,
): void {
  for (let index = 0; index < count; index++) into[offset + index] = from[rows[index]!]!;
}
