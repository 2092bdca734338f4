export type { DbnSource } from './byte-source.js';
export {
  concatOhlcvColumns,
  decodeOhlcvColumns,
  type EncodeOhlcvColumnsOptions,
  encodeOhlcvColumns,
  type OhlcvColumns,
  type OhlcvColumnsInput,
  type OhlcvDecodeOptions,
  openOhlcvColumnStream,
  readOhlcvColumns,
} from './columnar-ohlcv.js';
export * from './constants.js';
export { DbnDecodeError } from './dbn-decode-error.js';
export { DbnParser, type DbnParserOptions, type DbnRecordSink } from './dbn-parser.js';
export {
  completeMetadata,
  type DatabentoMetadataInput,
  type DbnEncodeOptions,
  encodeDbn,
  encodeDbnStream,
  encodeDbnSync,
  encodedRecordSize,
  encodeMetadata,
  encodeRecordInto,
  encodeRecords,
} from './encoder.js';
export {
  createFutureDefinitionRecord,
  type DatabentoFutureDefinitionInput,
} from './future-definition.js';
export { formatMetadataJson, formatRecordJson } from './json-format.js';
export { type DbnJsonOptions, renderDbnJson } from './json-lines.js';
export type {
  DatabentoMappingInterval,
  DatabentoMetadata,
  DatabentoSymbolMapping,
} from './metadata.js';
export { decodeMetadata } from './metadata-decoder.js';
export { type DecodedRecord, type ResolvedField, resolvedFieldsOf } from './record-decoder.js';
export {
  currentLayoutForRType,
  type LayoutField,
  RECORD_LAYOUTS,
  type RecordLayout,
  type RecordLayoutId,
} from './record-layouts.js';
export type * from './record-types.js';
export {
  type DbnDecodeOptions,
  type DbnRecordStream,
  decodeDbn,
  decodeDbnWithLayouts,
  openDbnStream,
} from './stream-decoder.js';
export { upgradeDecodedRecord, upgradeMetadata } from './upgrade.js';
export {
  compressZstd,
  decompressZstd,
  decompressZstdSync,
  startsWithZstdMagic,
  zstdImplementations,
} from './zstd.js';
