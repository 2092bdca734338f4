import {
  DATABENTO_SCHEMAS,
  DATABENTO_STYPES,
  type DatabentoSchema,
  type DatabentoSType,
  SYMBOL_STRING_LENGTH_V1,
  UNDEF_TIMESTAMP,
} from './constants.js';
import { DbnDecodeError } from './dbn-decode-error.js';
import type { DatabentoMappingInterval, DatabentoMetadata, DatabentoSymbolMapping } from './metadata.js';
import { decodeCString } from './text.js';

/** Size of the prelude: `DBN`, the version byte and the u32 metadata length. */
export const METADATA_PRELUDE_SIZE = 8;
/** Size of the fixed part of the metadata after the prelude (both v1 and v2/v3). */
const METADATA_FIXED_SIZE = 100;
/**
 * Upper bound on the metadata length we accept. Real metadata is kilobytes to a few megabytes (symbol
 * mappings); the bound keeps a corrupt length from making a stream decoder buffer without limit.
 */
export const MAX_METADATA_LENGTH = 256 * 1024 * 1024;

/** True when `bytes` starts with the DBN magic `DBN`. */
export function startsWithDbnMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x44 && bytes[1] === 0x42 && bytes[2] === 0x4e;
}

/**
 * Reads the metadata length from the 8-byte prelude and validates magic and version. Returns the total
 * metadata size including the prelude, i.e. the offset of the first record.
 */
export function readMetadataPrelude(bytes: Uint8Array, byteOffset = 0): number {
  if (!startsWithDbnMagic(bytes)) {
    throw new DbnDecodeError(
      'Input is not DBN: it does not start with "DBN" (nor the zstd magic). Pass `fragment: true` for record fragments without metadata.',
      { byteOffset },
    );
  }
  const version = bytes[3]!;
  if (version < 1 || version > 3) {
    throw new DbnDecodeError(`Unsupported DBN version ${version}; versions 1, 2 and 3 are supported.`, {
      byteOffset: byteOffset + 3,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(4, true);
  if (length < METADATA_FIXED_SIZE || length > MAX_METADATA_LENGTH) {
    throw new DbnDecodeError(
      `Corrupt DBN metadata: length ${length} is outside ${METADATA_FIXED_SIZE}..${MAX_METADATA_LENGTH}.`,
      { byteOffset: byteOffset + 4 },
    );
  }
  return METADATA_PRELUDE_SIZE + length;
}

/**
 * Decodes the metadata header (v1, v2 or v3). `bytes` must hold at least the whole metadata
 * (see {@link readMetadataPrelude}); every count is checked against the bytes left before reading.
 */
export function decodeMetadata(bytes: Uint8Array): DatabentoMetadata {
  const totalSize = readMetadataPrelude(bytes);
  if (bytes.length < totalSize) {
    throw new DbnDecodeError(
      `Truncated DBN metadata: header says ${totalSize} bytes, only ${bytes.length} available.`,
      { byteOffset: bytes.length },
    );
  }
  const version = bytes[3]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, totalSize);
  const dataset = decodeCString(bytes, 8, 16);
  const schemaId = view.getUint16(24, true);
  const startNanos = view.getBigUint64(26, true);
  const endRaw = view.getBigUint64(34, true);
  const limitRaw = view.getBigUint64(42, true);
  // v1 carries a deprecated u64 record_count at 50, shifting the rest of the fixed part by 8 bytes.
  let position = version === 1 ? 58 : 50;
  const stypeInId = view.getUint8(position);
  const stypeOutId = view.getUint8(position + 1);
  const tsOut = view.getUint8(position + 2) !== 0;
  const symbolStringLength = version === 1 ? SYMBOL_STRING_LENGTH_V1 : view.getUint16(53, true);
  if (symbolStringLength === 0) {
    throw new DbnDecodeError('Corrupt DBN metadata: symbol_cstr_len is 0.', { byteOffset: 53 });
  }
  position = 108;
  const schemaDefinitionLength = view.getUint32(position, true);
  position += 4;
  if (schemaDefinitionLength > totalSize - position) {
    throw new DbnDecodeError(
      `Corrupt DBN metadata: schema definition length ${schemaDefinitionLength} exceeds the metadata.`,
      { byteOffset: position - 4 },
    );
  }
  position += schemaDefinitionLength;

  const readCount = (itemSize: number, what: string): number => {
    if (position + 4 > totalSize) {
      throw new DbnDecodeError(`Truncated DBN metadata: missing the ${what} count.`, {
        byteOffset: position,
      });
    }
    const count = view.getUint32(position, true);
    if (count * itemSize > totalSize - position - 4) {
      throw new DbnDecodeError(
        `Corrupt DBN metadata: ${count} ${what} do not fit in the ${totalSize - position - 4} bytes left.`,
        { byteOffset: position },
      );
    }
    position += 4;
    return count;
  };
  const readSymbols = (what: string): string[] => {
    const count = readCount(symbolStringLength, what);
    const symbols: string[] = new Array(count);
    for (let index = 0; index < count; index++) {
      symbols[index] = decodeCString(bytes, position, symbolStringLength);
      position += symbolStringLength;
    }
    return symbols;
  };
  const symbols = readSymbols('symbols');
  const partial = readSymbols('partial symbols');
  const notFound = readSymbols('not-found symbols');
  // A mapping is at least a raw symbol and an interval count.
  const mappingCount = readCount(symbolStringLength + 4, 'symbol mappings');
  const mappings: DatabentoSymbolMapping[] = [];
  for (let mappingIndex = 0; mappingIndex < mappingCount; mappingIndex++) {
    if (position + symbolStringLength > totalSize) {
      throw new DbnDecodeError('Truncated DBN metadata inside a symbol mapping.', { byteOffset: position });
    }
    const rawSymbol = decodeCString(bytes, position, symbolStringLength);
    position += symbolStringLength;
    const intervalCount = readCount(8 + symbolStringLength, 'mapping intervals');
    const intervals: DatabentoMappingInterval[] = new Array(intervalCount);
    for (let intervalIndex = 0; intervalIndex < intervalCount; intervalIndex++) {
      intervals[intervalIndex] = {
        startDate: view.getUint32(position, true),
        endDate: view.getUint32(position + 4, true),
        symbol: decodeCString(bytes, position + 8, symbolStringLength),
      };
      position += 8 + symbolStringLength;
    }
    mappings.push({ rawSymbol, intervals });
  }

  return {
    version,
    dataset,
    schema: schemaFromId(schemaId, 24),
    startNanos,
    // Absent end and limit are written as u64::MAX / 0 by the official encoder.
    endNanos: endRaw === UNDEF_TIMESTAMP || endRaw === 0n ? null : endRaw,
    limit: limitRaw === 0n ? null : limitRaw,
    stypeIn: stypeInId === 0xff ? null : stypeFromId(stypeInId, version === 1 ? 58 : 50),
    stypeOut: stypeFromId(stypeOutId, version === 1 ? 59 : 51),
    tsOut,
    symbolStringLength,
    symbols,
    partial,
    notFound,
    mappings,
  };
}

function schemaFromId(schemaId: number, byteOffset: number): DatabentoSchema | null {
  if (schemaId === 0xffff) return null;
  const schema = DATABENTO_SCHEMAS[schemaId];
  if (schema === undefined) {
    throw new DbnDecodeError(`Corrupt DBN metadata: unknown schema id ${schemaId}.`, { byteOffset });
  }
  return schema;
}

function stypeFromId(stypeId: number, byteOffset: number): DatabentoSType {
  const stype = DATABENTO_STYPES[stypeId];
  if (stype === undefined) {
    throw new DbnDecodeError(`Corrupt DBN metadata: unknown stype id ${stypeId}.`, { byteOffset });
  }
  return stype;
}
