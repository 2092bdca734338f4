import { Bars, type BarsSegment, parseTimestep } from '@lb/core';
import { InvalidSweepError } from './errors.js';

// Layout: u32 header length (little endian), the JSON header, zero padding to a multiple of 8, then the
// six columns back to back (tsEventNanos as int64, then open, high, low, close, volume as float64). The
// 8-byte alignment lets a reader view the columns in place (no copy) in a SharedArrayBuffer.
const COLUMN_COUNT = 6;
const BYTES_PER_VALUE = 8;
/** Headers are a symbol, a timestep and contract segments: far below this. */
const MAX_HEADER_BYTES = 1 << 20;

interface BarsHeader {
  readonly symbol: string;
  readonly timestep: string;
  readonly length: number;
  readonly segments?: readonly BarsSegment[];
}

/**
 * Encodes bars into one buffer, shared across threads (`SharedArrayBuffer`) when `shared` is true: workers
 * then wrap the same memory with {@link decodeBars} instead of each holding a copy.
 */
export function encodeBars(bars: Bars, options: { readonly shared?: boolean } = {}): Uint8Array {
  const header: BarsHeader = {
    symbol: bars.metadata.symbol,
    timestep: bars.metadata.timestep.label,
    length: bars.length,
    ...(bars.metadata.segments === undefined ? {} : { segments: bars.metadata.segments }),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const columnsOffset = alignTo8(4 + headerBytes.length);
  const totalBytes = columnsOffset + bars.length * COLUMN_COUNT * BYTES_PER_VALUE;
  const buffer = options.shared === true ? new SharedArrayBuffer(totalBytes) : new ArrayBuffer(totalBytes);
  const bytes = new Uint8Array(buffer);
  new DataView(buffer).setUint32(0, headerBytes.length, true);
  bytes.set(headerBytes, 4);
  const length = bars.length;
  new BigInt64Array(buffer, columnsOffset, length).set(bars.tsEventNanos);
  const columns = [bars.open, bars.high, bars.low, bars.close, bars.volume];
  columns.forEach((column, index) => {
    new Float64Array(buffer, columnsOffset + (index + 1) * length * BYTES_PER_VALUE, length).set(column);
  });
  return bytes;
}

/**
 * Wraps encoded bars without copying when the bytes are 8-byte aligned (always true for what
 * {@link encodeBars} made); copies once otherwise (e.g. a Node Buffer from a socket).
 * @throws InvalidSweepError when the bytes are not encoded bars (truncated, bad header, unsorted).
 */
export function decodeBars(input: Uint8Array): Bars {
  const bytes = input.byteOffset % BYTES_PER_VALUE === 0 ? input : new Uint8Array(input);
  const fail = (reason: string): never => {
    throw new InvalidSweepError(`Cannot decode shared bars: ${reason}. Was the data written by @lb/sweep?`);
  };
  if (bytes.length < 4) fail('fewer than 4 bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  if (headerLength > MAX_HEADER_BYTES || 4 + headerLength > bytes.length) fail('header length out of range');
  let header: BarsHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as BarsHeader;
  } catch (error) {
    throw new InvalidSweepError('Cannot decode shared bars: the header is not JSON.', { cause: error });
  }
  const length = header.length;
  if (!Number.isSafeInteger(length) || length < 0) fail('bad row count');
  if (typeof header.symbol !== 'string' || typeof header.timestep !== 'string') fail('bad metadata');
  const columnsOffset = alignTo8(4 + headerLength);
  if (bytes.length !== columnsOffset + length * COLUMN_COUNT * BYTES_PER_VALUE) fail('size does not match');
  const base = bytes.byteOffset + columnsOffset;
  const column = (index: number) =>
    new Float64Array(bytes.buffer, base + index * length * BYTES_PER_VALUE, length);
  return Bars.fromColumns(
    {
      tsEventNanos: new BigInt64Array(bytes.buffer, base, length),
      open: column(1),
      high: column(2),
      low: column(3),
      close: column(4),
      volume: column(5),
    },
    {
      symbol: header.symbol,
      timestep: parseTimestep(header.timestep),
      ...(header.segments === undefined ? {} : { segments: header.segments }),
    },
  );
}

function alignTo8(value: number): number {
  return Math.ceil(value / BYTES_PER_VALUE) * BYTES_PER_VALUE;
}
