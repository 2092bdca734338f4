export { decodeBars, encodeBars } from './bars-codec.js';
export { BullRunner, type BullRunnerSettings } from './bull-runner.js';
export {
  createRelayDataSource,
  type DataRelay,
  type DataRequestMessage,
  describeSource,
  type RelayDataSourceSettings,
  type SourceDescription,
} from './data-relay.js';
export { InvalidSweepError, StrategyNotAllowedError, SweepFailedError } from './errors.js';
export { LocalPoolRunner, type LocalPoolRunnerSettings } from './local-pool-runner.js';
export {
  expandParameterGrid,
  MAX_PARAMETER_SETS,
  type ParameterGrid,
  type ParameterSet,
  type ParameterValue,
} from './parameter-grid.js';
export { type ParameterSetOutcome, runParameterSet } from './parameter-set-run.js';
export { redisOptionsFromUrl } from './redis-connection.js';
export { createRunId, runSweep, type SweepOptions, type SweepReport, type SweepResult } from './run-sweep.js';
export { type LoadedStrategyModule, loadStrategyModule } from './strategy-module.js';
export { formatSweepCsv, SWEEP_METRICS, type SweepMetric } from './sweep-csv.js';
export { renderSweepHtml, type SweepHtmlSettings } from './sweep-html.js';
export type { SweepPlan, SweepRunContext, SweepRunner } from './sweep-runner.js';
export { type SweepWorkerHandle, type SweepWorkerSettings, startSweepWorker } from './sweep-worker.js';
