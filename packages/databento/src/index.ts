export type {
  DatabentoDownloadEstimate,
  DatabentoDownloadParams,
  DatabentoPricedDownload,
} from './cost-approvals.js';
export { guardCost } from './cost-guard.js';
export {
  createDatabentoData,
  DataBentoData,
  type DatabentoContinuousRule,
  type DatabentoDataSettings,
  DatabentoDataSource,
  type DatabentoDownloadPlanner,
  type DatabentoEstimateBarsOptions,
  type DatabentoGetBarsOptions,
  databentoData,
} from './databento-data-source.js';
export {
  DATABENTO_DEFAULT_FUTURES_DATASET,
  DATABENTO_DEFAULT_STOCK_DATASET,
  DATABENTO_FUTURES_DATASETS,
  DATABENTO_STOCK_DATASETS,
  resolveDataset,
} from './datasets.js';
export type { DbnSource } from './dbn/byte-source.js';
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
} from './dbn/columnar-ohlcv.js';
export * from './dbn/constants.js';
export { DbnDecodeError } from './dbn/dbn-decode-error.js';
export { DbnParser, type DbnParserOptions, type DbnRecordSink } from './dbn/dbn-parser.js';
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
} from './dbn/encoder.js';
export {
  createFutureDefinitionRecord,
  type DatabentoFutureDefinitionInput,
} from './dbn/future-definition.js';
export { formatMetadataJson, formatRecordJson } from './dbn/json-format.js';
export { type DbnJsonOptions, renderDbnJson } from './dbn/json-lines.js';
export type {
  DatabentoMappingInterval,
  DatabentoMetadata,
  DatabentoSymbolMapping,
} from './dbn/metadata.js';
export { decodeMetadata } from './dbn/metadata-decoder.js';
export type { DecodedRecord } from './dbn/record-decoder.js';
export { RECORD_LAYOUTS, type RecordLayout, type RecordLayoutId } from './dbn/record-layouts.js';
export type * from './dbn/record-types.js';
export {
  type DbnDecodeOptions,
  type DbnRecordStream,
  decodeDbn,
  decodeDbnWithLayouts,
  openDbnStream,
} from './dbn/stream-decoder.js';
export { upgradeDecodedRecord, upgradeMetadata } from './dbn/upgrade.js';
export {
  compressZstd,
  decompressZstd,
  decompressZstdSync,
  startsWithZstdMagic,
  zstdImplementations,
} from './dbn/zstd.js';
export { CostLimitExceededError, type DatabentoCostedRequest } from './errors.js';
export {
  createDatabento,
  type DatabentoCallOptions,
  type DatabentoClient,
  type DatabentoColumnsResult,
  type DatabentoDatasetRange,
  type DatabentoDateTime,
  type DatabentoRangeParams,
  type DatabentoRangeResult,
  type DatabentoResolution,
  type DatabentoResolveParams,
  databento,
  formatDatabentoDateTime,
} from './historical-client.js';
export { DATABENTO_USER_AGENT } from './http-client.js';
export {
  createRedactingLogger,
  createStderrLogger,
  type LogFields,
  type Logger,
  type LogLevel,
  parseLogLevel,
} from './logger.js';
export { DATABENTO_RATE_LIMITS, type DatabentoEndpointGroup } from './rate-limiter.js';
export { DatabentoCorruptResponseError, RetryAfterTooLongError } from './response-errors.js';
export {
  DATABENTO_DEFAULT_BASE_URL,
  DATABENTO_DEFAULT_MAX_RETRIES,
  DATABENTO_DEFAULT_MAX_RETRY_AFTER_MS,
  DATABENTO_DEFAULT_TIMEOUT_MS,
  type DatabentoSettings,
  type ResolvedDatabentoSettings,
} from './settings.js';
