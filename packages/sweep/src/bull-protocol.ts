import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { SourceDescription } from './data-relay.js';

// Names shared by the submitter (BullRunner) and the workers (startSweepWorker). Queue names and job ids
// never contain ':' (BullMQ uses it as its key separator) and job ids are never integer-like.

/** Queue of one job per parameter set (the flow's children). */
export const PARAMETER_SETS_QUEUE = 'parameter-sets';
/** Queue of the flow's parent job, one per sweep. */
export const SWEEPS_QUEUE = 'sweeps';
/** Queue of data preparation jobs, one per distinct data request (partition). */
export const PREPARE_QUEUE = 'prepare';
/** Default first part of every key: `<keyPrefix>:active-sweeps` and `<keyPrefix>-<sweepId>:…`. */
export const DEFAULT_KEY_PREFIX = 'lb-sweep';

/** The set of sweep ids workers watch for work. */
export function activeSweepsKey(keyPrefix: string): string {
  return `${keyPrefix}:active-sweeps`;
}

/** The pub/sub channel on which submitters announce a new sweep id, so workers join without waiting a poll. */
export function sweepsChannel(keyPrefix: string): string {
  return `${keyPrefix}:sweeps-announced`;
}

/** BullMQ prefix of one sweep: all its keys start with it, so the sweep is deleted with one SCAN. */
export function sweepPrefix(keyPrefix: string, sweepId: string): string {
  return `${keyPrefix}-${sweepId}`;
}

/** A deterministic job id: `<kind>-<sha256 of the parts>` (no ':' and never integer-like). */
export function hashedJobId(kind: string, ...parts: readonly (string | number)[]): string {
  return `${kind}-${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 40)}`;
}

const parameterValueSchema = z.union([z.string(), z.number(), z.boolean()]);

/** Data of a parameter-set job. It names the strategy by name and content hash, never by path. */
export const parameterSetJobSchema = z.object({
  index: z.number().int().nonnegative(),
  parameters: z.record(z.string(), parameterValueSchema),
  startMs: z.number().int(),
  endMs: z.number().int(),
  prefix: z.string().min(1),
  strategy: z.object({
    name: z.string().regex(/^[A-Za-z0-9._-]+$/),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
});
/** Data of a parameter-set job. */
export type ParameterSetJobData = z.infer<typeof parameterSetJobSchema>;

/** What a prepare job returns: where its bars are, or the instrument spec or approval itself. */
export interface PrepareJobResult {
  readonly dataKey?: string;
  readonly instrument?: unknown;
  /** Of an approval: one estimate in USD per request, `null` when the source did not price it (JSON). */
  readonly estimates?: readonly (number | null)[];
}

/** A strategy module a worker was given at start. */
export interface AllowedStrategy {
  readonly path: string;
  readonly sha256: string;
}

/**
 * What a worker process hands its sandboxed threads (through their environment, never through Redis):
 * the Redis URL (it may hold a password), the allowed strategies and the description of its source.
 */
export interface SandboxConfig {
  readonly redisUrl: string;
  readonly strategies: Readonly<Record<string, AllowedStrategy>>;
  readonly source: SourceDescription;
  readonly pollIntervalMs: number;
}

/** Name of the environment variable that carries {@link SandboxConfig} into sandboxed threads. */
export const SANDBOX_CONFIG_VARIABLE = 'LB_SWEEP_SANDBOX_CONFIG';
