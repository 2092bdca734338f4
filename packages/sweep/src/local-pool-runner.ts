import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import type { Bars, InstrumentSpec } from '@lb/core';
import { Piscina } from 'piscina';
import { encodeBars } from './bars-codec.js';
import { type DataRequestMessage, dataRequestKey, describeSource, serveDataRequest } from './data-relay.js';
import { InvalidSweepError, SweepFailedError } from './errors.js';
import type { LocalPoolAnswer, LocalPoolReply, LocalPoolTask } from './local-pool-worker.js';
import type { ParameterSetOutcome } from './parameter-set-run.js';
import type { SweepPlan, SweepRunContext, SweepRunner } from './sweep-runner.js';
import { workerEntryUrl } from './worker-entry.js';

/** Settings of {@link LocalPoolRunner}. */
export interface LocalPoolRunnerSettings {
  /** Worker threads. Default: one per core (`os.availableParallelism()`). */
  readonly workers?: number;
  /**
   * Runs of a parameter set when its thread dies (crash, out of memory) before answering. Default 2. An
   * error thrown by the backtest itself is not retried: it would fail the same way again.
   */
  readonly attempts?: number;
  /**
   * Keeps the threads between sweeps, with their imported modules and optimised code, until {@link
   * LocalPoolRunner.close}: later sweeps skip thread start, imports and JIT warm-up (about half a second of
   * CPU per thread). Default false: each sweep starts and stops its own threads.
   */
  readonly keepThreads?: boolean;
}

/**
 * Runs a sweep on worker threads of this process (piscina). Bars are loaded once, here, from the sweep's
 * data source (through its cache) and handed to the threads in SharedArrayBuffers, so every thread reads
 * the same memory: no copy per thread, no second download.
 */
export class LocalPoolRunner implements SweepRunner {
  readonly name: string;
  readonly workers: number;
  readonly attempts: number;
  readonly keepThreads: boolean;
  #pool: Piscina | undefined;

  constructor(settings: LocalPoolRunnerSettings = {}) {
    const workers = settings.workers ?? availableParallelism();
    if (!Number.isSafeInteger(workers) || workers < 1) {
      throw new InvalidSweepError(`workers must be a whole number >= 1, got ${String(settings.workers)}.`);
    }
    this.workers = workers;
    this.attempts = settings.attempts ?? 2;
    this.keepThreads = settings.keepThreads ?? false;
    this.name = `local-pool(${workers})`;
  }

  /** The pool's threads while a sweep runs (tests use it to kill one). @internal */
  get threads(): readonly { terminate(): Promise<number> }[] {
    return (this.#pool?.threads ?? []) as readonly { terminate(): Promise<number> }[];
  }

  async run(plan: SweepPlan, context: SweepRunContext): Promise<void> {
    const source = context.dataSource;
    if (source === undefined) {
      throw new InvalidSweepError(
        'The local pool needs a dataSource to load bars from: pass one to runSweep.',
      );
    }
    const pool =
      this.#pool ??
      new Piscina({
        filename: workerEntryUrl('local-pool-worker').href,
        minThreads: this.keepThreads ? this.workers : Math.min(this.workers, plan.parameterSets.length),
        maxThreads: this.workers,
        concurrentTasksPerWorker: 1,
        // Idle threads are unreferenced: a kept pool never holds the process open.
        idleTimeout: 1000,
      });
    this.#pool = pool;
    // One answer per distinct request for the whole sweep: a partition is loaded once, and downloads are
    // approved once (the origin's cost limit then applies to the sweep's total, not to each thread's call).
    const served = new Map<string, Promise<LocalPoolAnswer>>();
    const serve = (request: DataRequestMessage) => {
      const key = dataRequestKey(request);
      let answer = served.get(key);
      if (answer === undefined) {
        answer = serveDataRequest(
          source,
          request,
          context.signal === undefined ? {} : { signal: context.signal },
        ).then((value): LocalPoolAnswer => {
          if (request.kind === 'bars') return { bars: encodeBars(value as Bars, { shared: true }) };
          if (request.kind === 'approval') return { estimates: value as readonly (number | undefined)[] };
          return { instrument: value as InstrumentSpec };
        });
        served.set(key, answer);
        answer.catch(() => served.delete(key));
      }
      return answer;
    };
    const description = describeSource(source);
    const runOne = async (index: number): Promise<ParameterSetOutcome> => {
      for (let attempt = 1; ; attempt++) {
        const channel = new MessageChannel();
        channel.port1.on('message', (message: { id: number; request: DataRequestMessage }) => {
          serve(message.request).then(
            (value) => {
              const reply: LocalPoolReply = { id: message.id, ...value };
              channel.port1.postMessage(reply);
            },
            (error: unknown) => {
              const reply: LocalPoolReply = {
                id: message.id,
                error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
              };
              channel.port1.postMessage(reply);
            },
          );
        });
        const task: LocalPoolTask = {
          sweepId: plan.sweepId,
          strategyPath: plan.strategyPath,
          index,
          parameters: plan.parameterSets[index]!,
          startMs: plan.startMs,
          endMs: plan.endMs,
          source: description,
          port: channel.port2,
        };
        try {
          return (await pool.run(task, {
            transferList: [channel.port2] as never,
            ...(context.signal === undefined ? {} : { signal: context.signal }),
          })) as ParameterSetOutcome;
        } catch (error) {
          context.signal?.throwIfAborted();
          if (!isThreadLoss(error) || attempt >= this.attempts) {
            throw new SweepFailedError(
              `Parameter set ${index} (${JSON.stringify(plan.parameterSets[index])}) failed: ${error instanceof Error ? error.message : String(error)}`,
              { parameterSetIndex: index, cause: error },
            );
          }
        } finally {
          channel.port1.close();
        }
      }
    };
    try {
      await Promise.all(
        plan.parameterSets.map(async (_set, index) => {
          context.onOutcome(await runOne(index));
        }),
      );
    } finally {
      if (!this.keepThreads) await this.close();
    }
  }

  /** Stops the threads (a no-op when none run). The next sweep starts new ones. */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.destroy();
  }
}

// Piscina rejects a task whose thread exited (terminated or crashed) with this message.
function isThreadLoss(error: unknown): boolean {
  return error instanceof Error && /worker (exited|thread)|terminat/i.test(error.message);
}
