import { Bars, type BarsMetadata } from '@lb/core';

interface OtherColumns {
  tsEventNanos: BigInt64Array | undefined;
  open: Float64Array | undefined;
  high: Float64Array | undefined;
  low: Float64Array | undefined;
  volume: Float64Array | undefined;
  timestampsMs: Float64Array | undefined;
  metadata: BarsMetadata | undefined;
}

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
  // `close` is what nearly every strategy reads: its view has its own slot; the other columns share one
  // lazily made cache, so a window stays a small object (one is made per iteration).
  #close: Float64Array | undefined;
  #others: OtherColumns | undefined;

  constructor(source: Bars, from: number, to: number) {
    this.#source = source;
    this.#from = from;
    this.#to = to;
  }

  get length(): number {
    return this.#to - this.#from;
  }
  get tsEventNanos(): BigInt64Array {
    const others = this.#cache();
    others.tsEventNanos ??= new BigInt64Array(
      this.#source.tsEventNanos.buffer,
      this.#source.tsEventNanos.byteOffset + this.#from * 8,
      this.#to - this.#from,
    );
    return others.tsEventNanos;
  }
  get open(): Float64Array {
    const others = this.#cache();
    others.open ??= view(this.#source.open, this.#from, this.#to);
    return others.open;
  }
  get high(): Float64Array {
    const others = this.#cache();
    others.high ??= view(this.#source.high, this.#from, this.#to);
    return others.high;
  }
  get low(): Float64Array {
    const others = this.#cache();
    others.low ??= view(this.#source.low, this.#from, this.#to);
    return others.low;
  }
  get close(): Float64Array {
    this.#close ??= view(this.#source.close, this.#from, this.#to);
    return this.#close;
  }
  get volume(): Float64Array {
    const others = this.#cache();
    others.volume ??= view(this.#source.volume, this.#from, this.#to);
    return others.volume;
  }
  get timestampsMs(): Float64Array {
    const others = this.#cache();
    others.timestampsMs ??= view(this.#source.timestampsMs, this.#from, this.#to);
    return others.timestampsMs;
  }
  get metadata(): BarsMetadata {
    const others = this.#cache();
    // Only stitched series need their segments re-based; plain series share the source's metadata.
    others.metadata ??=
      this.#source.metadata.segments === undefined
        ? this.#source.metadata
        : this.#source.slice(this.#from, this.#to).metadata;
    return others.metadata;
  }

  #cache(): OtherColumns {
    this.#others ??= {
      tsEventNanos: undefined,
      open: undefined,
      high: undefined,
      low: undefined,
      volume: undefined,
      timestampsMs: undefined,
      metadata: undefined,
    };
    return this.#others;
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
