// The sandboxed processor of parameter-set jobs: BullMQ runs it in worker threads of `lb worker`, so the
// CPU-bound backtest never blocks the thread that renews the job locks.
import type { InstrumentSpec } from '@lb/core';
import { Job, Queue, type SandboxedJob, UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { decodeBars } from './bars-codec.js';
import {
  type AllowedStrategy,
  hashedJobId,
  PREPARE_QUEUE,
  type PrepareJobResult,
  parameterSetJobSchema,
  SANDBOX_CONFIG_VARIABLE,
  type SandboxConfig,
} from './bull-protocol.js';
import {
  createRelayDataSource,
  type DataRelay,
  type DataRequestMessage,
  dataRequestKey,
} from './data-relay.js';
import { StrategyNotAllowedError } from './errors.js';
import { type ParameterSetOutcome, runParameterSet } from './parameter-set-run.js';
import { bullConnectionFromUrl, redisOptionsFromUrl } from './redis-connection.js';
import { hashStrategyFile, type LoadedStrategyModule, loadStrategyModule } from './strategy-module.js';

const config = JSON.parse(process.env[SANDBOX_CONFIG_VARIABLE] ?? 'null') as SandboxConfig | null;
const modules = new Map<string, Promise<LoadedStrategyModule>>();
const dataCaches = new Map<string, Map<string, Promise<unknown>>>();
const queues = new Map<string, Queue>();
let redis: Redis | undefined;

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Adds the prepare job of `request` (a no-op when another worker already did) and waits for its result. */
async function prepare(
  sandbox: SandboxConfig,
  prefix: string,
  request: DataRequestMessage,
): Promise<PrepareJobResult> {
  let queue = queues.get(prefix);
  if (queue === undefined) {
    queue = new Queue(PREPARE_QUEUE, { connection: bullConnectionFromUrl(sandbox.redisUrl), prefix });
    queues.set(prefix, queue);
  }
  const jobId = hashedJobId('data', dataRequestKey(request));
  // Same id for the same partition: BullMQ keeps the first job, so the partition is downloaded once.
  await queue.add(
    request.kind,
    { request, dataKey: `${prefix}:data:${jobId}` },
    { jobId, attempts: 3, backoff: { type: 'exponential', delay: 1000 } },
  );
  for (;;) {
    const state = await queue.getJobState(jobId);
    if (state === 'completed') {
      const job = await Job.fromId(queue, jobId);
      return job!.returnvalue as PrepareJobResult;
    }
    if (state === 'failed') {
      const job = await Job.fromId(queue, jobId);
      throw new Error(
        `Preparing ${dataRequestKey(request)} failed: ${job?.failedReason ?? 'unknown reason'}`,
      );
    }
    if (state === 'unknown') throw new Error('The sweep was removed from Redis while this job ran.');
    await sleep(sandbox.pollIntervalMs);
  }
}

function redisRelay(sandbox: SandboxConfig, prefix: string): DataRelay {
  return {
    async loadBars(request) {
      const result = await prepare(sandbox, prefix, request);
      if (redis === undefined) {
        redis = new Redis(redisOptionsFromUrl(sandbox.redisUrl));
        redis.on('error', () => {});
      }
      const bytes = await redis.getBuffer(result.dataKey!);
      if (bytes === null) throw new Error(`The prepared bars at ${result.dataKey} are gone.`);
      return decodeBars(bytes);
    },
    async loadInstrument(request) {
      return (await prepare(sandbox, prefix, request)).instrument as InstrumentSpec;
    },
    // One prepare job per distinct approval for the whole fleet: the first worker to need it prices the
    // total with its source's cost limit, and every parameter set waits for that one answer.
    async approveDownloads(request) {
      const { estimates } = await prepare(sandbox, prefix, request);
      return (estimates ?? []).map((estimate) => estimate ?? undefined);
    },
  };
}

async function allowedModule(strategy: { name: string; sha256: string }): Promise<LoadedStrategyModule> {
  const allowed: AllowedStrategy | undefined = config?.strategies[strategy.name];
  if (allowed === undefined) {
    throw new StrategyNotAllowedError(
      `This worker was not started with a strategy named "${strategy.name}": start it with --strategies pointing at the folder holding it.`,
      { strategyName: strategy.name },
    );
  }
  if (allowed.sha256 !== strategy.sha256 || (await hashStrategyFile(allowed.path)) !== strategy.sha256) {
    throw new StrategyNotAllowedError(
      `The worker's copy of "${strategy.name}" differs from the one the sweep was submitted with: deploy the same file to every worker.`,
      { strategyName: strategy.name },
    );
  }
  let module = modules.get(allowed.path);
  if (module === undefined) {
    module = loadStrategyModule(allowed.path);
    modules.set(allowed.path, module);
  }
  return module;
}

/** Runs one parameter-set job. */
export default async function processParameterSet(job: SandboxedJob): Promise<ParameterSetOutcome> {
  if (config === null)
    throw new UnrecoverableError(
      `${SANDBOX_CONFIG_VARIABLE} is not set: start workers with startSweepWorker.`,
    );
  const parsed = parameterSetJobSchema.safeParse(job.data);
  if (!parsed.success)
    throw new UnrecoverableError(`Malformed parameter-set job ${job.id}: ${parsed.error.message}`);
  const data = parsed.data;
  let module: LoadedStrategyModule;
  try {
    module = await allowedModule(data.strategy);
  } catch (error) {
    // Retrying cannot help: the worker's allowed code does not change while it runs.
    if (StrategyNotAllowedError.isInstance(error)) throw new UnrecoverableError(error.message);
    throw error;
  }
  let cache = dataCaches.get(data.prefix);
  if (cache === undefined) {
    // A thread lives across sweeps: keep only the current sweep's bars and connections.
    dataCaches.clear();
    for (const [otherPrefix, queue] of queues) {
      queues.delete(otherPrefix);
      await queue.close();
    }
    cache = new Map();
    dataCaches.set(data.prefix, cache);
  }
  return runParameterSet({
    module,
    index: data.index,
    parameters: data.parameters,
    startMs: data.startMs,
    endMs: data.endMs,
    dataSource: createRelayDataSource({
      description: config.source,
      relay: redisRelay(config, data.prefix),
      cache,
    }),
  });
}
