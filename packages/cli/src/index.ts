export { loadStrategyModule, registerBacktestCommand, type StrategyModule } from './backtest-command.js';
export {
  type BacktestResultFiles,
  type BacktestRunDescription,
  type WriteBacktestResultsOptions,
  writeBacktestResults,
} from './backtest-results.js';
export { loadOptionalPackage, PackageNotAvailableError } from './optional-package.js';
export { type CliIo, createProgram, reportError, runCli, runMain, UsageError } from './program.js';
export { createProgressReporter, type ProgressReporter } from './progress-reporter.js';
export {
  type BacktestJobOutcome,
  type BacktestJobSettings,
  chooseDataSource,
  type DataRequirement,
  type DataSourceChoice,
  formatSummary,
  runBacktestJob,
} from './run-backtest-job.js';
