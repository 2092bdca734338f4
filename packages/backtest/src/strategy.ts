import {
  type DefinedStrategyClass as CoreDefinedStrategyClass,
  Strategy as CoreStrategy,
  type DataSourceV1,
  defineStrategy as defineCoreStrategy,
  type StrategyDefinition,
} from '@lb/core';
import { type BacktestOptions, backtest } from './backtest.js';
import type { BacktestResult } from './backtest-result.js';

export type {
  CreateOrderOptions,
  HistoricalPricesOptions,
  MarketName,
  StrategyContext,
  StrategyDefinition,
} from '@lb/core';

/** Options of {@link Strategy.backtest}: everything of `backtest()` but the strategy, source and period. */
export type StrategyBacktestOptions<S extends CoreStrategy<object>> = Omit<
  BacktestOptions<S>,
  'strategy' | 'dataSource' | 'start' | 'end'
>;

/**
 * Backtests a strategy class, like Lumibot's `Strategy.backtest(datasource, start, end)`: works for any
 * class built on `@lb/core`'s `Strategy`.
 * @example const result = await backtestStrategy(MyStrategy, source, '2024-01-02', '2024-02-01');
 */
export function backtestStrategy<S extends CoreStrategy<object>>(
  StrategyClass: new () => S,
  dataSource: DataSourceV1,
  start: Date | string,
  end: Date | string,
  options: StrategyBacktestOptions<S> = {},
): Promise<BacktestResult> {
  return backtest({ ...options, strategy: new StrategyClass(), dataSource, start, end });
}

/**
 * `@lb/core`'s `Strategy` plus the static `MyStrategy.backtest(...)` shortcut. Strategy modules that should
 * run under any engine extend core's `Strategy` and are run with `backtest({ strategy })`.
 */
export class Strategy<P extends object = Record<string, unknown>> extends CoreStrategy<P> {
  /**
   * Backtests this strategy class, like Lumibot's `Strategy.backtest(datasource, start, end)`.
   * @example const result = await MyStrategy.backtest(source, '2024-01-02', '2024-02-01', { budget: 50_000 });
   */
  static backtest<S extends CoreStrategy<object>>(
    this: new () => S,
    dataSource: DataSourceV1,
    start: Date | string,
    end: Date | string,
    options: StrategyBacktestOptions<S> = {},
  ): Promise<BacktestResult> {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass the user called backtest() on.
    return backtestStrategy(this, dataSource, start, end, options);
  }
}

/** A strategy class made by {@link defineStrategy}, with the `backtest` shortcut. */
export interface DefinedStrategyClass<P extends object> extends CoreDefinedStrategyClass<P> {
  backtest: typeof Strategy.backtest;
}

/** `@lb/core`'s `defineStrategy`, plus the static `backtest(...)` shortcut on the class it returns. */
export function defineStrategy<P extends object = Record<string, unknown>>(
  definition: StrategyDefinition<P>,
): DefinedStrategyClass<P> {
  const defined = defineCoreStrategy(definition) as CoreDefinedStrategyClass<P> & {
    backtest?: typeof Strategy.backtest;
  };
  defined.backtest = Strategy.backtest;
  return defined as DefinedStrategyClass<P>;
}
