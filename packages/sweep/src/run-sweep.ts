import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { BacktestStats } from '@lb/backtest';
import { type DataSourceV1, listIssues, parseInstant } from '@lb/core';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.js';
import { InvalidSweepError, SweepFailedError } from './errors.js';
import { LocalPoolRunner } from './local-pool-runner.js';
import {
  expandParameterGrid,
  type ParameterGrid,
  type ParameterSet,
  parameterNames,
} from './parameter-grid.js';
import type { ParameterSetOutcome } from './parameter-set-run.js';
import { formatSweepCsv, SWEEP_METRICS, type SweepMetric } from './sweep-csv.js';
import { renderSweepHtml } from './sweep-html.js';
import type { SweepRunner } from './sweep-runner.js';

/** Options of {@link runSweep}. */
export interface SweepOptions {
  /** Path of the strategy module (default export: a Strategy subclass; optional `backtestOptions`). */
  readonly strategy: string;
  /** A grid (`{ fast: [10, 20], slow: [50, 100] }`, cartesian product) or a list of parameter sets. */
  readonly parameters: ParameterGrid;
  /** First instant: a Date or ISO 8601 (zone-less means UTC). */
  readonly start: Date | string;
  /** End instant (exclusive). */
  readonly end: Date | string;
  /**
   * Where bars come from, for runners that load them in this process (the local pool, through its cache).
   * BullMQ workers use the source they were started with: data settings and keys stay on each machine.
   */
  readonly dataSource?: DataSourceV1;
  /** Where parameter sets run. Default: a {@link LocalPoolRunner} with one thread per core. */
  readonly runner?: SweepRunner;
  /** Names Redis keys and the results folder; no `:`. Default: the start time plus random letters. */
  readonly runId?: string;
  /**
   * When set, writes `<outDirectory>/<runId>/`: `sweep.csv`, `sweep.html` and one `sets/<index>/stats.json`
   * per parameter set.
   */
  readonly outDirectory?: string;
  /** Metric the HTML page sorts by and maps. Default `sharpe`. */
  readonly sortBy?: SweepMetric;
  readonly signal?: AbortSignal;
  /** Called after each finished parameter set with the count done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** One parameter set's result. */
export interface SweepResult {
  /** Position in the sweep; results are returned in this order. */
  readonly index: number;
  readonly parameters: ParameterSet;
  readonly stats: BacktestStats;
  readonly iterations: number;
  /** `<out>/<runId>/sets/<index>/` when `outDirectory` was given. */
  readonly resultsDirectory?: string;
}

/** What {@link runSweep} returns. */
export interface SweepReport {
  readonly runId: string;
  /** One per parameter set, in sweep order. */
  readonly results: readonly SweepResult[];
  readonly parameterNames: readonly string[];
  /** `<out>/<runId>` and its files, when `outDirectory` was given. */
  readonly files?: { readonly directory: string; readonly csv: string; readonly html: string };
}

const optionsSchema = z.object({
  strategy: z.string().min(1, { error: 'must be the path of a strategy module' }),
  parameters: z.unknown(),
  start: z.union([z.date(), z.string()], { error: 'must be a Date or an ISO 8601 string' }),
  end: z.union([z.date(), z.string()], { error: 'must be a Date or an ISO 8601 string' }),
  runId: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, { error: 'may hold only letters, digits, ".", "_" and "-"' })
    .optional(),
  sortBy: z.enum(SWEEP_METRICS).optional(),
  outDirectory: z.string().optional(),
});

/** A run id from the clock plus random letters: sortable, unique, valid in paths and Redis keys. */
export function createRunId(now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * Backtests a strategy once per parameter set and returns one result per set, in sweep order, whatever
 * runner executes them (threads of this machine, or BullMQ workers on many).
 * @throws InvalidSweepError for malformed options or grid.
 * @throws SweepFailedError when a parameter set fails after its retries.
 */
export async function runSweep(options: SweepOptions): Promise<SweepReport> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = listIssues(parsed.error);
    throw new InvalidSweepError(
      `Invalid sweep options: ${issues.map((issue) => `${issue.path || '(options)'}: ${issue.message}`).join('; ')}.`,
      { issues, cause: parsed.error },
    );
  }
  const parameterSets = expandParameterGrid(options.parameters);
  let startMs: number;
  let endMs: number;
  try {
    startMs = parseInstant(options.start, 'start').getTime();
    endMs = parseInstant(options.end, 'end').getTime();
  } catch (error) {
    throw new InvalidSweepError(`Invalid sweep period: ${(error as Error).message}`, { cause: error });
  }
  if (startMs >= endMs) {
    throw new InvalidSweepError(
      `The sweep start ${new Date(startMs).toISOString()} must be before its end ${new Date(endMs).toISOString()}.`,
    );
  }
  const runId = options.runId ?? createRunId();
  const runner = options.runner ?? new LocalPoolRunner();
  const outcomes = new Map<number, ParameterSetOutcome>();
  const total = parameterSets.length;
  options.onProgress?.(0, total);
  await runner.run(
    {
      sweepId: runId.replaceAll('.', '-'),
      strategyPath: path.resolve(options.strategy),
      parameterSets,
      startMs,
      endMs,
    },
    {
      dataSource: options.dataSource,
      signal: options.signal,
      onOutcome(outcome) {
        // Runners report each set once; a duplicate (a retried set racing its first run) is dropped.
        if (outcomes.has(outcome.index)) return;
        outcomes.set(outcome.index, outcome);
        options.onProgress?.(outcomes.size, total);
      },
    },
  );
  if (outcomes.size !== total) {
    throw new SweepFailedError(
      `The runner ${runner.name} returned ${outcomes.size} of ${total} results; rerun the sweep.`,
    );
  }
  const names = parameterNames(parameterSets);
  const directory =
    options.outDirectory === undefined ? undefined : path.resolve(options.outDirectory, runId);
  const results: SweepResult[] = parameterSets.map((parameters, index) => {
    const outcome = outcomes.get(index)!;
    return {
      index,
      parameters,
      stats: outcome.stats,
      iterations: outcome.iterations,
      ...(directory === undefined ? {} : { resultsDirectory: path.join(directory, 'sets', String(index)) }),
    };
  });
  if (directory === undefined) return { runId, results, parameterNames: names };
  for (const result of results) {
    await writeFileAtomic(
      path.join(result.resultsDirectory!, 'stats.json'),
      `${JSON.stringify({ index: result.index, parameters: result.parameters, iterations: result.iterations, stats: result.stats }, null, 2)}\n`,
    );
  }
  const csv = path.join(directory, 'sweep.csv');
  const html = path.join(directory, 'sweep.html');
  await writeFileAtomic(csv, formatSweepCsv(results, names));
  await writeFileAtomic(
    html,
    renderSweepHtml({
      title: `Sweep of ${path.basename(options.strategy)} (${runId})`,
      results,
      parameterNames: names,
      sortBy: options.sortBy ?? 'sharpe',
    }),
  );
  return { runId, results, parameterNames: names, files: { directory, csv, html } };
}
