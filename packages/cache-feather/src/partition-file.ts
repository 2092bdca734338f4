import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Bars, type BarsMetadata, parseTimestep } from '@lb/core';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { readArrowRowCount } from './arrow-footer.js';
import { barsFromArrowTable, barsToArrowTable, PRICE_COLUMN_NAMES } from './bars-arrow.js';
import type { PartitionManifest } from './manifest.js';

// Arrow IPC file format (Feather v2): "ARROW1" + 2 padding bytes at the start, "ARROW1" at the very end.
const ARROW_MAGIC = Buffer.from('ARROW1', 'ascii');

/** Where each column's values start in a partition file. */
export type PartitionLayout = NonNullable<PartitionManifest['layout']>;

/** An encoded partition, ready to be written. */
export interface EncodedPartition {
  readonly bytes: Uint8Array;
  readonly sha256: string;
  /** Undefined when the fast layout does not apply (several batches, stitched segments). */
  readonly layout: PartitionLayout | undefined;
}

/**
 * Encodes bars as an uncompressed Arrow IPC file. Uncompressed on purpose: arrow-js compressed output is
 * rejected by polars, and reading needs no codec. The column offsets are found by decoding the bytes just
 * written (arrow-js decodes single-batch files without copying, so each column is a view into `bytes`).
 */
export function encodePartition(bars: Bars): EncodedPartition {
  const bytes = tableToIPC(barsToArrowTable(bars), 'file');
  return { bytes, sha256: sha256Hex(bytes), layout: findLayout(bytes, bars.metadata) };
}

function findLayout(bytes: Uint8Array, metadata: BarsMetadata): PartitionLayout | undefined {
  if (metadata.segments !== undefined) return undefined;
  const table = tableFromIPC(bytes);
  if (table.batches.length !== 1) return undefined;
  const offsetOf = (name: string): number | undefined => {
    const values = table.getChild(name)?.data[0]?.values as ArrayBufferView | undefined;
    if (values === undefined || values.buffer !== bytes.buffer) return undefined;
    const offset = values.byteOffset - bytes.byteOffset;
    return offset % 8 === 0 ? offset : undefined;
  };
  const offsets = ['ts_event', ...PRICE_COLUMN_NAMES].map(offsetOf);
  if (offsets.some((offset) => offset === undefined)) return undefined;
  const [tsEvent, open, high, low, close, volume] = offsets as number[];
  return {
    tsEvent: tsEvent!,
    open: open!,
    high: high!,
    low: low!,
    close: close!,
    volume: volume!,
    symbol: metadata.symbol,
    timestep: metadata.timestep.label,
  };
}

/** Lower-case hex sha256. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** What is wrong with a data file, or undefined when it matches its manifest. */
export function findPartitionProblem(
  bytes: Uint8Array,
  manifest: PartitionManifest,
  options: { readonly checksum: boolean } = { checksum: true },
): string | undefined {
  if (bytes.byteLength !== manifest.byteLength) {
    return `file has ${bytes.byteLength} bytes, manifest says ${manifest.byteLength}`;
  }
  if (!hasArrowMagic(bytes)) return 'not an Arrow IPC file (bad magic or missing footer)';
  const rows = readArrowRowCount(bytes);
  if (rows === undefined) return 'Arrow footer or record batch header is unreadable';
  if (rows !== manifest.rowCount) return `file holds ${rows} rows, manifest says ${manifest.rowCount}`;
  const layout = manifest.layout;
  if (layout !== undefined) {
    const end = manifest.rowCount * 8;
    const offsets = [layout.tsEvent, layout.open, layout.high, layout.low, layout.close, layout.volume];
    if (offsets.some((offset) => offset % 8 !== 0 || offset + end > bytes.byteLength)) {
      return 'column layout in the manifest does not fit the file';
    }
  }
  if (options.checksum && sha256Hex(bytes) !== manifest.sha256) return 'sha256 does not match the manifest';
  return undefined;
}

/**
 * What is wrong with decoded bars given their manifest: another row count, or a first or last bar outside
 * the range the manifest covers (a shifted offset or timestamp would serve another day's bars).
 */
export function findBarsProblem(bars: Bars, manifest: PartitionManifest): string | undefined {
  if (bars.length !== manifest.rowCount) {
    return `file holds ${bars.length} rows, manifest says ${manifest.rowCount}`;
  }
  if (bars.length === 0) return undefined;
  const startNanos = BigInt(Date.parse(manifest.coveredStart)) * NANOS_PER_MS;
  const endNanos = BigInt(Date.parse(manifest.coveredEnd)) * NANOS_PER_MS;
  const first = bars.tsEventNanos[0]!;
  const last = bars.tsEventNanos[bars.length - 1]!;
  if (first < startNanos || last >= endNanos || last < first) {
    return `bars from ${formatNanos(first)} to ${formatNanos(last)} lie outside the covered range ${manifest.coveredStart}..${manifest.coveredEnd}`;
  }
  return undefined;
}

const NANOS_PER_MS = 1_000_000n;

function formatNanos(nanos: bigint): string {
  const ms = Number(nanos / NANOS_PER_MS);
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(nanos);
}

/** True when `bytes` starts and ends with the Arrow file magic. */
export function hasArrowMagic(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 2 * ARROW_MAGIC.length + 2) return false;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (
    buffer.subarray(0, ARROW_MAGIC.length).equals(ARROW_MAGIC) &&
    buffer.subarray(buffer.length - ARROW_MAGIC.length).equals(ARROW_MAGIC)
  );
}

/**
 * Decodes a validated data file into bars without copying. With a layout in the manifest the columns are
 * typed-array views at the recorded offsets (no IPC metadata parsing: ~20x faster for a day of minutes);
 * otherwise (or with `viaArrow`) apache-arrow decodes the file. Symbol and timestep are those the source
 * returned.
 * @throws Error when the file does not decode or holds another row count than the manifest.
 */
export function decodePartition(
  bytes: Uint8Array,
  manifest: PartitionManifest,
  options: { readonly viaArrow?: boolean } = {},
): Bars {
  const layout = manifest.layout;
  if (layout !== undefined && options.viaArrow !== true) {
    // Typed-array views need 8-byte alignment; copy the rare buffer that is not.
    const aligned = bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes);
    const rows = manifest.rowCount;
    const view = (offset: number) => new Float64Array(aligned.buffer, aligned.byteOffset + offset, rows);
    return Bars.fromColumns(
      {
        tsEventNanos: new BigInt64Array(aligned.buffer, aligned.byteOffset + layout.tsEvent, rows),
        open: view(layout.open),
        high: view(layout.high),
        low: view(layout.low),
        close: view(layout.close),
        volume: view(layout.volume),
      },
      { symbol: layout.symbol, timestep: parseTimestep(layout.timestep) },
    );
  }
  const table = tableFromIPC(bytes);
  if (table.numRows !== manifest.rowCount) {
    throw new Error(`file holds ${table.numRows} rows, manifest says ${manifest.rowCount}`);
  }
  return barsFromArrowTable(table);
}

/** A data file read with its identity, so a checksum verified once need not be recomputed. */
export interface ReadPartitionFile {
  readonly bytes: Uint8Array;
  /** Inode, size, mtime and ctime: any rewrite or rename changes it. */
  readonly identity: string;
}

/**
 * Reads a data file synchronously into `allocate(size)` (an arena slot, or a fresh buffer), or returns
 * undefined when it does not exist. Synchronous on purpose: a day file is tens of kilobytes, usually in the
 * page cache, and four thread-pool round trips per file (open, stat, read, close) cost more than the copy.
 * A file whose size differs from `expectedSize` is not read (it cannot match its manifest).
 */
export function readPartitionFileSync(
  path: string,
  expectedSize: number,
  allocate: (size: number) => Uint8Array = (size) => Buffer.allocUnsafeSlow(size),
): ReadPartitionFile | { readonly sizeMismatch: number } | undefined {
  let descriptor: number;
  try {
    descriptor = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const stats = fstatSync(descriptor, { bigint: true });
    const size = Number(stats.size);
    if (size !== expectedSize) return { sizeMismatch: size };
    const bytes = allocate(size);
    let offset = 0;
    while (offset < size) {
      const read = readSync(descriptor, bytes, offset, size - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    return {
      bytes: offset === size ? bytes : bytes.subarray(0, offset),
      identity: `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`,
    };
  } finally {
    closeSync(descriptor);
  }
}

/**
 * One reusable buffer per cache that warm reads fill with day files, so a year of minutes does not allocate
 * (and garbage-collect) 25 MB of file buffers per request. Only one request uses it at a time; a concurrent
 * one gets fresh buffers. Bars read into it are views: copy them out before {@link ReadArena.release}.
 */
export class ReadArenaPool {
  #buffer: ArrayBuffer | undefined;
  #busy = false;

  /** An arena of `size` bytes (8-byte aligned slots). */
  acquire(size: number): ReadArena {
    if (this.#busy) return new ReadArena(new ArrayBuffer(size), () => {});
    if (this.#buffer === undefined || this.#buffer.byteLength < size) this.#buffer = new ArrayBuffer(size);
    this.#busy = true;
    return new ReadArena(this.#buffer, () => {
      this.#busy = false;
    });
  }
}

/** Slots handed out from an {@link ReadArenaPool} buffer. */
export class ReadArena {
  #offset = 0;
  readonly #buffer: ArrayBuffer;
  readonly #release: () => void;

  constructor(buffer: ArrayBuffer, release: () => void) {
    this.#buffer = buffer;
    this.#release = release;
  }

  /** The next `size` bytes, starting 8-byte aligned; a fresh buffer once the arena is full. */
  take(size: number): Uint8Array {
    const start = (this.#offset + 7) & ~7;
    if (start + size > this.#buffer.byteLength) return Buffer.allocUnsafeSlow(size);
    this.#offset = start + size;
    return new Uint8Array(this.#buffer, start, size);
  }

  release(): void {
    this.#release();
  }
}

/**
 * A full check for `lb cache verify`: decodes the file with apache-arrow (row count, column types) and,
 * when the manifest has a column layout, checks that the layout views the same values.
 */
export function findDecodingProblem(bytes: Uint8Array, manifest: PartitionManifest): string | undefined {
  let viaArrow: Bars;
  try {
    viaArrow = decodePartition(bytes, manifest, { viaArrow: true });
  } catch (error) {
    return (error as Error).message;
  }
  const barsProblem = findBarsProblem(viaArrow, manifest);
  if (barsProblem !== undefined) return barsProblem;
  if (manifest.layout === undefined) return undefined;
  const viaLayout = decodePartition(bytes, manifest);
  for (const name of ['tsEventNanos', ...PRICE_COLUMN_NAMES] as const) {
    const left = viaArrow[name];
    const right = viaLayout[name];
    for (let index = 0; index < left.length; index++) {
      if (left[index] !== right[index])
        return `column layout in the manifest does not match the file (${name})`;
    }
  }
  return undefined;
}
