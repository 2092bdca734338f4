import { readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bars, DataSourceV1 } from '@lb/core';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { encodeBars } from './bars-codec.js';
import {
  type AllowedStrategy,
  activeSweepsKey,
  DEFAULT_KEY_PREFIX,
  PARAMETER_SETS_QUEUE,
  PREPARE_QUEUE,
  type PrepareJobResult,
  SANDBOX_CONFIG_VARIABLE,
  type SandboxConfig,
  sweepPrefix,
  sweepsChannel,
} from './bull-protocol.js';
import { type DataRequestMessage, describeSource, serveDataRequest } from './data-relay.js';
import { InvalidSweepError } from './errors.js';
import { bullConnectionFromUrl, redisOptionsFromUrl } from './redis-connection.js';
import { createSharedSandbox } from './shared-sandbox.js';
import { hashStrategyFile } from './strategy-module.js';
import { workerEntryUrl } from './worker-entry.js';

/** Settings of {@link startSweepWorker}. */
export interface SweepWorkerSettings {
  /** `redis://[:password@]host[:port][/db]` or `rediss://…` for TLS. */
  readonly redisUrl: string;
  /**
   * The only strategy code this worker runs: a folder (every `.js`, `.mjs`, `.ts`, `.mts` file in it) or a
   * list of module files. Jobs name a file by its name and content hash; nothing else is imported.
   */
  readonly strategies: string | readonly string[];
  /** Where prepare jobs load data (read from this machine's environment and cache, never from Redis). */
  readonly dataSource: DataSourceV1;
  /** Parameter sets run at once. Default: one per core. */
  readonly concurrency?: number;
  /** Must match the submitter's. Default `lb-sweep`. */
  readonly keyPrefix?: string;
  /** BullMQ lock of a running job; a killed worker's jobs are retried after about this plus the stall check. Default 30 000. */
  readonly lockDurationMs?: number;
  /** Interval of the stalled-job check. Default 30 000. */
  readonly stalledIntervalMs?: number;
  /** How often to look for new sweeps and prepared data. Default 500. */
  readonly pollIntervalMs?: number;
  /** Receives one line per event worth logging (sweeps joined, jobs failed). */
  readonly log?: (line: string) => void;
}

/** A running worker. */
export interface SweepWorkerHandle {
  /** Names of the strategies it accepts. */
  readonly strategies: readonly string[];
  /** Stops taking jobs, lets the active ones finish, then disconnects. */
  close(): Promise<void>;
}

const MODULE_EXTENSIONS = /\.(m?js|m?ts)$/;

async function collectStrategies(
  input: string | readonly string[],
): Promise<Record<string, AllowedStrategy>> {
  const files =
    typeof input === 'string'
      ? (await readdir(input, { withFileTypes: true }))
          .filter((entry) => entry.isFile() && MODULE_EXTENSIONS.test(entry.name))
          .map((entry) => path.resolve(input, entry.name))
      : input.map((file) => path.resolve(file));
  const strategies: Record<string, AllowedStrategy> = {};
  for (const file of files.sort()) {
    const name = path.basename(file);
    if (strategies[name] !== undefined) {
      throw new InvalidSweepError(
        `Two strategy modules are named ${name}: jobs name strategies by file name.`,
      );
    }
    strategies[name] = { path: file, sha256: await hashStrategyFile(file) };
  }
  if (Object.keys(strategies).length === 0) {
    throw new InvalidSweepError(`No strategy modules (.js, .mjs, .ts, .mts) found in ${String(input)}.`);
  }
  return strategies;
}

/**
 * Starts a sweep worker: it watches Redis for sweeps, runs their parameter sets in sandboxed threads
 * (BullMQ `useWorkerThreads`) and their data preparation jobs on this thread, each distinct data request
 * once for the whole fleet. Prepared bars are stored in Redis under the sweep's prefix so workers on other
 * machines read them instead of downloading again; they are deleted with the sweep.
 */
export async function startSweepWorker(settings: SweepWorkerSettings): Promise<SweepWorkerHandle> {
  const connection = bullConnectionFromUrl(settings.redisUrl);
  const concurrency = settings.concurrency ?? availableParallelism();
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new InvalidSweepError(
      `concurrency must be a whole number >= 1, got ${String(settings.concurrency)}.`,
    );
  }
  const keyPrefix = settings.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const pollIntervalMs = settings.pollIntervalMs ?? 500;
  const lockDuration = settings.lockDurationMs ?? 30_000;
  const stalledInterval = settings.stalledIntervalMs ?? 30_000;
  const strategies = await collectStrategies(settings.strategies);
  const sandboxConfig: SandboxConfig = {
    redisUrl: settings.redisUrl,
    strategies,
    source: describeSource(settings.dataSource),
    // A parameter set waiting for its bars checks the prepare job this often: one cheap Redis read, and
    // every check saved is idle time of a core.
    pollIntervalMs: Math.min(pollIntervalMs, 20),
  };
  const log = settings.log ?? (() => {});
  const redis = new Redis(redisOptionsFromUrl(settings.redisUrl));
  // ioredis reconnects by itself; without a listener each lost connection would print a stack trace.
  redis.on('error', (error: Error) => log(`Redis connection: ${error.message}`));
  const attached = new Map<string, Worker[]>();
  const processorFile = fileURLToPath(workerEntryUrl('bull-processor'));
  const workerThreadsOptions = {
    env: { ...process.env, [SANDBOX_CONFIG_VARIABLE]: JSON.stringify(sandboxConfig) },
  };
  // One pool of sandboxed threads for every sweep this process joins, so each sweep finds them warm.
  const sandbox = createSharedSandbox({ processFile: processorFile, workerThreadsOptions });
  if (sandbox === undefined) {
    // Not an error (results are the same), but each sweep then pays for cold threads: say so.
    log(
      'this BullMQ version does not have the sandbox files shared threads need (classes/main-worker.js, classes/sandbox.js): each sweep starts its own threads',
    );
  }
  await sandbox?.warm(concurrency);

  const prepare = async (job: Job): Promise<PrepareJobResult> => {
    const { request, dataKey } = job.data as { request: DataRequestMessage; dataKey: string };
    let value: Awaited<ReturnType<typeof serveDataRequest>>;
    try {
      value = await serveDataRequest(settings.dataSource, request);
    } catch (error) {
      // Sources retry transient failures themselves; BullMQ retries only what they flag as retryable, so an
      // unsupported request or a missing instrument fails once, as it would in a sequential backtest.
      if ((error as { isRetryable?: boolean }).isRetryable === true) throw error;
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new UnrecoverableError(reason);
    }
    if (request.kind === 'instrument') return { instrument: value };
    if (request.kind === 'approval') {
      return { estimates: (value as readonly (number | undefined)[]).map((estimate) => estimate ?? null) };
    }
    await redis.set(dataKey, Buffer.from(encodeBars(value as Bars)));
    return { dataKey };
  };

  const attach = (sweepId: string) => {
    const prefix = sweepPrefix(keyPrefix, sweepId);
    const common = { connection, prefix, lockDuration, stalledInterval, maxStalledCount: 3 };
    const runner =
      sandbox === undefined
        ? new Worker(PARAMETER_SETS_QUEUE, processorFile, {
            ...common,
            concurrency,
            useWorkerThreads: true,
            workerThreadsOptions,
          })
        : new Worker(PARAMETER_SETS_QUEUE, sandbox.processor, { ...common, concurrency });
    // Preparation is I/O (download, cache, Redis) on its own queue, so a parameter set waiting for data
    // never holds the slot its data needs.
    const preparer = new Worker(PREPARE_QUEUE, prepare, { ...common, concurrency: 4 });
    for (const worker of [runner, preparer]) {
      worker.on('failed', (job, error) =>
        log(`job ${job?.id ?? '?'} of sweep ${sweepId} failed: ${error.message}`),
      );
      worker.on('error', (error) => log(`worker error in sweep ${sweepId}: ${error.message}`));
    }
    attached.set(sweepId, [runner, preparer]);
    log(`joined sweep ${sweepId}`);
  };

  let polling: Promise<void> = Promise.resolve();
  const poll = async () => {
    const active = new Set(await redis.smembers(activeSweepsKey(keyPrefix)));
    for (const sweepId of active) if (!attached.has(sweepId)) attach(sweepId);
    for (const [sweepId, workers] of attached) {
      if (active.has(sweepId)) continue;
      attached.delete(sweepId);
      await Promise.all(workers.map((worker) => worker.close()));
      log(`left sweep ${sweepId}`);
    }
  };
  const schedulePoll = () => {
    polling = polling.then(poll).catch((error: unknown) => log(`polling Redis failed: ${String(error)}`));
  };
  // Submitters announce new sweeps on a channel, so workers join at once; the timer is the fallback for a
  // missed message (a reconnect) and notices ended sweeps.
  const subscriber = redis.duplicate();
  subscriber.on('error', () => {});
  subscriber.on('message', schedulePoll);
  await subscriber.subscribe(sweepsChannel(keyPrefix));
  await poll();
  const timer = setInterval(schedulePoll, pollIntervalMs);
  return {
    strategies: Object.keys(strategies),
    async close() {
      clearInterval(timer);
      subscriber.disconnect();
      await polling;
      await Promise.all([...attached.values()].flat().map((worker) => worker.close()));
      attached.clear();
      await sandbox?.close();
      redis.disconnect();
    },
  };
}
