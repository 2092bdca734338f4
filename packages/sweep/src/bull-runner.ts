import path from 'node:path';
import { FlowProducer, Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import {
  activeSweepsKey,
  DEFAULT_KEY_PREFIX,
  hashedJobId,
  PARAMETER_SETS_QUEUE,
  type ParameterSetJobData,
  SWEEPS_QUEUE,
  sweepPrefix,
  sweepsChannel,
} from './bull-protocol.js';
import { SweepFailedError } from './errors.js';
import { canonicalJson } from './parameter-grid.js';
import type { ParameterSetOutcome } from './parameter-set-run.js';
import { bullConnectionFromUrl, redisOptionsFromUrl } from './redis-connection.js';
import { hashStrategyFile } from './strategy-module.js';
import type { SweepPlan, SweepRunContext, SweepRunner } from './sweep-runner.js';

/** Settings of {@link BullRunner}. */
export interface BullRunnerSettings {
  /** `redis://[:password@]host[:port][/db]` or `rediss://…` (TLS). */
  readonly redisUrl: string;
  /** Must match the workers'. Default `lb-sweep`. */
  readonly keyPrefix?: string;
  /** Runs of a parameter set before the sweep fails. Default 3. */
  readonly attempts?: number;
  /** First retry delay, doubled each retry. Default 1000 ms. */
  readonly backoffMs?: number;
  /**
   * Results are collected as soon as BullMQ reports a finished parameter set; this is the longest wait
   * between two checks when no report arrives (a reconnect). Default 1000 ms.
   */
  readonly pollIntervalMs?: number;
}

/**
 * Resolves true after `milliseconds`, or false earlier when `wake` is called; rejects when `signal` aborts.
 */
function sleep(
  milliseconds: number,
  signal: AbortSignal | undefined,
  wake: { current: () => void },
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      wake.current = () => {};
      reject(signal!.reason);
    };
    const done = (timedOut: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      wake.current = () => {};
      resolve(timedOut);
    };
    const timer = setTimeout(() => done(true), milliseconds);
    wake.current = () => done(false);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A parameter set's result from a 'completed' event (a JSON string, or already parsed), if well-formed. */
function parseOutcome(value: unknown): ParameterSetOutcome | undefined {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const outcome = parsed as Partial<ParameterSetOutcome> | null;
  return outcome !== null &&
    typeof outcome === 'object' &&
    Number.isSafeInteger(outcome.index) &&
    typeof outcome.stats === 'object' &&
    typeof outcome.iterations === 'number'
    ? (outcome as ParameterSetOutcome)
    : undefined;
}

/**
 * Runs a sweep on BullMQ workers (`lb worker` / `startSweepWorker`) on any number of machines. The sweep is
 * one flow: a parent job with one child per parameter set (deterministic ids, retries with exponential
 * backoff), under a Redis key prefix of its own that is deleted when the sweep ends. Each parameter set's
 * result is the child's return value, stored once per child by BullMQ: a set that ran twice (its worker was
 * killed and the job retried elsewhere) still yields one result.
 */
export class BullRunner implements SweepRunner {
  readonly name = 'bullmq';
  readonly #settings: BullRunnerSettings;

  constructor(settings: BullRunnerSettings) {
    redisOptionsFromUrl(settings.redisUrl);
    this.#settings = settings;
  }

  async run(plan: SweepPlan, context: SweepRunContext): Promise<void> {
    const keyPrefix = this.#settings.keyPrefix ?? DEFAULT_KEY_PREFIX;
    const connection = bullConnectionFromUrl(this.#settings.redisUrl);
    const prefix = sweepPrefix(keyPrefix, plan.sweepId);
    const strategy = {
      name: path.basename(plan.strategyPath),
      sha256: await hashStrategyFile(plan.strategyPath),
    };
    const redis = new Redis(redisOptionsFromUrl(this.#settings.redisUrl));
    // Commands reject on their own when Redis is unreachable; the event would only add a stack trace.
    redis.on('error', () => {});
    const flow = new FlowProducer({ connection, prefix });
    const sweeps = new Queue(SWEEPS_QUEUE, { connection, prefix });
    const parameterSets = new Queue(PARAMETER_SETS_QUEUE, { connection, prefix });
    const parentId = `sweep-${plan.sweepId}`;
    const childIds = plan.parameterSets.map((parameters, index) =>
      hashedJobId('set', plan.sweepId, index, canonicalJson(parameters)),
    );
    const indexOfChild = new Map(childIds.map((id, index) => [id, index]));
    const reported = new Set<number>();
    let finished = false;
    const report = (outcome: ParameterSetOutcome) => {
      // Events still arriving while the sweep shuts down (after a failure or an abort) report nothing.
      if (finished || reported.has(outcome.index)) return;
      reported.add(outcome.index);
      context.onOutcome(outcome);
    };
    // Each finished child's result arrives on the queue's event stream (the value BullMQ stored for it), so
    // the loop below reads Redis only when something else happened: a failure, or no news for a while.
    const events = new QueueEvents(PARAMETER_SETS_QUEUE, { connection, prefix });
    events.on('error', () => {});
    const wake = { current: () => {} };
    let checkNeeded = true;
    events.on('completed', ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
      const outcome = parseOutcome(returnvalue);
      if (outcome !== undefined && indexOfChild.get(jobId) === outcome.index) report(outcome);
      else checkNeeded = true;
      wake.current();
    });
    events.on('failed', () => {
      checkNeeded = true;
      wake.current();
    });
    try {
      await events.waitUntilReady();
      await flow.add({
        name: 'sweep',
        queueName: SWEEPS_QUEUE,
        data: { total: plan.parameterSets.length, strategy: strategy.name },
        opts: { jobId: parentId },
        children: plan.parameterSets.map((parameters, index) => {
          const data: ParameterSetJobData = {
            index,
            parameters: { ...parameters },
            startMs: plan.startMs,
            endMs: plan.endMs,
            prefix,
            strategy,
          };
          return {
            name: 'parameter-set',
            queueName: PARAMETER_SETS_QUEUE,
            data,
            opts: {
              jobId: childIds[index]!,
              attempts: this.#settings.attempts ?? 3,
              backoff: { type: 'exponential', delay: this.#settings.backoffMs ?? 1000 },
              // Without it a child that fails for good would leave the parent waiting forever.
              failParentOnFailure: true,
            },
          };
        }),
      });
      await redis.sadd(activeSweepsKey(keyPrefix), plan.sweepId);
      await redis.publish(sweepsChannel(keyPrefix), plan.sweepId);
      const total = plan.parameterSets.length;
      for (;;) {
        context.signal?.throwIfAborted();
        if (reported.size === total) return;
        if (checkNeeded) {
          checkNeeded = false;
          const parent = await Job.fromId(sweeps, parentId);
          if (parent === undefined) throw new SweepFailedError(`Sweep ${plan.sweepId} vanished from Redis.`);
          const collect = async () => {
            const values = await parent.getChildrenValues<ParameterSetOutcome>();
            for (const outcome of Object.values(values)) report(outcome);
            return reported.size === total;
          };
          if (await collect()) return;
          // A child that failed for good releases the parent early (failParentOnFailure): the parent leaves
          // waiting-children with results missing. Nothing processes the parent job; this loop is its consumer.
          const state = await parent.getState();
          if (state !== 'waiting-children') {
            // The last child may have finished between the two reads: its result is there now.
            if (await collect()) return;
            throw await this.#describeFailure(parameterSets, childIds, plan);
          }
        }
        if (reported.size === total || checkNeeded) continue;
        const timedOut = await sleep(this.#settings.pollIntervalMs ?? 1000, context.signal, wake);
        if (timedOut) checkNeeded = true;
      }
    } finally {
      finished = true;
      // Close the BullMQ clients first: they can still write (queue metadata) while closing.
      await Promise.all([flow.close(), sweeps.close(), parameterSets.close(), events.close()]);
      await redis.srem(activeSweepsKey(keyPrefix), plan.sweepId);
      await deleteKeys(redis, `${prefix}:*`);
      redis.disconnect();
    }
  }

  async #describeFailure(
    queue: Queue,
    childIds: readonly string[],
    plan: SweepPlan,
  ): Promise<SweepFailedError> {
    for (const [index, id] of childIds.entries()) {
      const job = await Job.fromId(queue, id);
      if (job !== undefined && (await job.getState()) === 'failed') {
        return new SweepFailedError(
          `Parameter set ${index} (${JSON.stringify(plan.parameterSets[index])}) failed after ${job.attemptsMade} attempts: ${job.failedReason}`,
          { parameterSetIndex: index },
        );
      }
    }
    return new SweepFailedError(`Sweep ${plan.sweepId} failed.`);
  }
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}
