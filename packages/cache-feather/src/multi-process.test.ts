import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parseTimestep } from '@lb/core';
import { createDatabentoData } from '@lb/databento';
import { type MockDatabentoBar, type MockDatabentoServer, startMockDatabento } from '@lb/databento/testing';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AAPL, day, expectSameBars, HOURLY, versionedBars } from './__fixtures__/bars.js';
import { listPartitions, verifyCache } from './cache-maintenance.js';
import { readManifest } from './manifest.js';
import { decodePartition } from './partition-file.js';
import { summarizeUsage } from './usage-ledger.js';
import { withFeatherCache } from './with-feather-cache.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = dirname(here);
// Inside the package so the bundle resolves @lb/core and apache-arrow like the published package does.
const buildDir = join(packageDir, 'node_modules', '.cache', 'lb-multi-process-test');
let cacheDir: string;

beforeAll(async () => {
  await mkdir(buildDir, { recursive: true });
  await build({
    entry: { index: join(here, 'index.ts') },
    outDir: buildDir,
    format: ['esm'],
    dts: false,
    silent: true,
    config: false,
    external: ['@lb/core', 'apache-arrow', 'zod'],
  });
  cacheDir = await mkdtemp(join(tmpdir(), 'lb-cache-mp-'));
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

function runChild(
  script: string,
  args: readonly string[],
  killAfterMs?: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, '__fixtures__', script), ...args], {
      env: { ...process.env, LB_CACHE_FEATHER_BUILD: join(buildDir, 'index.js') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    // The kill timer starts once the child has loaded and is about to write.
    child.stdout.once('data', () => {
      if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const JANUARY = { asset: AAPL, timestep: HOURLY, start: day('2024-01-01'), end: day('2024-01-31') };

/** Every partition that validates must hold one complete write: 24 rows of a single version. */
async function expectValidPartitionsConsistent(directory: string): Promise<number> {
  const { problems } = await verifyCache(directory);
  const bad = new Set(problems.map((problem) => problem.path));
  let valid = 0;
  for (const partition of await listPartitions(directory)) {
    if (bad.has(partition.dataPath)) continue;
    const manifest = await readManifest(partition.manifestPath);
    if (manifest.status !== 'ok') continue;
    const bars = decodePartition(await readFile(partition.dataPath), manifest.manifest);
    expect(bars.length).toBe(24);
    const versions = new Set(Array.from(bars.volume, (volume) => Math.floor(volume / 1_000_000)));
    expect(versions.size).toBe(1);
    valid++;
  }
  return valid;
}

describe('withFeatherCache across processes', () => {
  it('should leave nothing that validates when a writer dies between the temp write and the rename', async () => {
    const directory = join(cacheDir, 'die-before-rename');
    const result = await runChild('child-crash-writer.mjs', [directory, '1', '1']);
    expect(result.signal).toBe('SIGKILL');
    expect(await listPartitions(directory)).toEqual([]);
    expect(await expectValidPartitionsConsistent(directory)).toBe(0);
  });

  it('should detect new data under an old manifest when a writer dies between data and manifest', async () => {
    const directory = join(cacheDir, 'die-before-manifest');
    expect((await runChild('child-crash-writer.mjs', [directory, '1', '0'])).code).toBe(0);
    // Version 2 of the first day lands, then the process dies before its manifest (the 2nd rename).
    const killed = await runChild('child-crash-writer.mjs', [directory, '2', '2']);
    expect(killed.signal).toBe('SIGKILL');
    const { problems } = await verifyCache(directory);
    expect(problems).toEqual([
      { path: expect.stringContaining('2024-01-01.feather'), reason: 'sha256 does not match the manifest' },
    ]);
    const warnings: string[] = [];
    let fetches = 0;
    const cached = withFeatherCache(
      {
        specificationVersion: 'v1',
        sourceId: 'crash',
        capabilities: {
          assetTypes: ['stock'],
          timestepUnits: ['hour'],
          continuousFutures: false,
          instruments: false,
        },
        doFetchBars: async (request) => {
          fetches++;
          return versionedBars(request.start.getTime(), request.end.getTime(), 3);
        },
      },
      { cacheDir: directory, logger: { warn: (message) => warnings.push(message), debug: () => {} } },
    );
    const bars = await cached.doFetchBars(JANUARY);
    expect(bars.length).toBe(30 * 24);
    expect(fetches).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(bars.volume[0]).toBe(3_000_000);
    expect(bars.volume[24]! < 2_000_000).toBe(true);
    expect((await verifyCache(directory)).problems).toEqual([]);
  });

  it('should never leave a partition that validates with wrong content when writers are SIGKILLed at random', async () => {
    const directory = join(cacheDir, 'random-kills');
    for (let attempt = 0; attempt < 6; attempt++) {
      const killAfterMs = 20 + Math.floor(Math.random() * 200);
      const result = await runChild(
        'child-crash-writer.mjs',
        [directory, String(attempt + 1), '-1'],
        killAfterMs,
      );
      expect(result.signal).toBe('SIGKILL');
      await expectValidPartitionsConsistent(directory);
    }
    const names = await readdir(directory, { recursive: true });
    expect(names.some((name) => name.endsWith('.feather'))).toBe(true);
  });

  it('should download once when two processes request the same range at once', async () => {
    const directory = join(cacheDir, 'two-processes');
    const downloads = join(cacheDir, 'downloads.log');
    const [first, second] = await Promise.all([
      runChild('child-concurrent-reader.mjs', [directory, downloads]),
      runChild('child-concurrent-reader.mjs', [directory, downloads]),
    ]);
    expect(first.stderr).toBe('');
    expect(second.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    const lines = (await readFile(downloads, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(first.stdout)).toEqual(JSON.parse(second.stdout));
    expect(JSON.parse(first.stdout).length).toBe(20 * 24);
  });

  it('should download once when four worker threads request the same range at once', async () => {
    const directory = join(cacheDir, 'worker-threads');
    const downloads = join(cacheDir, 'worker-downloads.log');
    const outputs = await Promise.all(
      [1, 2, 3, 4].map(
        () =>
          new Promise<string>((resolve, reject) => {
            const worker = new Worker(join(here, '__fixtures__', 'child-concurrent-reader.mjs'), {
              argv: [directory, downloads],
              env: { ...process.env, LB_CACHE_FEATHER_BUILD: join(buildDir, 'index.js') },
              stdout: true,
            });
            let stdout = '';
            worker.stdout.on('data', (chunk) => (stdout += chunk));
            worker.on('error', reject);
            worker.on('exit', (code) =>
              code === 0 ? resolve(stdout) : reject(new Error(`worker exited ${code}`)),
            );
          }),
      ),
    );
    expect((await readFile(downloads, 'utf8')).trim().split('\n')).toHaveLength(1);
    for (const output of outputs)
      expect(JSON.parse(output)).toEqual({ length: 20 * 24, sum: JSON.parse(outputs[0]!).sum });
  });
});

describe('withFeatherCache across processes over the mock Databento API', () => {
  const API_KEY = 'db-CACHEFEATHERMPKEY0123456789abc';
  const ranges: Record<string, { start: string; end: string }> = {
    'XNAS.ITCH': { start: '2024-01-01T00:00:00Z', end: '2025-02-01T00:00:00Z' },
  };
  let server: MockDatabentoServer;
  const bars: MockDatabentoBar[] = [];
  for (let dayOfMonth = 1; dayOfMonth <= 20; dayOfMonth++) {
    for (let minute = 0; minute < 30; minute++) {
      const open = 200 + dayOfMonth + minute / 100;
      bars.push({
        time: new Date(Date.UTC(2025, 0, dayOfMonth, 14, 30 + minute)),
        open,
        high: open + 0.5,
        low: open - 0.5,
        close: open + 0.25,
        volume: 100 + minute,
      });
    }
  }
  beforeAll(async () => {
    server = await startMockDatabento({
      apiKey: API_KEY,
      data: {
        series: [{ dataset: 'XNAS.ITCH', schema: 'ohlcv-1m', symbol: 'AAPL', instrumentId: 7, bars }],
        datasetRanges: ranges,
      },
    });
  });
  afterAll(() => server.close());

  const databento = () =>
    createDatabentoData({
      apiKey: API_KEY,
      baseURL: server.baseURL,
      env: {},
      datasetRangeTtlMs: 0,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
  const WINDOW = {
    asset: AAPL,
    timestep: parseTimestep('1m'),
    start: day('2025-01-08'),
    end: day('2025-01-11'),
  };
  const downloads = () => server.requests.filter((entry) => entry.endpoint === 'timeseries.get_range');

  it('should make one timeseries request when two processes read the same range at once', async () => {
    const directory = join(cacheDir, 'databento-two-processes');
    server.resetRequests();
    ranges['XNAS.ITCH']!.end = '2025-02-01T00:00:00Z';
    // A slow first download: the second process must wait for the lock, not download too.
    server.addFaults('timeseries.get_range', { kind: 'delay', ms: 500 });
    const args = [directory, server.baseURL, API_KEY, '0'];
    const [first, second] = await Promise.all([
      runChild('child-databento-reader.mjs', args),
      runChild('child-databento-reader.mjs', args),
    ]);
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect({ code: second.code, stderr: second.stderr }).toEqual({ code: 0, stderr: '' });
    expect(server.requestCount('timeseries.get_range')).toBe(1);
    expect(JSON.parse(first.stdout)).toEqual(JSON.parse(second.stdout));
    expect(JSON.parse(first.stdout).length).toBe(90);
  });

  it('should not let a refetch killed between data and manifest validate, and refetch only that day', async () => {
    const directory = join(cacheDir, 'databento-killed-writer');
    server.resetRequests();
    ranges['XNAS.ITCH']!.end = '2025-01-10T14:45:00Z';
    const parent = withFeatherCache(databento(), { cacheDir: directory, logger: { warn() {}, debug() {} } });
    expect((await parent.doFetchBars(WINDOW)).length).toBe(30 + 30 + 15);
    expect(downloads()).toHaveLength(1);

    // Jan 10 has grown: the child refetches it and dies after its data file lands, before its manifest.
    ranges['XNAS.ITCH']!.end = '2025-02-01T00:00:00Z';
    const killed = await runChild('child-databento-reader.mjs', [directory, server.baseURL, API_KEY, '2']);
    expect(killed.signal).toBe('SIGKILL');
    expect(downloads()).toHaveLength(2);
    expect((await verifyCache(directory)).problems).toEqual([
      // 90 rows under a manifest written for 75.
      {
        path: expect.stringMatching(/2025-01-10\.feather$/),
        reason: expect.stringMatching(/^file has \d+ bytes, manifest says \d+$/),
      },
    ]);

    const warnings: string[] = [];
    const reader = withFeatherCache(databento(), {
      cacheDir: directory,
      logger: { warn: (message) => warnings.push(message), debug() {} },
    });
    const served = await reader.doFetchBars(WINDOW);
    expect(warnings).toHaveLength(1);
    expect(downloads()).toHaveLength(3);
    expect(new Date(downloads()[2]!.params.start!).toISOString()).toBe('2025-01-10T00:00:00.000Z');
    expectSameBars(served, await databento().doFetchBars(WINDOW));
    expect(served.length).toBe(90);
    expect((await verifyCache(directory)).problems).toEqual([]);
  });
  it('should keep the spend of a download whose process is killed before confirming it', async () => {
    const directory = join(cacheDir, 'databento-killed-downloader');
    server.resetRequests();
    ranges['XNAS.ITCH']!.end = '2025-02-01T00:00:00Z';
    // The response is held back until the child is dead: the request reached Databento (and is billed).
    server.addFaults('timeseries.get_range', { kind: 'delay', ms: 1500 });
    const child = spawn(
      process.execPath,
      [join(here, '__fixtures__', 'child-databento-reader.mjs'), directory, server.baseURL, API_KEY, '0'],
      { env: { ...process.env, LB_CACHE_FEATHER_BUILD: join(buildDir, 'index.js') } },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('close', (_code, signal) => resolve(signal)),
    );
    while (downloads().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const estimate = await databento().client.metadata.getCost({
      dataset: 'XNAS.ITCH',
      schema: 'ohlcv-1m',
      symbols: 'AAPL',
      start: day('2025-01-08'),
      end: day('2025-01-11'),
    });
    expect(estimate).toBeCloseTo(3 * 30 * 56 * 1e-8, 12);
    const summary = await summarizeUsage(directory);
    expect(summary.totals).toMatchObject({ downloads: 0, spentUsd: 0, unconfirmedDownloads: 1 });
    expect(summary.totals.unconfirmedUsd).toBeCloseTo(estimate, 12);
    expect(summary.rows).toEqual([expect.objectContaining({ symbol: 'AAPL', unconfirmedDownloads: 1 })]);

    // A later run downloads again and confirms its own spend; the killed one stays unconfirmed.
    expect((await withFeatherCache(databento(), { cacheDir: directory }).doFetchBars(WINDOW)).length).toBe(
      90,
    );
    const after = await summarizeUsage(directory);
    expect(after.totals).toMatchObject({ downloads: 1, unconfirmedDownloads: 1 });
    expect(after.totals.spentUsd).toBeCloseTo(estimate, 12);
  });
});
