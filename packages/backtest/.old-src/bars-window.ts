import { Bars, type BarsMetadata } from '@lb/core';

/**
 * A lazy view of rows `[from, to)` of a `Bars` series, returned to strategies on every iteration.
 *
 * Why not `bars.slice()`: a slice builds seven typed-array views up front (50-70 ns each on Node 20),
 * which alone would cap a strategy reading one window per iteration near 2 M bars/s. A window builds a
 * column view only when that column is read (an SMA reads `close` alone), and caches it.
 *
 * It inherits from `Bars.prototype`, so `instanceof Bars` holds and every `Bars` method works; the members
 * that touch `Bars`' private state (`timestampsMs`, `slice`, `length`, `metadata`) are overridden here.
 * @internal Created by the data feed; strategies see it typed as `Bars`.
 */
class BarsWindow {
  readonly #source: Bars;
  readonly #from: number;
  readonly #to: number;
  #tsEventNanos: BigInt64Array | undefined;
  #open: Float64Array | undefined;
  #high: Float64Array | undefined;
  #low: Float64Array | undefined;
  #close: Float64Array | undefined;
  #volume: Float64Array | undefined;
  #timestampsMs: Float64Array | undefined;
  #metadata: BarsMetadata | undefined;

  constructor(source: Bars, from: number, to: number) {
    this.#source = source;
    this.#from = from;
    this.#to = to;
  }

  get length(): number {
    return this.#to - this.#from;
  }
  get tsEventNanos(): BigInt64Array {
    this.#tsEventNanos ??= new BigInt64Array(
      this.#source.tsEventNanos.buffer,
      this.#source.tsEventNanos.byteOffset + this.#from * 8,
      this.#to - this.#from,
    );
    return this.#tsEventNanos;
  }
  get open(): Float64Array {
    this.#open ??= view(this.#source.open, this.#from, this.#to);
    return this.#open;
  }
  get high(): Float64Array {
    this.#high ??= view(this.#source.high, this.#from, this.#to);
    return this.#high;
  }
  get low(): Float64Array {
    this.#low ??= view(this.#source.low, this.#from, this.#to);
    return this.#low;
  }
  get close(): Float64Array {
    this.#close ??= view(this.#source.close, this.#from, this.#to);
    return this.#close;
  }
  get volume(): Float64Array {
    this.#volume ??= view(this.#source.volume, this.#from, this.#to);
    return this.#volume;
  }
  get timestampsMs(): Float64Array {
    this.#timestampsMs ??= view(this.#source.timestampsMs, this.#from, this.#to);
    return this.#timestampsMs;
  }
  get metadata(): BarsMetadata {
    // Only stitched series need their segments re-based; plain series share the source's metadata.
    this.#metadata ??=
      this.#source.metadata.segments === undefined
        ? this.#source.metadata
        : this.#source.slice(this.#from, this.#to).metadata;
    return this.#metadata;
  }

  slice(start = 0, end = this.length): Bars {
    const length = this.length;
    const from = start < 0 ? Math.max(0, length + start) : Math.min(start, length);
    const to = Math.max(from, end < 0 ? Math.max(0, length + end) : Math.min(end, length));
    return createBarsWindow(this.#source, this.#from + from, this.#from + to);
  }

  toJSON(): unknown {
    return this.#source.slice(this.#from, this.#to);
  }
}

Object.setPrototypeOf(BarsWindow.prototype, Bars.prototype);

// The typed-array constructor on (buffer, offset, length) is about twice as fast as `subarray`, which goes
// through the species-constructor protocol; both share memory.
function view(column: Float64Array, from: number, to: number): Float64Array {
  return new Float64Array(column.buffer, column.byteOffset + from * 8, to - from);
}

/** A lazy `Bars` view of rows `[from, to)` of `source` (see {@link BarsWindow}). */
export function createBarsWindow(source: Bars, from: number, to: number): Bars {
  return new BarsWindow(source, from, to) as unknown as Bars;
}
