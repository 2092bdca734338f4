export { guardCost } from './cost-guard.js';
export {
  createDatabentoData,
  DataBentoData,
  type DatabentoContinuousRule,
  type DatabentoDataSettings,
  DatabentoDataSource,
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
export {
  DATABENTO_DEFAULT_BASE_URL,
  DATABENTO_DEFAULT_MAX_RETRIES,
  DATABENTO_DEFAULT_TIMEOUT_MS,
  type DatabentoSettings,
  type ResolvedDatabentoSettings,
} from './settings.js';
