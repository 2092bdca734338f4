import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withFeatherCache } from '@lb/cache-feather';
import type { DataSourceV1 } from '@lb/core';
import { createDatabentoData } from '@lb/databento';
import { type MockDatabentoServer, startMockDatabento } from '@lb/databento/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedisServer, startTestRedis, type TestRedis } from './__fixtures__/redis-server.js';
// @ts-expect-error: plain JavaScript fixture shared with worker processes
import { createSyntheticSource, makeBars } from './__fixtures__/synthetic-bars.mjs';
import { BullRunner } from './bull-runner.js';
import { SweepFailedError } from './errors.js';
import { LocalPoolRunner } from './local-pool-runner.js';
import { expandParameterGrid, parameterNames } from './parameter-grid.js';
import { runParameterSet } from './parameter-set-run.js';
import { redisOptionsFromUrl } from './redis-connection.js';
import { runSweep, type SweepResult } from './run-sweep.js';
import { loadStrategyModule } from './strategy-module.js';
import { formatSweepCsv } from './sweep-csv.js';
import type { SweepRunner } from './sweep-runner.js';

const fixtures = fileURLToPath(new URL('./__fixtures__/', import.meta.url));
const strategyPath = path.join(fixtures, 'sma-cross.mjs');
const BAR_COUNT = 12_000;
const bars = makeBars(BAR_COUNT);
// Start after 300 bars so the warm-up the strategy reads exists in the data.
const start = new Date(bars.timestampsMs[300]);
const end = new Date(bars.timestampsMs[BAR_COUNT - 1] + 60_000);
const grid = { fast: [5, 10, 20, 30], slow: [40, 60] };

/** The reference: one sequential backtest() per parameter set, in this thread. */
async function sequentialResults(source: DataSourceV1, sweepGrid: object): Promise<SweepResult[]> {
  const module = await loadStrategyModule(strategyPath);
  const results: SweepResult[] = [];
  for (const [index, parameters] of expandParameterGrid(sweepGrid).entries()) {
    const outcome = await runParameterSet({
      module,
      index,
      parameters,
      startMs: start.getTime(),
      endMs: end.getTime(),
      dataSource: source,
    });
    results.push({ index, parameters, stats: outcome.stats, iterations: outcome.iterations });
  }
  return results;
}

interface Harness {
  readonly runner: SweepRunner;
  /** Kills one worker (a pool thread, or a worker process with SIGKILL) while it runs a parameter set. */
  killOneWorker(): void;
  stop(): Promise<void>;
}

let redis: TestRedis | undefined;
const redisMissing = !hasRedisServer();
const scratch: string[] = [];

beforeAll(async () => {
  if (!redisMissing) redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
  for (const directory of scratch) await rm(directory, { recursive: true, force: true });
});

async function startWorkerProcesses(
  count: number,
  environment: Record<string, string>,
): Promise<ChildProcess[]> {
  const workers = Array.from({ length: count }, () =>
    spawn(process.execPath, [path.join(fixtures, 'worker-process.mjs')], {
      env: {
        ...process.env,
        SWEEP_TEST_REDIS_URL: redis!.url,
        SWEEP_TEST_STRATEGIES: fixtures,
        SWEEP_TEST_BARS: String(BAR_COUNT),
        SWEEP_TEST_LOCK_MS: '2000',
        SWEEP_TEST_STALLED_MS: '1000',
        ...environment,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  await Promise.all(
    workers.map(
      (child) =>
        new Promise<void>((resolve, reject) => {
          child.stdout!.on('data', (chunk: Buffer) => {
            if (chunk.toString().includes('ready')) resolve();
          });
          child.once('exit', (code) => reject(new Error(`worker process exited early with ${code}`)));
        }),
    ),
  );
  return workers;
}

const runners: Record<string, (environment?: Record<string, string>) => Promise<Harness>> = {
  'local pool': async () => {
    const runner = new LocalPoolRunner({ workers: 2 });
    return {
      runner,
      killOneWorker: () => void runner.threads[0]?.terminate(),
      stop: async () => {},
    };
  },
  bullmq: async (environment = {}) => {
    const workers = await startWorkerProcesses(2, environment);
    return {
      runner: new BullRunner({ redisUrl: redis!.url, backoffMs: 100, pollIntervalMs: 50 }),
      killOneWorker: () => workers[0]!.kill('SIGKILL'),
      stop: async () => {
        await Promise.all(
          workers.map(
            (child) =>
              new Promise<void>((resolve) => {
                if (child.exitCode !== null || child.signalCode !== null) return resolve();
                child.once('exit', () => resolve());
                child.kill('SIGTERM');
              }),
          ),
        );
      },
    };
  },
};

describe.each(Object.keys(runners))('runSweep on the %s runner', (runnerName) => {
  const harness = async (
    context: { skip: (note?: string) => void },
    environment?: Record<string, string>,
  ) => {
    if (runnerName === 'bullmq' && redisMissing) {
      // CI must prove the BullMQ runner: there a missing redis-server is a failure, not a skip.
      if (process.env.CI === 'true') throw new Error('redis-server is missing: install Debian redis-server.');
      context.skip('redis-server is not installed (apt-get install redis-server)');
    }
    return runners[runnerName]!(environment);
  };

  it('should give the results of sequential backtest() calls and a byte-identical sweep.csv', async (context) => {
    const { runner, stop } = await harness(context);
    const out = await mkdtemp(path.join(tmpdir(), 'lb-sweep-'));
    scratch.push(out);
    try {
      const source = createSyntheticSource(BAR_COUNT);
      const progress: Array<[number, number]> = [];
      const report = await runSweep({
        strategy: strategyPath,
        parameters: grid,
        start,
        end,
        dataSource: source,
        runner,
        outDirectory: out,
        runId: `same-${runnerName.replace(' ', '-')}`,
        onProgress: (done, total) => progress.push([done, total]),
      });
      const expected = await sequentialResults(createSyntheticSource(BAR_COUNT), grid);
      expect(report.results.map(({ resultsDirectory: _, ...rest }) => rest)).toEqual(expected);
      expect(report.results.map((result) => result.stats.numberOfTrades).every((trades) => trades > 0)).toBe(
        true,
      );
      expect(await readFile(report.files!.csv, 'utf8')).toBe(
        formatSweepCsv(expected, parameterNames(expandParameterGrid(grid))),
      );
      expect(progress.at(-1)).toEqual([8, 8]);
      if (runnerName === 'local pool') {
        // Loaded once in the parent for all 8 sets and 2 threads.
        expect(source.calls.bars).toHaveLength(1);
      }
    } finally {
      await stop();
    }
  });

  it('should finish with every result exactly once when a worker is killed mid-sweep', async (context) => {
    const { runner, killOneWorker, stop } = await harness(context);
    try {
      let killed = false;
      const report = await runSweep({
        strategy: strategyPath,
        parameters: grid,
        start,
        end,
        dataSource: createSyntheticSource(BAR_COUNT),
        runner,
        onProgress: (done) => {
          if (done === 1 && !killed) {
            killed = true;
            killOneWorker();
          }
        },
      });
      expect(killed).toBe(true);
      expect(report.results.map((result) => result.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(report.results.map(({ resultsDirectory: _, ...rest }) => rest)).toEqual(
        await sequentialResults(createSyntheticSource(BAR_COUNT), grid),
      );
    } finally {
      await stop();
    }
  });

  describe('with Databento data', () => {
    let server: MockDatabentoServer;
    const apiKey = 'db-SWEEPTESTKEY0123456789abcdefgh';
    beforeAll(async () => {
      const mockBars = makeBars(3_000);
      server = await startMockDatabento({
        apiKey,
        data: {
          series: [
            {
              dataset: 'GLBX.MDP3',
              schema: 'ohlcv-1m',
              symbol: 'MESH4',
              instrumentId: 42,
              bars: Array.from({ length: mockBars.length }, (_, index) => ({
                time: mockBars.tsEventNanos[index],
                open: mockBars.open[index],
                high: mockBars.high[index],
                low: mockBars.low[index],
                close: mockBars.close[index],
                volume: mockBars.volume[index],
              })),
            },
          ],
          definitions: [
            {
              dataset: 'GLBX.MDP3',
              symbol: 'MESH4',
              instrumentId: 42,
              multiplier: 5,
              tickSize: 0.25,
              expiration: '2024-03-15T13:30:00Z',
            },
          ],
        },
      });
    });
    afterAll(() => server.close());

    it('should download each data partition once for 16 parameter sets on 2 workers', async (context) => {
      const cacheDir = await mkdtemp(path.join(tmpdir(), 'lb-sweep-cache-'));
      scratch.push(cacheDir);
      const { runner, stop } = await harness(context, {
        SWEEP_TEST_SOURCE: 'databento',
        DATABENTO_API_KEY: apiKey,
        DATABENTO_BASE_URL: server.baseURL,
        LB_CACHE_DIR: cacheDir,
      });
      server.resetRequests();
      try {
        const sixteen = { fast: [3, 5, 8, 13], slow: [21, 34, 55, 89] };
        const mockBars = makeBars(3_000);
        const report = await runSweep({
          strategy: strategyPath,
          parameters: sixteen,
          start: new Date(mockBars.timestampsMs[200]),
          end: new Date(mockBars.timestampsMs[2_999] + 60_000),
          dataSource: withFeatherCache(
            createDatabentoData({ apiKey, baseURL: server.baseURL, env: {}, datasetRangeTtlMs: 0 }),
            { cacheDir },
          ),
          runner,
        });
        expect(report.results).toHaveLength(16);
        expect(report.results.every((result) => result.stats.numberOfTrades > 0)).toBe(true);
        const downloads = server.requests.filter((request) => request.endpoint === 'timeseries.get_range');
        const bySchema = (schema: string) => downloads.filter((request) => request.params.schema === schema);
        // One bars partition (MESH4 minute bars over the period and its warm-up), fetched once for all 16.
        expect(bySchema('ohlcv-1m')).toHaveLength(1);
        const distinct = new Set(downloads.map((request) => JSON.stringify(request.params)));
        expect(distinct.size).toBe(downloads.length);
      } finally {
        await stop();
      }
    });
  });
});

/** 30 minute bars from 14:30 UTC on each of `days` of March 2025. */
function marchBars(days: readonly number[], base: number) {
  return days.flatMap((day) =>
    Array.from({ length: 30 }, (_, minute) => ({
      time: new Date(Date.UTC(2025, 2, day, 14, 30 + minute)),
      open: base + minute,
      high: base + minute + 1,
      low: base + minute - 1,
      close: base + minute + 0.5,
      volume: 10,
    })),
  );
}

describe.each(Object.keys(runners))('a Databento cost limit on the %s runner', (runnerName) => {
  const apiKey = 'db-SWEEPLIMITKEY0123456789abcdefg';
  let server: MockDatabentoServer;
  beforeAll(async () => {
    server = await startMockDatabento({
      apiKey,
      data: {
        // Core's roll schedule moves ES from ESH5 to ESM5 at 2025-03-11T04:00Z.
        series: [
          {
            dataset: 'GLBX.MDP3',
            schema: 'ohlcv-1m',
            symbol: 'ESH5',
            instrumentId: 101,
            bars: marchBars([3, 4, 5, 6, 7], 6000),
          },
          {
            dataset: 'GLBX.MDP3',
            schema: 'ohlcv-1m',
            symbol: 'ESM5',
            instrumentId: 102,
            bars: marchBars([11, 12], 6100),
          },
        ],
        datasetRanges: { 'GLBX.MDP3': { start: '2024-01-01T00:00:00Z', end: '2025-04-01T00:00:00Z' } },
      },
    });
  });
  afterAll(() => server.close());

  const sweepWithLimit = async (context: { skip: (note?: string) => void }, maxCostUsd: number) => {
    if (runnerName === 'bullmq' && redisMissing) {
      if (process.env.CI === 'true') throw new Error('redis-server is missing: install Debian redis-server.');
      context.skip('redis-server is not installed (apt-get install redis-server)');
    }
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'lb-sweep-limit-'));
    scratch.push(cacheDir);
    const { runner, stop } = await runners[runnerName]!({
      SWEEP_TEST_SOURCE: 'databento',
      DATABENTO_API_KEY: apiKey,
      DATABENTO_BASE_URL: server.baseURL,
      DATABENTO_MAX_COST_USD: String(maxCostUsd),
      LB_CACHE_DIR: cacheDir,
    });
    server.resetRequests();
    try {
      return await runSweep({
        strategy: path.join(fixtures, 'reads-es.mjs'),
        parameters: { lookback: [5, 10, 15, 20] },
        start: '2025-03-12T14:30:00Z',
        end: '2025-03-12T15:00:00Z',
        dataSource: withFeatherCache(
          createDatabentoData({ apiKey, baseURL: server.baseURL, env: {}, maxCostUsd }),
          { cacheDir },
        ),
        runner,
      });
    } finally {
      await stop();
    }
  };
  const barDownloads = () =>
    server.requests
      .filter((request) => request.endpoint === 'timeseries.get_range')
      .map((request) => request.params.symbols);

  it('should refuse the sweep when the contracts it reads cost more together than the limit', async (context) => {
    // 56 bytes per bar at 10 USD per GB: ESH5's 150 bars cost 8.4e-5 USD, ESM5's 60 bars 3.36e-5. Each
    // contract is under 1e-4; the two together (1.176e-4) are not.
    const error = await sweepWithLimit(context, 1e-4).catch((caught: unknown) => caught);
    expect(SweepFailedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(
      'Databento estimates $0.0001 in total, above the maxCostUsd limit of $0.00. Nothing was downloaded.',
    );
    expect(barDownloads()).toEqual([]);
  });

  it('should download each contract once for the whole sweep within the limit', async (context) => {
    const report = await sweepWithLimit(context, 2e-4);
    expect(report.results.map((result) => result.iterations)).toEqual([3, 3, 3, 3]);
    expect(barDownloads().sort()).toEqual(['ESH5', 'ESM5']);
  });
});

describe('BullMQ workers', () => {
  it('should run only the strategy code they were started with, byte for byte', async (context) => {
    if (redisMissing) {
      if (process.env.CI === 'true') throw new Error('redis-server is missing: install Debian redis-server.');
      return context.skip('redis-server is not installed (apt-get install redis-server)');
    }
    const elsewhere = await mkdtemp(path.join(tmpdir(), 'lb-sweep-rogue-'));
    scratch.push(elsewhere);
    const original = await readFile(strategyPath, 'utf8');
    const rogue = path.join(elsewhere, 'rogue.mjs');
    const altered = path.join(elsewhere, 'sma-cross.mjs');
    await writeFile(rogue, original);
    await writeFile(altered, `${original}\n// altered\n`);
    const workers = await startWorkerProcesses(1, {});
    try {
      const submit = (strategy: string) =>
        runSweep({
          strategy,
          parameters: [{ fast: 5, slow: 40 }],
          start,
          end,
          runner: new BullRunner({ redisUrl: redis!.url, backoffMs: 100, pollIntervalMs: 50 }),
        });
      await expect(submit(rogue)).rejects.toThrow(
        'Parameter set 0 ({"fast":5,"slow":40}) failed after 1 attempts: This worker was not started with a strategy named "rogue.mjs"',
      );
      await expect(submit(altered)).rejects.toThrow(
        `The worker's copy of "sma-cross.mjs" differs from the one the sweep was submitted with`,
      );
      await expect(submit(altered)).rejects.toBeInstanceOf(SweepFailedError);
    } finally {
      for (const child of workers) child.kill('SIGTERM');
    }
  });
});

describe('warm threads', () => {
  const twoSweeps = async (runner: SweepRunner, log: string) => {
    for (const tags of [
      [1, 2, 3],
      [4, 5, 6],
    ]) {
      await runSweep({
        strategy: path.join(fixtures, 'records-thread.mjs'),
        parameters: { tag: tags },
        start,
        end,
        dataSource: createSyntheticSource(BAR_COUNT),
        runner,
      });
    }
    return (await readFile(log, 'utf8')).trim().split('\n');
  };

  it('should run every parameter set of two sweeps in one kept pool thread', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'lb-sweep-threads-'));
    scratch.push(directory);
    const log = path.join(directory, 'threads.log');
    process.env.SWEEP_TEST_THREAD_LOG = log;
    const runner = new LocalPoolRunner({ workers: 1, keepThreads: true });
    try {
      const lines = await twoSweeps(runner, log);
      expect(lines).toHaveLength(6);
      expect(new Set(lines).size).toBe(1);
      expect(lines[0]).not.toBe(`${process.pid}:0`);
    } finally {
      delete process.env.SWEEP_TEST_THREAD_LOG;
      await runner.close();
    }
  });

  it('should run every parameter set of two sweeps in the one sandboxed thread a BullMQ worker started with', async (context) => {
    if (redisMissing) {
      if (process.env.CI === 'true') throw new Error('redis-server is missing: install Debian redis-server.');
      return context.skip('redis-server is not installed (apt-get install redis-server)');
    }
    const directory = await mkdtemp(path.join(tmpdir(), 'lb-sweep-threads-'));
    scratch.push(directory);
    const log = path.join(directory, 'threads.log');
    const [worker] = await startWorkerProcesses(1, {
      SWEEP_TEST_THREAD_LOG: log,
      SWEEP_TEST_CONCURRENCY: '1',
    });
    try {
      const lines = await twoSweeps(
        new BullRunner({ redisUrl: redis!.url, backoffMs: 100, pollIntervalMs: 50 }),
        log,
      );
      expect(lines).toHaveLength(6);
      expect(new Set(lines).size).toBe(1);
      expect(lines[0]!.startsWith(`${worker!.pid}:`)).toBe(true);
      expect(lines[0]).not.toBe(`${worker!.pid}:0`);
    } finally {
      await new Promise<void>((resolve) => {
        worker!.once('exit', () => resolve());
        worker!.kill('SIGTERM');
      });
    }
  });
});

describe('an aborted sweep', () => {
  it('should reject with the reason on the local pool', async () => {
    const controller = new AbortController();
    const sweep = runSweep({
      strategy: strategyPath,
      parameters: grid,
      start,
      end,
      dataSource: createSyntheticSource(BAR_COUNT),
      runner: new LocalPoolRunner({ workers: 2 }),
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 1) controller.abort(new Error('stopped by the user'));
      },
    });
    await expect(sweep).rejects.toThrow('stopped by the user');
  });

  it('should reject with the reason on BullMQ and delete every key of the sweep', async (context) => {
    if (redisMissing) {
      if (process.env.CI === 'true') throw new Error('redis-server is missing: install Debian redis-server.');
      return context.skip('redis-server is not installed (apt-get install redis-server)');
    }
    const client = new Redis(redisOptionsFromUrl(redis!.url));
    try {
      const controller = new AbortController();
      // No worker runs: the sweep waits in Redis until the abort.
      const sweep = runSweep({
        strategy: strategyPath,
        parameters: grid,
        start,
        end,
        runId: 'aborted',
        runner: new BullRunner({ redisUrl: redis!.url, pollIntervalMs: 50 }),
        signal: controller.signal,
      });
      // Listed in the active set last, after its jobs are in Redis.
      for (
        let tries = 0;
        !(await client.smembers('lb-sweep:active-sweeps')).includes('aborted') && tries < 100;
        tries++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await client.smembers('lb-sweep:active-sweeps')).toEqual(['aborted']);
      controller.abort(new Error('stopped by the user'));
      await expect(sweep).rejects.toThrow('stopped by the user');
      // Only this sweep's keys: workers of earlier sweeps in this file may still be closing their own queues.
      expect(await client.keys('lb-sweep-aborted*')).toEqual([]);
      expect(await client.smembers('lb-sweep:active-sweeps')).not.toContain('aborted');
    } finally {
      client.disconnect();
    }
  });
});
