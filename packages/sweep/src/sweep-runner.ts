import type { DataSourceV1 } from '@lb/core';
import type { ParameterSet } from './parameter-grid.js';
import type { ParameterSetOutcome } from './parameter-set-run.js';

/** A validated sweep, as runners receive it. */
export interface SweepPlan {
  /** Unique per run; no `:` (it names Redis keys and job ids). */
  readonly sweepId: string;
  /** Absolute path of the strategy module. */
  readonly strategyPath: string;
  readonly parameterSets: readonly ParameterSet[];
  readonly startMs: number;
  readonly endMs: number;
}

/** What a runner gets besides the plan. */
export interface SweepRunContext {
  /** The origin of bars for runners that load data in this process (the local pool). */
  readonly dataSource: DataSourceV1 | undefined;
  readonly signal: AbortSignal | undefined;
  /** Called once per finished parameter set, in completion order. */
  readonly onOutcome: (outcome: ParameterSetOutcome) => void;
}

/**
 * Runs every parameter set of a plan somewhere (threads, processes, machines) and reports each outcome
 * exactly once. `runSweep` does the rest (validation, ordering, files), so runners stay interchangeable.
 */
export interface SweepRunner {
  /** Shown in logs and reports, e.g. `local-pool(2)` or `bullmq`. */
  readonly name: string;
  run(plan: SweepPlan, context: SweepRunContext): Promise<void>;
}
