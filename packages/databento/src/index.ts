// The public surface of @lb/databento, one naming scheme: vendor things carry the `Databento` prefix,
// factories are `create…` with a default instance next to them, and `DataBentoData` is kept as Lumibot's
// name for the source. Helpers (cost guard, rate limits, retry and redaction plumbing) stay internal; the
// DBN codec is `@lb/dbn`, the mock server `@lb/databento/testing`.

// The schema and stype vocabularies are Databento's: users validate input against them without adding @lb/dbn.
export { DATABENTO_SCHEMAS, DATABENTO_STYPES, type DatabentoSchema, type DatabentoSType } from '@lb/dbn';
export type {
  DatabentoDownloadEstimate,
  DatabentoDownloadParams,
  DatabentoPricedDownload,
} from './cost-approvals.js';
export { dataSourceDescriptor } from './data-source-descriptor.js';
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
  resolveDataset as resolveDatabentoDataset,
} from './datasets.js';
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
} from './historical-client.js';
export {
  createStderrLogger as createDatabentoStderrLogger,
  type LogFields as DatabentoLogFields,
  type Logger as DatabentoLogger,
  type LogLevel as DatabentoLogLevel,
} from './logger.js';
export { DatabentoCorruptResponseError, RetryAfterTooLongError } from './response-errors.js';
export {
  DATABENTO_DEFAULT_BASE_URL,
  DATABENTO_DEFAULT_MAX_RETRIES,
  DATABENTO_DEFAULT_MAX_RETRY_AFTER_MS,
  DATABENTO_DEFAULT_TIMEOUT_MS,
  type DatabentoSettings,
} from './settings.js';
