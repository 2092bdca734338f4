import { InvalidArgumentError } from '@lb/core';
import {
  DATABENTO_SCHEMAS,
  DATABENTO_STYPES,
  DBN_VERSION,
  SYMBOL_STRING_LENGTH_V2,
  UNDEF_TIMESTAMP,
} from './constants.js';
import type { DatabentoMetadata } from './metadata.js';
import { resolvedFieldsOf } from './record-decoder.js';
import { currentLayoutForRType, type LayoutField, type RecordLayout } from './record-layouts.js';
import type {
  DatabentoBidAskPair,
  DatabentoConsolidatedBidAskPair,
  DatabentoRecord,
} from './record-types.js';
import { encodeCString } from './text.js';
import { compressZstd } from './zstd.js';

/**
 * Metadata accepted by the encoder: only dataset, schema and start are required. Always written as v3
 * (71-byte symbols) whatever `version` and `symbolStringLength` say.
 */
export type DatabentoMetadataInput = Pick<DatabentoMetadata, 'dataset' | 'schema' | 'startNanos'> &
  Partial<Omit<DatabentoMetadata, 'dataset' | 'schema' | 'startNanos'>>;

/** Options of {@link encodeDbn}. */
export interface DbnEncodeOptions {
  /** Compress the output with zstd. Defaults to false. */
  compress?: boolean;
  /** zstd level when compressing. Defaults to 3. */
  compressionLevel?: number;
}

/** Fills the defaults of a {@link DatabentoMetadataInput} and marks it v3. */
export function completeMetadata(input: DatabentoMetadataInput): DatabentoMetadata {
  return {
    endNanos: null,
    limit: null,
    stypeIn: 'raw_symbol',
    stypeOut: 'instrument_id',
    tsOut: false,
    symbols: [],
    partial: [],
    notFound: [],
    mappings: [],
    ...input,
    version: DBN_VERSION,
    symbolStringLength: SYMBOL_STRING_LENGTH_V2,
  };
}

function invalid(message: string, argument: string): never {
  throw new InvalidArgumentError(message, { argument });
}

/** Encodes the v3 metadata header (prelude included); its length is padded to a multiple of 8 bytes. */
export function encodeMetadata(input: DatabentoMetadataInput): Uint8Array {
  const metadata = completeMetadata(input);
  const symbolLength = SYMBOL_STRING_LENGTH_V2;
  const symbolListSize = (symbols: string[]) => 4 + symbols.length * symbolLength;
  let variableSize =
    symbolListSize(metadata.symbols) +
    symbolListSize(metadata.partial) +
    symbolListSize(metadata.notFound) +
    4;
  for (const mapping of metadata.mappings) {
    variableSize += symbolLength + 4 + mapping.intervals.length * (8 + symbolLength);
  }
  // Fixed part: 100 bytes after the prelude, then schema_definition_length (u32, always 0).
  const unpaddedLength = 100 + 4 + variableSize;
  const length = Math.ceil((8 + unpaddedLength) / 8) * 8 - 8;
  const bytes = new Uint8Array(8 + length);
  const view = new DataView(bytes.buffer);
  bytes.set([0x44, 0x42, 0x4e, DBN_VERSION], 0);
  view.setUint32(4, length, true);
  if (!encodeCString(metadata.dataset, bytes, 8, 16)) invalid('Dataset longer than 16 bytes.', 'dataset');
  const schemaId = metadata.schema === null ? 0xffff : DATABENTO_SCHEMAS.indexOf(metadata.schema);
  if (schemaId < 0) invalid(`Unknown schema ${metadata.schema}.`, 'schema');
  view.setUint16(24, schemaId, true);
  view.setBigUint64(26, metadata.startNanos, true);
  view.setBigUint64(34, metadata.endNanos ?? UNDEF_TIMESTAMP, true);
  view.setBigUint64(42, metadata.limit ?? 0n, true);
  const stypeId = (stype: string, argument: string) => {
    const id = DATABENTO_STYPES.indexOf(stype as (typeof DATABENTO_STYPES)[number]);
    return id < 0 ? invalid(`Unknown stype ${stype}.`, argument) : id;
  };
  bytes[50] = metadata.stypeIn === null ? 0xff : stypeId(metadata.stypeIn, 'stypeIn');
  bytes[51] = stypeId(metadata.stypeOut, 'stypeOut');
  bytes[52] = metadata.tsOut ? 1 : 0;
  view.setUint16(53, symbolLength, true);
  // 55..108 reserved; 108 schema_definition_length = 0.
  let position = 112;
  const writeSymbol = (symbol: string, argument: string) => {
    if (!encodeCString(symbol, bytes, position, symbolLength)) {
      invalid(`Symbol "${symbol}" is longer than ${symbolLength} bytes.`, argument);
    }
    position += symbolLength;
  };
  const writeSymbols = (symbols: string[], argument: string) => {
    view.setUint32(position, symbols.length, true);
    position += 4;
    for (const symbol of symbols) writeSymbol(symbol, argument);
  };
  writeSymbols(metadata.symbols, 'symbols');
  writeSymbols(metadata.partial, 'partial');
  writeSymbols(metadata.notFound, 'notFound');
  view.setUint32(position, metadata.mappings.length, true);
  position += 4;
  for (const mapping of metadata.mappings) {
    writeSymbol(mapping.rawSymbol, 'mappings');
    view.setUint32(position, mapping.intervals.length, true);
    position += 4;
    for (const interval of mapping.intervals) {
      view.setUint32(position, interval.startDate, true);
      view.setUint32(position + 4, interval.endDate, true);
      position += 8;
      writeSymbol(interval.symbol, 'mappings');
    }
  }
  return bytes;
}

/** Size in bytes of a record once encoded (v3 layout, plus 8 when `tsOut`). */
export function encodedRecordSize(record: DatabentoRecord, tsOut = false): number {
  return layoutOf(record).size + (tsOut ? 8 : 0);
}

function layoutOf(record: DatabentoRecord): RecordLayout {
  const layout = currentLayoutForRType(record.rtype);
  if (layout === undefined) invalid(`Cannot encode unknown rtype ${record.rtype}.`, 'records');
  return layout;
}

/**
 * Writes one record in its v3 layout at `offset` and returns its size. With `tsOut`, the record's
 * `tsOut` (default 0) is appended. Records must be v3: decode with `upgrade: true` before re-encoding.
 */
export function encodeRecordInto(
  record: DatabentoRecord,
  bytes: Uint8Array,
  view: DataView,
  offset: number,
  tsOut = false,
): number {
  const layout = layoutOf(record);
  const size = layout.size + (tsOut ? 8 : 0);
  bytes.fill(0, offset, offset + size);
  // Header: length in 4-byte words, rtype, publisher_id, instrument_id, ts_event.
  bytes[offset] = size / 4;
  bytes[offset + 1] = record.rtype;
  view.setUint16(offset + 2, record.publisherId, true);
  view.setUint32(offset + 4, record.instrumentId, true);
  view.setBigUint64(offset + 8, record.tsEvent, true);
  const values = record as unknown as Record<string, unknown>;
  for (const field of resolvedFieldsOf(layout)) {
    const value = values[field.property];
    if (value === undefined) {
      invalid(
        `Record with rtype ${record.rtype} lacks "${field.property}" of the v3 layout; decode with upgrade: true before encoding.`,
        'records',
      );
    }
    writeField(bytes, view, offset + field.offset, field, value);
  }
  if (tsOut) view.setBigUint64(offset + size - 8, record.tsOut ?? 0n, true);
  return size;
}

function writeField(bytes: Uint8Array, view: DataView, position: number, field: LayoutField, value: unknown) {
  switch (field.kind) {
    case 'price':
    case 'i64':
      view.setBigInt64(position, value as bigint, true);
      return;
    case 'timestamp':
    case 'u64':
      view.setBigUint64(position, value as bigint, true);
      return;
    case 'u8':
    case 'i8':
      bytes[position] = (value as number) & 0xff;
      return;
    case 'u16':
    case 'i16':
      view.setUint16(position, (value as number) & 0xffff, true);
      return;
    case 'u32':
      view.setUint32(position, value as number, true);
      return;
    case 'i32':
      view.setInt32(position, value as number, true);
      return;
    case 'char':
    case 'enumChar':
      bytes[position] = value === null || value === '' ? 0 : (value as string).charCodeAt(0) & 0xff;
      return;
    case 'string':
      if (!encodeCString(value as string, bytes, position, field.length!)) {
        invalid(`"${value}" is longer than the ${field.length}-byte field ${field.name}.`, 'records');
      }
      return;
    case 'bidAskLevels':
    case 'consolidatedLevels': {
      const levels = value as (DatabentoBidAskPair | DatabentoConsolidatedBidAskPair)[];
      for (let index = 0; index < Math.min(levels.length, field.length!); index++) {
        const level = levels[index]!;
        const base = position + index * 32;
        view.setBigInt64(base, level.bidPx, true);
        view.setBigInt64(base + 8, level.askPx, true);
        view.setUint32(base + 16, level.bidSz, true);
        view.setUint32(base + 20, level.askSz, true);
        if ('bidPb' in level) {
          view.setUint16(base + 24, level.bidPb, true);
          view.setUint16(base + 28, level.askPb, true);
        } else {
          view.setUint32(base + 24, level.bidCt, true);
          view.setUint32(base + 28, level.askCt, true);
        }
      }
      return;
    }
    case 'header':
      return;
  }
}

/** Encodes records (v3 layouts) without metadata: a DBN fragment. */
export function encodeRecords(
  records: readonly DatabentoRecord[],
  options: { tsOut?: boolean } = {},
): Uint8Array {
  const tsOut = options.tsOut ?? false;
  let total = 0;
  for (const record of records) total += encodedRecordSize(record, tsOut);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const record of records) offset += encodeRecordInto(record, bytes, view, offset, tsOut);
  return bytes;
}

/** Encodes metadata and records into an uncompressed DBN v3 stream. */
export function encodeDbnSync(input: {
  metadata: DatabentoMetadataInput;
  records: readonly DatabentoRecord[];
}): Uint8Array {
  const metadataBytes = encodeMetadata(input.metadata);
  const recordBytes = encodeRecords(input.records, { tsOut: input.metadata.tsOut ?? false });
  const bytes = new Uint8Array(metadataBytes.length + recordBytes.length);
  bytes.set(metadataBytes, 0);
  bytes.set(recordBytes, metadataBytes.length);
  return bytes;
}

/**
 * Encodes metadata and records into a DBN v3 stream, zstd-compressed when `compress` is set.
 * `decodeDbn(await encodeDbn(x))` gives back exactly `x` (records in v3 layouts).
 */
export async function encodeDbn(
  input: { metadata: DatabentoMetadataInput; records: readonly DatabentoRecord[] },
  options: DbnEncodeOptions = {},
): Promise<Uint8Array> {
  const bytes = encodeDbnSync(input);
  return options.compress ? compressZstd(bytes, options.compressionLevel) : bytes;
}

/**
 * Incremental encoder: yields the metadata, then records in chunks of about `chunkSizeBytes`
 * (default 1 MiB). With `compress`, each chunk is its own zstd frame; concatenated frames are a valid
 * `.dbn.zst`. Suitable for streaming large generated data to an HTTP response or a file.
 */
export async function* encodeDbnStream(
  metadata: DatabentoMetadataInput,
  records: Iterable<DatabentoRecord> | AsyncIterable<DatabentoRecord>,
  options: DbnEncodeOptions & { chunkSizeBytes?: number } = {},
): AsyncGenerator<Uint8Array> {
  const chunkSizeBytes = options.chunkSizeBytes ?? 1024 * 1024;
  const tsOut = metadata.tsOut ?? false;
  const finishChunk = (bytes: Uint8Array) =>
    options.compress ? compressZstd(bytes, options.compressionLevel) : Promise.resolve(bytes);
  yield await finishChunk(encodeMetadata(metadata));
  // The largest record is 1020 bytes, so a chunk never overflows its buffer.
  let buffer = new Uint8Array(chunkSizeBytes + 1024);
  let view = new DataView(buffer.buffer);
  let offset = 0;
  for await (const record of records) {
    offset += encodeRecordInto(record, buffer, view, offset, tsOut);
    if (offset >= chunkSizeBytes) {
      yield await finishChunk(buffer.subarray(0, offset));
      buffer = new Uint8Array(chunkSizeBytes + 1024);
      view = new DataView(buffer.buffer);
      offset = 0;
    }
  }
  if (offset > 0) yield await finishChunk(buffer.subarray(0, offset));
}
