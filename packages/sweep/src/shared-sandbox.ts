import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ChildPool, type Job } from 'bullmq';

/** Runs a job in a sandboxed thread of a pool that outlives any one BullMQ Worker. */
export type SandboxedProcessor = (job: Job, token?: string, signal?: AbortSignal) => Promise<unknown>;

/** A pool of sandboxed threads shared by the Workers of every sweep a worker process joins. */
export interface SharedSandbox {
  /** The processor to hand to each sweep's `new Worker(queue, processor)` (three parameters: it takes the signal). */
  readonly processor: SandboxedProcessor;
  /**
   * Starts `count` threads now and leaves them idle in the pool, so the first sweep does not wait for thread
   * start and the processor's imports (a few hundred milliseconds of CPU each).
   */
  warm(count: number): Promise<void>;
  /** Stops the threads; call after closing every Worker that uses {@link SharedSandbox.processor}. */
  close(): Promise<void>;
}

type SandboxFactory = (processFile: string, childPool: ChildPool) => SandboxedProcessor;

/**
 * BullMQ gives each Worker its own pool of sandboxed threads and stops it when the Worker closes. A sweep
 * has its own key prefix, hence its own Worker, so every sweep would start cold threads: thread start, the
 * imports of the processor and JIT warm-up cost about half a second of CPU per thread, a tenth of a
 * 32-set sweep on two cores. This keeps one pool for the process and runs jobs through BullMQ's own
 * sandbox function (same protocol, progress, cancellation), so the threads and their caches stay warm
 * across sweeps. Both live in BullMQ's compiled files, not its public exports: when a BullMQ release moves
 * them this returns undefined and workers fall back to BullMQ's per-Worker sandbox.
 */
export function createSharedSandbox(settings: {
  readonly processFile: string;
  readonly workerThreadsOptions: { readonly env: NodeJS.ProcessEnv };
}): SharedSandbox | undefined {
  const require = createRequire(import.meta.url);
  let classes: string;
  try {
    classes = path.join(path.dirname(require.resolve('bullmq')), 'classes');
  } catch {
    return undefined;
  }
  const mainFile = path.join(classes, 'main-worker.js');
  const sandboxFile = path.join(classes, 'sandbox.js');
  if (!existsSync(mainFile) || !existsSync(sandboxFile)) return undefined;
  const loaded = require(sandboxFile) as { default?: unknown };
  if (typeof loaded.default !== 'function') return undefined;
  const pool = new ChildPool({
    mainFile,
    useWorkerThreads: true,
    workerThreadsOptions: { ...settings.workerThreadsOptions },
  });
  const run = (loaded.default as SandboxFactory)(settings.processFile, pool);
  return {
    processor: (job, token, signal) => run(job, token, signal),
    async warm(count) {
      const children = await Promise.all(
        Array.from({ length: count }, () => pool.retain(settings.processFile)),
      );
      for (const child of children) pool.release(child);
    },
    // Called once every Worker has closed, so no thread runs a job: stop them at once. (ChildPool.clean asks
    // each to finish its job first and waits up to 30 s for a thread that does not answer.)
    async close() {
      const children = [...Object.values(pool.retained), ...pool.getAllFree()];
      await Promise.all(children.map((child) => pool.kill(child, 'SIGKILL')));
    },
  };
}
