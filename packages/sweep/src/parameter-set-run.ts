import { type BacktestStats, backtest } from '@lb/backtest';
import type { DataSourceV1 } from '@lb/core';
import type { ParameterSet } from './parameter-grid.js';
import type { LoadedStrategyModule } from './strategy-module.js';

/** What a worker sends back for one parameter set: small and JSON-safe, whatever the runner. */
export interface ParameterSetOutcome {
  /** Position of the parameter set in the sweep (the row order of every output). */
  readonly index: number;
  readonly stats: BacktestStats;
  readonly iterations: number;
}

/** Settings of {@link runParameterSet}. */
export interface ParameterSetRunSettings {
  readonly module: LoadedStrategyModule;
  readonly index: number;
  readonly parameters: ParameterSet;
  readonly startMs: number;
  readonly endMs: number;
  readonly dataSource: DataSourceV1;
  readonly signal?: AbortSignal;
}

/**
 * Runs one parameter set exactly as a sequential `backtest()` call would: a fresh strategy instance, the
 * module's backtest options, the parameters merged over the strategy's own.
 */
export async function runParameterSet(settings: ParameterSetRunSettings): Promise<ParameterSetOutcome> {
  const result = await backtest({
    ...settings.module.backtestOptions,
    strategy: new settings.module.StrategyClass(),
    dataSource: settings.dataSource,
    start: new Date(settings.startMs),
    end: new Date(settings.endMs),
    parameters: settings.parameters,
    ...(settings.signal === undefined ? {} : { signal: settings.signal }),
  });
  return { index: settings.index, stats: result.stats, iterations: result.iterations };
}
