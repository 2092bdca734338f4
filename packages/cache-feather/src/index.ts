export { isTemporaryFileName, writeFileAtomic } from './atomic-write.js';
export { barsFromArrowTable, barsToArrowTable } from './bars-arrow.js';
export {
  type CachedPartition,
  type CacheProblem,
  type ClearCacheOptions,
  type ClearCacheResult,
  clearCache,
  listPartitions,
  verifyCache,
} from './cache-maintenance.js';
export { type DayCoverage, dayCoverage, type FreshnessContext, isPartitionFresh } from './freshness.js';
export { JsonCache, type JsonCacheGetOptions, type JsonCacheOptions } from './json-cache.js';
export { type CacheLogger, defaultLogger } from './logger.js';
export { MANIFEST_FORMAT_VERSION, type PartitionManifest, readManifest } from './manifest.js';
export {
  type PartitionKey,
  type PartitionPaths,
  partitionPaths,
  resolveCacheDirectory,
  utcDaysCovering,
} from './partition-layout.js';
export { acquireLock, type HeldLock, type LockOptions, withLock } from './partition-lock.js';
export {
  appendUsage,
  readUsage,
  summarizeUsage,
  USAGE_LEDGER_FILE,
  type UsageEntry,
  type UsageSummary,
  type UsageSummaryRow,
} from './usage-ledger.js';
export {
  type FeatherCachedDataSource,
  type FeatherCacheOptions,
  withFeatherCache,
} from './with-feather-cache.js';
