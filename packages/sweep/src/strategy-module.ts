import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BacktestOptions, Strategy } from '@lb/backtest';
import { InvalidSweepError } from './errors.js';

/** Backtest options a strategy module may export next to its class (budget, fees...). */
export type ModuleBacktestOptions = Omit<
  BacktestOptions,
  'strategy' | 'dataSource' | 'start' | 'end' | 'parameters' | 'signal' | 'onProgress' | 'logger'
>;

/**
 * A strategy module as `lb backtest` and `lb sweep` read it: a default export that is a Strategy subclass,
 * and optionally `backtestOptions`. A sweep builds a fresh instance per parameter set, so an instance is
 * not accepted as the default export.
 */
export interface LoadedStrategyModule {
  readonly StrategyClass: new () => Strategy<object>;
  readonly backtestOptions: ModuleBacktestOptions;
}

/** Loads a strategy module; TypeScript goes through tsx so users need no build step. */
export async function loadStrategyModule(file: string): Promise<LoadedStrategyModule> {
  const absolute = path.resolve(file);
  const url = pathToFileURL(absolute).href;
  const loaded = (
    /\.[cm]?tsx?$/.test(absolute)
      ? await (await import('tsx/esm/api')).tsImport(url, import.meta.url)
      : await import(url)
  ) as { default?: unknown; backtestOptions?: ModuleBacktestOptions };
  if (typeof loaded.default !== 'function') {
    throw new InvalidSweepError(
      `${file} must export default a Strategy subclass (a sweep builds one instance per parameter set).`,
    );
  }
  return {
    StrategyClass: loaded.default as new () => Strategy<object>,
    backtestOptions: loaded.backtestOptions ?? {},
  };
}

/** SHA-256 of a module file's bytes: names the exact code a job asks workers to run. */
export async function hashStrategyFile(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}
