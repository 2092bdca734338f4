import { InvalidArgumentError } from '@lb/core';
import type { DbnSource } from './byte-source.js';
import { DatabentoRType, OHLCV_RTYPE_BY_SCHEMA, PRICE_UNITS_PER_ONE } from './constants.js';
import { DbnDecodeError } from './dbn-decode-error.js';
import { DbnParser, type DbnParserOptions, type DbnRecordSink } from './dbn-parser.js';
import { type DatabentoMetadataInput, encodeMetadata } from './encoder.js';
import type { DatabentoMetadata } from './metadata.js';
import { openWithSink } from './stream-decoder.js';
import { decompressZstdSync, startsWithZstdMagic } from './zstd.js';

/**
 * OHLCV bars as columns (one typed array per field, index i = bar i), decoded without creating an object
 * or a BigInt per record.
 *
 * Prices: DBN stores i64 fixed-point with scale 1e-9. By default the columns hold prices in units,
 * `raw / 1e9` as float64, correctly rounded (so 3720.25 is exactly 3720.25) whenever |raw| < 2^53, i.e.
 * for prices below ~9 million units. With `rawPrices: true` they hold the raw integer itself (exact below
 * 2^53, and about 1.7x faster to decode because the division is skipped): multiply by `priceScale`.
 * Either way `UNDEF_PRICE` (i64::MAX, "no price") becomes NaN, and NaN is encoded back as UNDEF_PRICE, so
 * the sentinel survives a round trip. Volume (u64) is a float64, exact below 2^53.
 */
export interface OhlcvColumns {
  /** Number of bars. */
  readonly length: number;
  /** Units of the price columns: 1 (prices in units, the default) or 1e-9 (raw fixed-point integers). */
  readonly priceScale: 1 | 1e-9;
  /** Bar open time, ns since the UNIX epoch (ts_event). */
  readonly tsEventNanos: BigInt64Array;
  readonly instrumentId: Uint32Array;
  /** Prices in units (raw / 1e9); NaN where the record holds UNDEF_PRICE. */
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/**
 * Columns accepted by {@link encodeOhlcvColumns}; the bar count is `tsEventNanos.length`. Prices are in
 * units unless `priceScale` is 1e-9 (raw fixed-point integers).
 */
export type OhlcvColumnsInput = Omit<OhlcvColumns, 'length' | 'priceScale'> & { priceScale?: 1 | 1e-9 };

/** Options of the columnar OHLCV decoders. */
export interface OhlcvDecodeOptions extends DbnParserOptions {
  /** Keep prices as raw 1e-9 fixed-point integers (exact, faster) instead of units. Defaults to false. */
  rawPrices?: boolean;
}

const OHLCV_RECORD_SIZE = 56;
const TWO_POW_32 = 4294967296;
// UNDEF_PRICE = i64::MAX: high word 0x7fffffff, low word 0xffffffff.
const UNDEF_HIGH_WORD = 0x7fffffff;
const UNDEF_LOW_WORD = 0xffffffff;

/** Growable column storage; `take` hands the filled part over and starts fresh arrays. */
class OhlcvColumnBuilder {
  length = 0;
  constructor(readonly priceScale: 1 | 1e-9 = 1) {}
  private capacity = 0;
  tsEventNanos = new BigInt64Array(0);
  // The ts_event column filled as pairs of 32-bit words (little-endian), avoiding BigInt per record.
  tsEventWords = new Int32Array(0);
  instrumentId = new Uint32Array(0);
  open = new Float64Array(0);
  high = new Float64Array(0);
  low = new Float64Array(0);
  close = new Float64Array(0);
  volume = new Float64Array(0);

  reserve(additional: number): void {
    const needed = this.length + additional;
    if (needed <= this.capacity) return;
    const capacity = Math.max(needed, this.capacity * 2, 1024);
    const grow = <T extends Float64Array | Uint32Array | BigInt64Array>(
      old: T,
      create: (size: number) => T,
    ): T => {
      const grown = create(capacity);
      grown.set(old.subarray(0, this.length) as never);
      return grown;
    };
    this.tsEventNanos = grow(this.tsEventNanos, (size) => new BigInt64Array(size));
    this.tsEventWords = new Int32Array(this.tsEventNanos.buffer);
    this.instrumentId = grow(this.instrumentId, (size) => new Uint32Array(size));
    this.open = grow(this.open, (size) => new Float64Array(size));
    this.high = grow(this.high, (size) => new Float64Array(size));
    this.low = grow(this.low, (size) => new Float64Array(size));
    this.close = grow(this.close, (size) => new Float64Array(size));
    this.volume = grow(this.volume, (size) => new Float64Array(size));
    this.capacity = capacity;
  }

  take(): OhlcvColumns {
    const length = this.length;
    const columns: OhlcvColumns = {
      length,
      priceScale: this.priceScale,
      tsEventNanos: this.tsEventNanos.subarray(0, length),
      instrumentId: this.instrumentId.subarray(0, length),
      open: this.open.subarray(0, length),
      high: this.high.subarray(0, length),
      low: this.low.subarray(0, length),
      close: this.close.subarray(0, length),
      volume: this.volume.subarray(0, length),
    };
    this.length = 0;
    this.capacity = 0;
    this.tsEventNanos = new BigInt64Array(0);
    this.tsEventWords = new Int32Array(0);
    this.instrumentId = new Uint32Array(0);
    this.open = new Float64Array(0);
    this.high = new Float64Array(0);
    this.low = new Float64Array(0);
    this.close = new Float64Array(0);
    this.volume = new Float64Array(0);
    return columns;
  }
}

/** Parser sink filling OHLCV columns; other record types (mappings, heartbeats...) are skipped. */
class OhlcvColumnSink implements DbnRecordSink {
  readonly builder: OhlcvColumnBuilder;
  constructor(private readonly rawPrices: boolean) {
    this.builder = new OhlcvColumnBuilder(rawPrices ? 1e-9 : 1);
  }

  onRecords(bytes: Uint8Array, _view: DataView, start: number, end: number, streamOffset: number): void {
    // Read 32-bit words through typed-array views (several times faster than DataView here). They need
    // 4-byte alignment; record sizes are multiples of 4, so only the region start matters. A misaligned
    // region (e.g. a chunk boundary at an odd offset) is copied once, which costs far less than decoding.
    let regionStart = start;
    if (((bytes.byteOffset + start) & 3) !== 0) {
      bytes = bytes.slice(start, end);
      regionStart = 0;
    }
    const wordCount = (end - start) >> 2;
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset + regionStart, wordCount);
    const signedWords = new Int32Array(bytes.buffer, bytes.byteOffset + regionStart, wordCount);
    // First pass: count the bars so the columns grow at most once per call.
    let count = 0;
    for (let word = 0; word < wordCount; word += words[word]! & 0xff) {
      const rtype = (words[word]! >>> 8) & 0xff;
      if (rtype === 0x11 || (rtype >= 0x20 && rtype <= 0x24)) count++;
    }
    const builder = this.builder;
    builder.reserve(count);
    const { tsEventWords, instrumentId, open, high, low, close, volume } = builder;
    let index = builder.length;
    // One division per price: the correctly rounded raw / 1e9 (multiplying by 1e-9 can be 1 ulp off).
    const divisor = this.rawPrices ? 1 : PRICE_UNITS_PER_ONE;
    for (let word = 0; word < wordCount; ) {
      const first = words[word]!;
      // Header word 0: length in words (byte 0), rtype (byte 1), publisher_id (bytes 2-3).
      const sizeWords = first & 0xff;
      const rtype = (first >>> 8) & 0xff;
      if (rtype === 0x11 || (rtype >= 0x20 && rtype <= 0x24)) {
        if (sizeWords < OHLCV_RECORD_SIZE / 4) {
          throw new DbnDecodeError(
            `Corrupt DBN record: OHLCV record of ${sizeWords * 4} bytes, expected at least ${OHLCV_RECORD_SIZE}.`,
            { byteOffset: streamOffset + word * 4, rtype },
          );
        }
        // Words: 1 instrument_id, 2-3 ts_event, 4-5 open, 6-7 high, 8-9 low, 10-11 close, 12-13 volume;
        // each 64-bit value is (low word unsigned) + (high word) * 2^32.
        instrumentId[index] = words[word + 1]!;
        tsEventWords[index * 2] = signedWords[word + 2]!;
        tsEventWords[index * 2 + 1] = signedWords[word + 3]!;
        open[index] = priceFromWords(words[word + 4]!, signedWords[word + 5]!, divisor);
        high[index] = priceFromWords(words[word + 6]!, signedWords[word + 7]!, divisor);
        low[index] = priceFromWords(words[word + 8]!, signedWords[word + 9]!, divisor);
        close[index] = priceFromWords(words[word + 10]!, signedWords[word + 11]!, divisor);
        volume[index] = words[word + 13]! * TWO_POW_32 + words[word + 12]!;
        index++;
      }
      word += sizeWords;
    }
    builder.length = index;
  }
}

/** An i64 fixed-point price from its two 32-bit halves divided by `divisor`; UNDEF_PRICE becomes NaN. */
function priceFromWords(low: number, high: number, divisor: number): number {
  if (high === UNDEF_HIGH_WORD && low === UNDEF_LOW_WORD) return Number.NaN;
  const raw = high * TWO_POW_32 + low;
  return divisor === 1 ? raw : raw / divisor;
}

/**
 * Decodes the OHLCV records of a whole in-memory DBN buffer (raw or zstd) into columns. The fast path
 * for bars: no per-record objects, no BigInt. Non-OHLCV records are skipped.
 */
export function decodeOhlcvColumns(
  bytes: Uint8Array,
  options: OhlcvDecodeOptions = {},
): { metadata: DatabentoMetadata | undefined; columns: OhlcvColumns } {
  const sink = new OhlcvColumnSink(options.rawPrices ?? false);
  const parser = new DbnParser(sink, options);
  if (startsWithZstdMagic(bytes)) {
    try {
      bytes = decompressZstdSync(bytes);
    } catch (error) {
      throw new DbnDecodeError(
        `Corrupt zstd data: ${error instanceof Error ? error.message : String(error)}`,
        {
          byteOffset: 0,
          cause: error,
        },
      );
    }
  }
  parser.push(bytes);
  parser.finish();
  return { metadata: parser.metadata, columns: sink.builder.take() };
}

/**
 * Opens a DBN source for columnar OHLCV decoding; `batches()` yields one {@link OhlcvColumns} per input
 * chunk, so memory stays bounded however large the source is.
 */
export async function openOhlcvColumnStream(
  source: DbnSource,
  options: OhlcvDecodeOptions = {},
): Promise<{
  metadata: DatabentoMetadata | undefined;
  batches(): AsyncGenerator<OhlcvColumns>;
  close(): Promise<void>;
}> {
  const sink = new OhlcvColumnSink(options.rawPrices ?? false);
  const opened = await openWithSink(source, options, sink, () => sink.builder.take());
  return {
    metadata: opened.metadata,
    close: opened.close,
    async *batches() {
      for await (const batch of opened.batches) if (batch.length > 0) yield batch;
    },
  };
}

/** Reads a whole DBN source into one set of OHLCV columns (streamed, then concatenated). */
export async function readOhlcvColumns(
  source: DbnSource,
  options: OhlcvDecodeOptions = {},
): Promise<{ metadata: DatabentoMetadata | undefined; columns: OhlcvColumns }> {
  const stream = await openOhlcvColumnStream(source, options);
  const batches: OhlcvColumns[] = [];
  for await (const batch of stream.batches()) batches.push(batch);
  return {
    metadata: stream.metadata,
    columns: concatOhlcvColumns(batches, options.rawPrices ? 1e-9 : 1),
  };
}

/** Concatenates column batches into one. */
export function concatOhlcvColumns(batches: readonly OhlcvColumns[], priceScale: 1 | 1e-9 = 1): OhlcvColumns {
  const builder = new OhlcvColumnBuilder(batches[0]?.priceScale ?? priceScale);
  let total = 0;
  for (const batch of batches) total += batch.length;
  builder.reserve(total);
  for (const batch of batches) {
    const at = builder.length;
    builder.tsEventNanos.set(batch.tsEventNanos, at);
    builder.instrumentId.set(batch.instrumentId, at);
    builder.open.set(batch.open, at);
    builder.high.set(batch.high, at);
    builder.low.set(batch.low, at);
    builder.close.set(batch.close, at);
    builder.volume.set(batch.volume, at);
    builder.length += batch.length;
  }
  return builder.take();
}

/** Options of {@link encodeOhlcvColumns}. */
export interface EncodeOhlcvColumnsOptions {
  /** Metadata to write first; without it the output is a fragment (records only). */
  metadata?: DatabentoMetadataInput;
  /** Record type; defaults to the metadata's OHLCV schema, else ohlcv-1m (0x21). */
  rtype?: number;
  /** Publisher id written in every header. Defaults to 1 (GLBX.MDP3). */
  publisherId?: number;
}

/** Writes a float64 price as i64 fixed-point (1e-9) from two 32-bit halves; NaN -> UNDEF_PRICE. */
function writePrice(view: DataView, position: number, price: number, multiplier: number): void {
  if (Number.isNaN(price)) {
    view.setUint32(position, UNDEF_LOW_WORD, true);
    view.setInt32(position + 4, UNDEF_HIGH_WORD, true);
    return;
  }
  const raw = Math.round(price * multiplier);
  const high = Math.floor(raw / TWO_POW_32);
  view.setUint32(position, raw - high * TWO_POW_32, true);
  view.setInt32(position + 4, high, true);
}

/**
 * Encodes OHLCV columns into DBN records (56 bytes each), optionally preceded by metadata. The fast way
 * to generate millions of bars: `decodeOhlcvColumns(encodeOhlcvColumns(c, { metadata }))` gives back `c`.
 */
export function encodeOhlcvColumns(
  columns: OhlcvColumnsInput,
  options: EncodeOhlcvColumnsOptions = {},
): Uint8Array {
  const count = columns.tsEventNanos.length;
  for (const name of ['instrumentId', 'open', 'high', 'low', 'close', 'volume'] as const) {
    if (columns[name].length !== count) {
      throw new InvalidArgumentError(
        `Column ${name} has ${columns[name].length} values but tsEventNanos has ${count}.`,
        { argument: name },
      );
    }
  }
  const schema = options.metadata?.schema;
  const rtype =
    options.rtype ??
    (schema && schema in OHLCV_RTYPE_BY_SCHEMA
      ? OHLCV_RTYPE_BY_SCHEMA[schema as keyof typeof OHLCV_RTYPE_BY_SCHEMA]
      : DatabentoRType.Ohlcv1m);
  const publisherId = options.publisherId ?? 1;
  const metadataBytes = options.metadata ? encodeMetadata(options.metadata) : new Uint8Array(0);
  const bytes = new Uint8Array(metadataBytes.length + count * OHLCV_RECORD_SIZE);
  bytes.set(metadataBytes, 0);
  const view = new DataView(bytes.buffer);
  const tsEventWords = new Int32Array(
    columns.tsEventNanos.buffer,
    columns.tsEventNanos.byteOffset,
    columns.tsEventNanos.length * 2,
  );
  const { instrumentId, open, high, low, close, volume } = columns;
  const multiplier = columns.priceScale === 1e-9 ? 1 : PRICE_UNITS_PER_ONE;
  let position = metadataBytes.length;
  for (let index = 0; index < count; index++) {
    // Header: length 14 words (56 bytes), rtype, publisher_id, instrument_id, ts_event.
    bytes[position] = OHLCV_RECORD_SIZE / 4;
    bytes[position + 1] = rtype;
    view.setUint16(position + 2, publisherId, true);
    view.setUint32(position + 4, instrumentId[index]!, true);
    view.setInt32(position + 8, tsEventWords[index * 2]!, true);
    view.setInt32(position + 12, tsEventWords[index * 2 + 1]!, true);
    writePrice(view, position + 16, open[index]!, multiplier);
    writePrice(view, position + 24, high[index]!, multiplier);
    writePrice(view, position + 32, low[index]!, multiplier);
    writePrice(view, position + 40, close[index]!, multiplier);
    const volumeValue = volume[index]!;
    const volumeHigh = Math.floor(volumeValue / TWO_POW_32);
    view.setUint32(position + 48, volumeValue - volumeHigh * TWO_POW_32, true);
    view.setUint32(position + 52, volumeHigh, true);
    position += OHLCV_RECORD_SIZE;
  }
  return bytes;
}
