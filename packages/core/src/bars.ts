import { allocateBarsColumns, type BarsColumns, copyBarsColumns } from './bars-columns.js';
import { InvalidArgumentError } from './errors.js';
import { isMultipleOf, parseTimestep, type Timestep } from './timestep.js';

/**
 * Where a stitched series (a continuous future) switches contract: rows from `startIndex` up to the next
 * segment's `startIndex` come from `symbol`.
 */
export interface BarsSegment {
  /** The contract's raw symbol (`ESH4`). */
  readonly symbol: string;
  /** Index of the segment's first row in the series. */
  readonly startIndex: number;
}

/** Descriptive data carried with a {@link Bars} series. */
export interface BarsMetadata {
  /** What the series is for: a raw symbol (`ESH5`), a ticker, or a root for a continuous series. */
  readonly symbol: string;
  /** Duration of each bar. */
  readonly timestep: Timestep;
  /** Contract segments of a stitched series, ordered by `startIndex`; absent for a single instrument. */
  readonly segments?: readonly BarsSegment[];
}

/** Sessions for {@link Bars.resampleToSessions}: core's `MarketCalendar` (`getMarketCalendar`) is one. */
export interface SessionSource {
  sessions(start: Date, end: Date): ReadonlyArray<{ readonly open: Date; readonly close: Date }>;
}

/** One bar as a plain object. Only for convenience at the edges: hot paths read the columns. */
export interface Bar {
  /** Bar open time, UTC nanoseconds since the epoch (Databento stamps bars at their open). */
  readonly tsEventNanos: bigint;
  /** First trade price of the bar. */
  readonly open: number;
  /** Highest trade price of the bar. */
  readonly high: number;
  /** Lowest trade price of the bar. */
  readonly low: number;
  /** Last trade price of the bar. */
  readonly close: number;
  /** Traded quantity (shares or contracts). */
  readonly volume: number;
}

export type { BarsColumns } from './bars-columns.js';

const COLUMN_NAMES = ['open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Immutable columnar OHLCV bars, sorted by open time. Columns are typed arrays (no per-row objects);
 * `slice` and time-window selection return views sharing the same memory.
 *
 * `bars.close.at(-1)` is the last close (pandas' `df['close'].iloc[-1]`).
 */
export class Bars implements BarsColumns {
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
  /** Symbol, timestep and (for a stitched series) contract segments. */
  readonly metadata: BarsMetadata;
  #timestampsMs: Float64Array | undefined;

  private constructor(columns: BarsColumns, metadata: BarsMetadata, timestampsMs?: Float64Array) {
    this.tsEventNanos = columns.tsEventNanos;
    this.open = columns.open;
    this.high = columns.high;
    this.low = columns.low;
    this.close = columns.close;
    this.volume = columns.volume;
    this.metadata = metadata;
    this.#timestampsMs = timestampsMs;
    Object.freeze(this);
  }

  /**
   * Wraps columns without copying them. Checks that every column has the same length and that open
   * times strictly increase.
   * @throws InvalidArgumentError when columns differ in length or are not sorted.
   */
  static fromColumns(columns: BarsColumns, metadata: BarsMetadata): Bars {
    const length = columns.tsEventNanos.length;
    for (const name of COLUMN_NAMES) {
      if (columns[name].length !== length) {
        throw new InvalidArgumentError(
          `Bars column "${name}" has ${columns[name].length} rows but tsEventNanos has ${length}; all columns must have the same length.`,
          { argument: name },
        );
      }
    }
    const times = columns.tsEventNanos;
    for (let index = 1; index < length; index++) {
      if (times[index]! <= times[index - 1]!) {
        throw new InvalidArgumentError(
          `Bars must be sorted by strictly increasing open time; row ${index} (${times[index]}) is not after row ${index - 1} (${times[index - 1]}).`,
          { argument: 'tsEventNanos' },
        );
      }
    }
    return new Bars(columns, metadata);
  }

  /** Builds bars from row objects. Convenient for tests and small inputs; use columns for bulk data. */
  static fromRows(rows: readonly Bar[], metadata: BarsMetadata): Bars {
    const columns = allocateBarsColumns(rows.length);
    rows.forEach((row, index) => {
      columns.tsEventNanos[index] = row.tsEventNanos;
      columns.open[index] = row.open;
      columns.high[index] = row.high;
      columns.low[index] = row.low;
      columns.close[index] = row.close;
      columns.volume[index] = row.volume;
    });
    return Bars.fromColumns(columns, metadata);
  }

  /** An empty series. */
  static empty(metadata: BarsMetadata): Bars {
    return new Bars(allocateBarsColumns(0), metadata);
  }

  /**
   * Concatenates series in time order into one (copying). Each non-empty input becomes a segment when the
   * inputs' symbols differ, so a stitched continuous future remembers which contract each row came from.
   * @throws InvalidArgumentError when the inputs overlap in time or have different timesteps.
   */
  static concat(parts: readonly Bars[], metadata?: Partial<BarsMetadata>): Bars {
    const first = parts[0];
    if (first === undefined) {
      if (metadata?.symbol === undefined || metadata.timestep === undefined) {
        throw new InvalidArgumentError('Bars.concat of no series needs metadata with symbol and timestep.', {
          argument: 'parts',
        });
      }
      return Bars.empty({ symbol: metadata.symbol, timestep: metadata.timestep });
    }
    const total = parts.reduce((sum, part) => sum + part.length, 0);
    const columns = allocateBarsColumns(total);
    const segments: BarsSegment[] = [];
    let offset = 0;
    for (const part of parts) {
      if (part.metadata.timestep.durationMs !== first.metadata.timestep.durationMs) {
        throw new InvalidArgumentError(
          `Cannot concatenate ${part.metadata.timestep.label} bars with ${first.metadata.timestep.label} bars.`,
          { argument: 'parts' },
        );
      }
      if (part.length === 0) continue;
      copyBarsColumns(columns, offset, part);
      const partSegments = part.metadata.segments ?? [{ symbol: part.metadata.symbol, startIndex: 0 }];
      for (const segment of partSegments) {
        const startIndex = offset + segment.startIndex;
        if (segments.at(-1)?.symbol !== segment.symbol) segments.push({ symbol: segment.symbol, startIndex });
      }
      offset += part.length;
    }
    const symbol = metadata?.symbol ?? first.metadata.symbol;
    const keepSegments = segments.length > 1 || (segments[0] !== undefined && segments[0].symbol !== symbol);
    return Bars.fromColumns(columns, {
      symbol,
      timestep: metadata?.timestep ?? first.metadata.timestep,
      ...(keepSegments ? { segments } : {}),
    });
  }

  /** Number of bars. */
  get length(): number {
    return this.tsEventNanos.length;
  }

  /**
   * Open times as float milliseconds since the epoch, computed once and cached: cheaper than BigInt in
   * loops and binary searches. Exact to the microsecond (sub-microsecond digits are dropped).
   */
  get timestampsMs(): Float64Array {
    if (this.#timestampsMs === undefined) this.#timestampsMs = nanosToMilliseconds(this.tsEventNanos);
    return this.#timestampsMs;
  }

  /**
   * The bar at `index` (negative counts from the end; fractions are truncated, like `Array#at`), or
   * undefined when out of range.
   */
  at(index: number): Bar | undefined {
    const integer = toIntegerIndex(index);
    const resolved = integer < 0 ? this.length + integer : integer;
    if (resolved < 0 || resolved >= this.length) return undefined;
    return {
      tsEventNanos: this.tsEventNanos[resolved]!,
      open: this.open[resolved]!,
      high: this.high[resolved]!,
      low: this.low[resolved]!,
      close: this.close[resolved]!,
      volume: this.volume[resolved]!,
    };
  }

  /** The last bar, or undefined when empty. */
  last(): Bar | undefined {
    return this.at(-1);
  }

  /** The contract symbol of row `index`: the segment's symbol for a stitched series, else the series symbol. */
  symbolAt(index: number): string {
    const segments = this.metadata.segments;
    if (segments === undefined) return this.metadata.symbol;
    let symbol = segments[0]?.symbol ?? this.metadata.symbol;
    for (const segment of segments) {
      if (segment.startIndex > index) break;
      symbol = segment.symbol;
    }
    return symbol;
  }

  /**
   * Rows `[start, end)` as a view (no copy). Negative indexes count from the end and out-of-range ones are
   * clamped, like `Array#slice`; an `end` before `start` gives an empty series.
   */
  slice(start = 0, end = this.length): Bars {
    const from = clampIndex(start, this.length);
    const to = Math.max(from, clampIndex(end, this.length));
    const segments = this.metadata.segments;
    let metadata = this.metadata;
    if (segments !== undefined) {
      const sliced: BarsSegment[] = [];
      segments.forEach((segment, position) => {
        const nextStart = segments[position + 1]?.startIndex ?? this.length;
        if (nextStart > from && segment.startIndex < to) {
          sliced.push({ symbol: segment.symbol, startIndex: Math.max(0, segment.startIndex - from) });
        }
      });
      metadata = { ...this.metadata, segments: sliced };
    }
    return new Bars(
      {
        tsEventNanos: this.tsEventNanos.subarray(from, to),
        open: this.open.subarray(from, to),
        high: this.high.subarray(from, to),
        low: this.low.subarray(from, to),
        close: this.close.subarray(from, to),
        volume: this.volume.subarray(from, to),
      },
      metadata,
      this.#timestampsMs?.subarray(from, to),
    );
  }

  /**
   * Index of the first bar opening at or after `time` (binary search); `length` when there is none.
   * @throws InvalidArgumentError for an invalid Date.
   */
  indexAtOrAfter(time: bigint | Date): number {
    const target = toNanos(time);
    let low = 0;
    let high = this.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.tsEventNanos[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /**
   * Bars opening in `[start, end)`, found by binary search, as a view. Bounds are UTC nanoseconds or Dates;
   * an `end` at or before `start` gives an empty series.
   * @throws InvalidArgumentError for an invalid Date.
   */
  between(start: bigint | Date, end: bigint | Date): Bars {
    return this.slice(this.indexAtOrAfter(start), this.indexAtOrAfter(end));
  }

  /**
   * Aggregates into a coarser timestep: buckets aligned to multiples of its duration since the Unix epoch
   * (UTC), stamped at the bucket's open; open = first open, high = max, low = min, close = last close,
   * volume = sum. Buckets without bars are omitted; an empty series gives an empty series.
   *
   * A stitched series keeps its segments: each starts at the bucket holding the segment's first row. A
   * bucket that straddles a roll mixes both contracts (its close is the new contract's), so it is
   * attributed to the new contract.
   * @throws InvalidArgumentError when the target is not a whole multiple of the series' timestep.
   */
  resample(target: Timestep | string): Bars {
    const timestep = this.#coarserTimestep(target);
    const bucketMs = timestep.durationMs;
    return this.#aggregate(timestep, (timeMs) => Math.floor(timeMs / bucketMs) * bucketMs);
  }

  /**
   * Lumibot's `get_momentum`: the fractional change of the close over the last `periods` bars,
   * `close[-1] / close[-1 - periods] - 1` (0.02 is +2%). NaN when there are not `periods + 1` bars.
   * @throws InvalidArgumentError when `periods` is not a positive integer.
   */
  getMomentum(periods = 1): number {
    if (!Number.isInteger(periods) || periods < 1) {
      throw new InvalidArgumentError(`getMomentum periods must be a positive integer, got ${periods}.`, {
        argument: 'periods',
      });
    }
    const close = this.close;
    const length = close.length;
    if (length <= periods) return Number.NaN;
    return close[length - 1]! / close[length - 1 - periods]! - 1;
  }

  /**
   * Lumibot's `get_total_volume`: the summed volume of the bars opening in `[start, end)`, or of every bar
   * when no range is given.
   */
  getTotalVolume(start?: bigint | Date, end?: bigint | Date): number {
    const from = start === undefined ? 0 : this.indexAtOrAfter(start);
    const to = end === undefined ? this.length : this.indexAtOrAfter(end);
    const volume = this.volume;
    let total = 0;
    for (let index = from; index < to; index++) total += volume[index]!;
    return total;
  }

  /**
   * Aggregates into `target` buckets aligned to trading sessions instead of the Unix epoch: a daily bar
   * runs over one whole session (a CME Globex day, 18:00 to 17:00 New York, not UTC midnight) and is
   * stamped at the session open; shorter targets (`4h`) step from each session's open and never cross a
   * close. Bars outside every session are dropped. Aggregation is as in {@link resample}.
   * @throws InvalidArgumentError when the target is not a whole multiple of the series' timestep.
   */
  resampleToSessions(target: Timestep | string, calendar: SessionSource): Bars {
    const timestep = this.#coarserTimestep(target);
    const times = this.timestampsMs;
    const length = this.length;
    if (length === 0) return new Bars(allocateBarsColumns(0), { symbol: this.metadata.symbol, timestep });
    const sessions = calendar.sessions(new Date(times[0]!), new Date(times[length - 1]! + 1));
    const bucketMs = timestep.durationMs;
    // Rows arrive in time order, so the session pointer only moves forward.
    let session = 0;
    return this.#aggregate(timestep, (timeMs) => {
      while (session < sessions.length && sessions[session]!.close.getTime() <= timeMs) session++;
      if (session >= sessions.length) return undefined;
      const openMs = sessions[session]!.open.getTime();
      if (timeMs < openMs) return undefined;
      return openMs + Math.floor((timeMs - openMs) / bucketMs) * bucketMs;
    });
  }

  /** `target` parsed, checked to be a whole multiple of this series' timestep. */
  #coarserTimestep(target: Timestep | string): Timestep {
    const timestep = parseTimestep(target);
    if (!isMultipleOf(timestep, this.metadata.timestep)) {
      throw new InvalidArgumentError(
        `Cannot resample ${this.metadata.timestep.label} bars to ${timestep.label}: the target must be a whole multiple of the source timestep.`,
        { argument: 'timestep' },
      );
    }
    return timestep;
  }

  /**
   * The aggregation both resamplers share: rows with the same bucket start (from `bucketStartMsOf`, called
   * once per row in time order; undefined drops the row) become one bar stamped at that start, open = first
   * open, high = max, low = min, close = last close, volume = sum. A stitched series keeps its segments:
   * each starts at the bucket holding the segment's first kept row; a bucket straddling a roll closes in the
   * new contract, so it belongs to the new segment.
   */
  #aggregate(timestep: Timestep, bucketStartMsOf: (timeMs: number) => number | undefined): Bars {
    const times = this.timestampsMs;
    const length = this.length;
    const columns = allocateBarsColumns(length);
    // Bucket of each row (-1 when dropped), to carry a stitched series' segments over.
    const bucketOfRow = new Int32Array(length).fill(-1);
    let count = -1;
    let currentBucket = Number.NaN;
    for (let index = 0; index < length; index++) {
      const bucketStartMs = bucketStartMsOf(times[index]!);
      if (bucketStartMs === undefined) continue;
      if (bucketStartMs !== currentBucket) {
        currentBucket = bucketStartMs;
        count++;
        columns.tsEventNanos[count] = BigInt(bucketStartMs) * 1_000_000n;
        columns.open[count] = this.open[index]!;
        columns.high[count] = this.high[index]!;
        columns.low[count] = this.low[index]!;
        columns.volume[count] = 0;
      }
      if (this.high[index]! > columns.high[count]!) columns.high[count] = this.high[index]!;
      if (this.low[index]! < columns.low[count]!) columns.low[count] = this.low[index]!;
      columns.close[count] = this.close[index]!;
      columns.volume[count] = columns.volume[count]! + this.volume[index]!;
      bucketOfRow[index] = count;
    }
    const size = count + 1;
    let segments: BarsSegment[] | undefined;
    if (this.metadata.segments !== undefined) {
      segments = [];
      for (const segment of this.metadata.segments) {
        let row = segment.startIndex;
        while (row < length && bucketOfRow[row] === -1) row++;
        if (row >= length) continue;
        const startIndex = bucketOfRow[row]!;
        if (segments.at(-1)?.startIndex === startIndex) segments.pop();
        if (segments.at(-1)?.symbol !== segment.symbol) segments.push({ symbol: segment.symbol, startIndex });
      }
    }
    return new Bars(
      {
        tsEventNanos: columns.tsEventNanos.slice(0, size),
        open: columns.open.slice(0, size),
        high: columns.high.slice(0, size),
        low: columns.low.slice(0, size),
        close: columns.close.slice(0, size),
        volume: columns.volume.slice(0, size),
      },
      { symbol: this.metadata.symbol, timestep, ...(segments === undefined ? {} : { segments }) },
    );
  }
}

// ECMAScript's ToIntegerOrInfinity, as Array#at and Array#slice apply it: NaN is 0, fractions truncate.
function toIntegerIndex(index: number): number {
  return Number.isNaN(index) ? 0 : Math.trunc(index);
}

function clampIndex(index: number, length: number): number {
  const integer = toIntegerIndex(index);
  if (integer < 0) return Math.max(0, length + integer);
  return Math.min(integer, length);
}

function toNanos(time: bigint | Date): bigint {
  if (typeof time === 'bigint') return time;
  const milliseconds = time instanceof Date ? time.getTime() : Number.NaN;
  if (Number.isNaN(milliseconds)) {
    throw new InvalidArgumentError(
      `A Bars time bound must be a valid Date or bigint nanoseconds, got ${time instanceof Date ? 'Invalid Date' : String(time)}.`,
      { argument: 'time' },
    );
  }
  return BigInt(milliseconds) * 1_000_000n;
}

/**
 * Converts nanosecond timestamps to float milliseconds without a BigInt per element: each value is read
 * as two 32-bit halves. With ns = hi * 2^32 + lo and 2^32 = 1000 * 4294967 + 296, the microsecond count is
 * hi * 4294967 + floor((296 * hi + lo) / 1000), every term exact in float64 for dates before 2100.
 */
export function nanosToMilliseconds(nanos: BigInt64Array): Float64Array {
  const words = new Int32Array(nanos.buffer, nanos.byteOffset, nanos.length * 2);
  const result = new Float64Array(nanos.length);
  for (let index = 0; index < nanos.length; index++) {
    const low = words[2 * index]! >>> 0;
    const high = words[2 * index + 1]!;
    const micros = high * 4294967 + Math.floor((296 * high + low) / 1000);
    result[index] = micros / 1000;
  }
  return result;
}
