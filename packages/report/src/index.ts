export { equityToCsv, fillsToCsv, formatCsvField, roundTripsToCsv, statsRowsToCsv } from './csv.js';
export { computeDrawdownPeriods, type DrawdownPeriod } from './drawdowns.js';
export {
  type BacktestResultLike,
  type BacktestTradeLike,
  type FromBacktestResultOptions,
  fromBacktestResult,
} from './from-backtest-result.js';
export {
  analyzeRun,
  computeMetrics,
  type MetricsInput,
  type RunAnalysis,
  type RunMetrics,
} from './metrics.js';
export { computeDailyCloses, type DailyCloses, type TradingDayOptions, tradingDayOf } from './periods.js';
export { computeRoundTrips, type RoundTrip, type RoundTripAnalysis } from './round-trips.js';
export { type CreateRunDirectoryOptions, createRunDirectory, defaultRunId } from './run-directory.js';
export type {
  RunBenchmark,
  RunFill,
  RunPriceSeries,
  RunRecord,
  RunSeries,
} from './run-record.js';
export { formatMetricCards, toTearsheetInput } from './tearsheet-model.js';
export { type ResultFiles, type WriteResultsOptions, writeResults } from './write-results.js';
