import type { MessagePort } from 'node:worker_threads';
import type { InstrumentSpec } from '@lb/core';
import { decodeBars } from './bars-codec.js';
import { createRelayDataSource, type DataRequestMessage, type SourceDescription } from './data-relay.js';
import type { ParameterSet } from './parameter-grid.js';
import { type ParameterSetOutcome, runParameterSet } from './parameter-set-run.js';
import { type LoadedStrategyModule, loadStrategyModule } from './strategy-module.js';

/** One task of the local pool. @internal */
export interface LocalPoolTask {
  /** The data cache holds one sweep's bars: a task of another sweep empties it first. */
  readonly sweepId: string;
  readonly strategyPath: string;
  readonly index: number;
  readonly parameters: ParameterSet;
  readonly startMs: number;
  readonly endMs: number;
  readonly source: SourceDescription;
  /** Answers data requests from the parent, which holds the only copy of the bars. */
  readonly port: MessagePort;
}

/** The parent's answer to one data request. @internal */
export type LocalPoolAnswer =
  | { readonly bars: Uint8Array }
  | { readonly instrument: InstrumentSpec }
  | { readonly estimates: readonly (number | undefined)[] };

/** Reply of the parent to one data request. @internal */
export type LocalPoolReply = { readonly id: number } & (LocalPoolAnswer | { readonly error: string });

// Kept for the life of the thread: every parameter set it runs reuses the module and the shared bars.
const modules = new Map<string, Promise<LoadedStrategyModule>>();
const dataCache = new Map<string, Promise<unknown>>();
let dataCacheSweepId: string | undefined;

/** Runs one parameter set in a pool thread. */
export default async function runLocalPoolTask(task: LocalPoolTask): Promise<ParameterSetOutcome> {
  let module = modules.get(task.strategyPath);
  if (module === undefined) {
    module = loadStrategyModule(task.strategyPath);
    modules.set(task.strategyPath, module);
  }
  if (dataCacheSweepId !== task.sweepId) {
    // Another sweep may read another source: its answers must not leak into this one, nor stay in memory.
    dataCache.clear();
    dataCacheSweepId = task.sweepId;
  }
  let nextId = 0;
  const pending = new Map<
    number,
    { resolve: (reply: LocalPoolReply) => void; reject: (error: Error) => void }
  >();
  task.port.on('message', (reply: LocalPoolReply) => {
    pending.get(reply.id)?.resolve(reply);
    pending.delete(reply.id);
  });
  const ask = (request: DataRequestMessage) =>
    new Promise<LocalPoolReply>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      task.port.postMessage({ id, request });
    });
  const dataSource = createRelayDataSource({
    description: task.source,
    cache: dataCache,
    relay: {
      async loadBars(request) {
        const reply = await ask(request);
        if ('error' in reply) throw new Error(reply.error);
        if (!('bars' in reply)) throw new Error('The parent answered a bars request with something else.');
        // The bytes live in a SharedArrayBuffer: this wraps them, nothing is copied.
        return decodeBars(reply.bars);
      },
      async loadInstrument(request) {
        const reply = await ask(request);
        if ('error' in reply) throw new Error(reply.error);
        if (!('instrument' in reply)) throw new Error('The parent answered an instrument request with bars.');
        return reply.instrument;
      },
      async approveDownloads(request) {
        const reply = await ask(request);
        if ('error' in reply) throw new Error(reply.error);
        if (!('estimates' in reply)) throw new Error('The parent answered an approval with data.');
        return reply.estimates;
      },
    },
  });
  try {
    return await runParameterSet({
      module: await module,
      index: task.index,
      parameters: task.parameters,
      startMs: task.startMs,
      endMs: task.endMs,
      dataSource,
    });
  } finally {
    // A request still open belongs to this task's port, which closes now: fail it so the shared cache
    // forgets it instead of making the next task wait forever.
    for (const { reject } of pending.values())
      reject(new Error('The parameter set ended before its data arrived.'));
    task.port.close();
  }
}
