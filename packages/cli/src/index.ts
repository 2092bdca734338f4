export { loadStrategyModule, registerBacktestCommand, type StrategyModule } from './backtest-command.js';
export {
  type BacktestResultFiles,
  type BacktestRunDescription,
  type WriteBacktestResultsOptions,
  writeBacktestResults,
} from './backtest-results.js';
export { asUsageError, parseRangeArguments, type RangeOptionNames } from './cli-arguments.js';
export {
  confirmEstimatedCost,
  DEFAULT_CONFIRM_ABOVE_USD,
  resolveConfirmAboveUsd,
} from './cost-confirmation.js';
export {
  type DatabentoPlan,
  type DatabentoPlanRequest,
  estimateDatabentoCostUsd,
  estimatePlannedBars,
  type PlannedBarsEstimate,
  type PlannedDatabentoRequest,
  planDatabentoRequests,
} from './databento-plan.js';
export { loadOptionalPackage, PackageNotAvailableError } from './optional-package.js';
export { OutputClosedError } from './output-closed-error.js';
export { type CliIo, createProgram, reportError, runCli, runMain, UsageError } from './program.js';
export {
  createProgressReporter,
  type ProgressReporter,
  type ProgressReporterOptions,
} from './progress-reporter.js';
export {
  type BacktestJobOutcome,
  type BacktestJobSettings,
  chooseDataSource,
  type DataRequirement,
  type DataSourceChoice,
  formatSummary,
  runBacktestJob,
} from './run-backtest-job.js';
export {
  discoverSources,
  findInstalledSource,
  findSourcePackageNames,
  type InstalledSource,
  isSourcePackageName,
  KNOWN_SOURCE_PACKAGES,
  type KnownSourcePackage,
  type SourceDiscovery,
} from './source-discovery.js';
export { formatSourceListing } from './sources-command.js';
export { createStreamIo, type StreamIoTargets } from './stream-io.js';
