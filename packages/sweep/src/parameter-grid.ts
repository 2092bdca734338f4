import { listIssues } from '@lb/core';
import { z } from 'zod';
import { InvalidSweepError } from './errors.js';

/** A value a swept parameter can take: JSON scalars only, so every runner hashes and prints it alike. */
export type ParameterValue = string | number | boolean;

/** One parameter set: parameter name to value, merged over the strategy's own `parameters`. */
export type ParameterSet = Readonly<Record<string, ParameterValue>>;

/**
 * What to sweep: either a grid (name to the list of values; the cartesian product is run, the last name
 * varying fastest) or an explicit list of parameter sets.
 */
export type ParameterGrid = Readonly<Record<string, readonly ParameterValue[]>> | readonly ParameterSet[];

const valueSchema = z.union([z.string(), z.number().finite(), z.boolean()], {
  error: 'must be a string, a finite number or a boolean',
});
const nameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
  error: 'parameter names must be identifiers (letters, digits, _)',
});
const gridObjectSchema = z
  .record(
    nameSchema,
    z
      .array(valueSchema, { error: 'must be a list of values' })
      .min(1, { error: 'must list at least one value' }),
    {
      error: 'must be an object of lists or a list of objects',
    },
  )
  .refine((grid) => Object.keys(grid).length > 0, { error: 'must name at least one parameter' });
const gridListSchema = z
  .array(z.record(nameSchema, valueSchema, { error: 'must be an object of parameter values' }))
  .min(1, { error: 'must hold at least one parameter set' });

/** Grids above this many parameter sets are almost always a typo (a range written out by mistake). */
export const MAX_PARAMETER_SETS = 100_000;

/**
 * Expands a grid into its parameter sets, in a fixed order (the order of the result rows everywhere).
 * @throws InvalidSweepError when the grid is malformed or too large.
 */
export function expandParameterGrid(grid: unknown): ParameterSet[] {
  // Chosen by shape rather than z.union, so each problem is reported where it is.
  const parsed = (Array.isArray(grid) ? gridListSchema : gridObjectSchema).safeParse(grid);
  if (!parsed.success) {
    const issues = listIssues(parsed.error).map((issue) => ({
      path: issue.path === '' ? 'grid' : `grid.${issue.path}`,
      message: issue.message,
    }));
    throw new InvalidSweepError(
      `Invalid parameter grid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}. Use {"fast": [10, 20], "slow": [50, 100]} or [{"fast": 10, "slow": 50}].`,
      { issues, cause: parsed.error },
    );
  }
  const value = parsed.data;
  if (Array.isArray(value)) return value.map((set) => ({ ...set }));
  const entries = Object.entries(value as Record<string, ParameterValue[]>);
  const total = entries.reduce((product, [, values]) => product * values.length, 1);
  if (total > MAX_PARAMETER_SETS) {
    throw new InvalidSweepError(
      `The grid has ${total} parameter sets, more than ${MAX_PARAMETER_SETS}: narrow it or split the sweep.`,
    );
  }
  let sets: Record<string, ParameterValue>[] = [{}];
  for (const [name, values] of entries) {
    sets = sets.flatMap((set) => values.map((item) => ({ ...set, [name]: item })));
  }
  return sets;
}

/** The parameter names of a sweep, in first-seen order (the CSV's parameter columns). */
export function parameterNames(sets: readonly ParameterSet[]): string[] {
  const names = new Set<string>();
  for (const set of sets) for (const name of Object.keys(set)) names.add(name);
  return [...names];
}

/** JSON with sorted keys: the same parameter set always hashes the same, whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
