import type { ParameterValue } from './parameter-grid.js';
import type { SweepResult } from './run-sweep.js';

/** Metrics a sweep reports and sorts by, as named in `sweep.csv`. */
export const SWEEP_METRICS = ['total_return', 'sharpe', 'max_drawdown', 'trades', 'fees'] as const;
/** One of {@link SWEEP_METRICS}. */
export type SweepMetric = (typeof SWEEP_METRICS)[number];

/** The value of `metric` in a result (null when undefined, e.g. Sharpe of a flat equity curve). */
export function metricValue(result: SweepResult, metric: SweepMetric): number | null {
  switch (metric) {
    case 'total_return':
      return result.stats.totalReturn;
    case 'sharpe':
      return result.stats.sharpe;
    case 'max_drawdown':
      return result.stats.maxDrawdown;
    case 'trades':
      return result.stats.numberOfTrades;
    case 'fees':
      return result.stats.feesPaid;
  }
}

/**
 * Fixed formatting so the file is byte-identical across runners and machines: ratios with 10 decimals,
 * money with 2, counts as integers, an undefined metric as an empty cell.
 */
export function formatMetric(metric: SweepMetric, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '';
  if (metric === 'trades') return String(Math.round(value));
  // A negative value that rounds to zero prints as "-0.000…": print zero the same whatever its sign.
  return (metric === 'fees' ? value.toFixed(2) : value.toFixed(10)).replace(/^-(0\.0*)$/, '$1');
}

function formatParameter(value: ParameterValue | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** `sweep.csv`: one row per parameter set in sweep order, parameter columns then the metrics. */
export function formatSweepCsv(results: readonly SweepResult[], names: readonly string[]): string {
  const lines = [[...names.map((name) => formatParameter(name)), ...SWEEP_METRICS].join(',')];
  for (const result of [...results].sort((left, right) => left.index - right.index)) {
    lines.push(
      [
        ...names.map((name) => formatParameter(result.parameters[name])),
        ...SWEEP_METRICS.map((metric) => formatMetric(metric, metricValue(result, metric))),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
