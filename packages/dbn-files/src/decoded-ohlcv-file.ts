import { readFile } from 'node:fs/promises';
import {
  DbnDecodeError,
  decodeOhlcvColumns,
  decompressZstd,
  type OhlcvColumns,
  startsWithZstdMagic,
} from '@lb/dbn';
import { DbnFileError } from './dbn-file-error.js';

/** An OHLCV file decoded to columns, with each instrument's rows in time order for binary search. */
export interface DecodedOhlcvFile {
  readonly columns: OhlcvColumns;
  /** Row indices per instrument id, sorted by `tsEventNanos`. */
  readonly rowsByInstrument: ReadonlyMap<number, Int32Array>;
  /** Approximate memory held, for the cache budget. */
  readonly byteSize: number;
}

// tsEventNanos (8) + instrumentId (4) + five float64 columns (40) + a row index (4).
const BYTES_PER_ROW = 56;

/** Reads and decodes a whole OHLCV file. Errors name the file. */
export async function decodeOhlcvFile(
  path: string,
  sourceId: string,
  signal?: AbortSignal,
): Promise<DecodedOhlcvFile> {
  let columns: OhlcvColumns;
  try {
    let bytes: Uint8Array = await readFile(path, signal === undefined ? {} : { signal });
    // The native whole-buffer zstd path is several times faster than the streaming pure-JS one.
    if (startsWithZstdMagic(bytes)) bytes = await decompressZstd(bytes);
    columns = decodeOhlcvColumns(bytes).columns;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const where = DbnDecodeError.isInstance(error) ? ` at byte ${error.byteOffset}` : '';
    throw new DbnFileError(
      `Cannot decode DBN file ${path}${where}: ${error instanceof Error ? error.message : String(error)}. The file is corrupt or truncated; re-download it or move it out of the folder.`,
      { sourceId: sourceId, filePath: path, cause: error },
    );
  }
  return {
    columns,
    rowsByInstrument: groupRowsByInstrument(columns),
    byteSize: columns.length * BYTES_PER_ROW,
  };
}

function groupRowsByInstrument(columns: OhlcvColumns): Map<number, Int32Array> {
  const counts = new Map<number, number>();
  for (let row = 0; row < columns.length; row++) {
    const id = columns.instrumentId[row]!;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const rows = new Map<number, Int32Array>();
  const filled = new Map<number, number>();
  for (const [id, count] of counts) {
    rows.set(id, new Int32Array(count));
    filled.set(id, 0);
  }
  for (let row = 0; row < columns.length; row++) {
    const id = columns.instrumentId[row]!;
    const position = filled.get(id)!;
    rows.get(id)![position] = row;
    filled.set(id, position + 1);
  }
  // DBN files are sorted by ts_event, but nothing forces a hand-made file to be: sort when needed.
  const times = columns.tsEventNanos;
  for (const indices of rows.values()) {
    let sorted = true;
    for (let position = 1; position < indices.length && sorted; position++) {
      sorted = times[indices[position]!]! >= times[indices[position - 1]!]!;
    }
    if (!sorted) {
      indices.sort((left, right) => {
        const difference = times[left]! - times[right]!;
        return difference < 0n ? -1 : difference > 0n ? 1 : left - right;
      });
    }
  }
  return rows;
}

/** Row indices of `instrumentId` with open time in [startNanos, endNanos), in time order. */
export function rowsInWindow(
  file: DecodedOhlcvFile,
  instrumentId: number,
  startNanos: bigint,
  endNanos: bigint,
): Int32Array {
  const indices = file.rowsByInstrument.get(instrumentId);
  if (indices === undefined) return new Int32Array(0);
  const times = file.columns.tsEventNanos;
  const lowerBound = (target: bigint): number => {
    let low = 0;
    let high = indices.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (times[indices[middle]!]! < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  return indices.subarray(lowerBound(startNanos), lowerBound(endNanos));
}

/** A least-recently-used cache of decoded files bounded by their total byte size. */
export class DecodedFileCache {
  readonly #entries = new Map<string, Promise<DecodedOhlcvFile>>();
  readonly #sizes = new Map<string, number>();
  #totalBytes = 0;
  readonly #maxBytes: number;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** The decoded file, from memory or decoded now (concurrent callers share one decode). */
  get(path: string, decode: () => Promise<DecodedOhlcvFile>): Promise<DecodedOhlcvFile> {
    const cached = this.#entries.get(path);
    if (cached !== undefined) {
      // Re-insert to mark as most recently used (Map iterates in insertion order).
      this.#entries.delete(path);
      this.#entries.set(path, cached);
      return cached;
    }
    const pending = decode().then(
      (file) => {
        if (this.#entries.get(path) === pending) {
          this.#sizes.set(path, file.byteSize);
          this.#totalBytes += file.byteSize;
          this.#evict(path);
        }
        return file;
      },
      (error: unknown) => {
        if (this.#entries.get(path) === pending) this.#entries.delete(path);
        throw error;
      },
    );
    this.#entries.set(path, pending);
    return pending;
  }

  clear(): void {
    this.#entries.clear();
    this.#sizes.clear();
    this.#totalBytes = 0;
  }

  #evict(keep: string): void {
    for (const path of this.#entries.keys()) {
      if (this.#totalBytes <= this.#maxBytes) return;
      const size = this.#sizes.get(path);
      // Skip the entry just added and decodes still in flight (no size yet).
      if (path === keep || size === undefined) continue;
      this.#entries.delete(path);
      this.#sizes.delete(path);
      this.#totalBytes -= size;
    }
  }
}
