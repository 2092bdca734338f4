import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BarsRequest,
  continuousFuture,
  DataSourceApiError,
  fetchBars,
  parseTimestep,
  stock,
} from '@lb/core';
import { CostLimitExceededError, createDatabentoData } from '@lb/databento';
import { type MockDatabentoBar, type MockDatabentoServer, startMockDatabento } from '@lb/databento/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectSameBars, recordingLogger } from './__fixtures__/bars.js';
import { partitionPaths } from './partition-layout.js';
import { readUsage } from './usage-ledger.js';
import { withFeatherCache } from './with-feather-cache.js';

const API_KEY = 'db-CACHEFEATHERKEY0123456789abcde';
const MINUTE = parseTimestep('1m');
const AAPL = stock('AAPL');

/** 30 minute bars at the US open of every day from 2025-01-01 to 2025-01-30. */
function januaryBars(): MockDatabentoBar[] {
  const bars: MockDatabentoBar[] = [];
  for (let day = 1; day <= 30; day++) {
    for (let minute = 0; minute < 30; minute++) {
      const open = 200 + day + minute / 100;
      bars.push({
        time: new Date(Date.UTC(2025, 0, day, 14, 30 + minute)),
        open,
        high: open + 0.5,
        low: open - 0.5,
        close: open + 0.25,
        volume: 100 + minute,
      });
    }
  }
  return bars;
}

/** 30 minute bars at the US open of each of `days` (March 2025 days of the month). */
function marchBars(days: readonly number[], base: number): MockDatabentoBar[] {
  return days.flatMap((day) =>
    Array.from({ length: 30 }, (_, minute) => ({
      time: new Date(Date.UTC(2025, 2, day, 14, 30 + minute)),
      open: base + day,
      high: base + day + 1,
      low: base + day - 1,
      close: base + day + 0.5,
      volume: 10,
    })),
  );
}

const ranges: Record<string, { start: string; end: string }> = {
  'XNAS.ITCH': { start: '2024-01-01T00:00:00Z', end: '2025-02-01T00:00:00Z' },
  'GLBX.MDP3': { start: '2024-01-01T00:00:00Z', end: '2025-04-01T00:00:00Z' },
};
let server: MockDatabentoServer;
let cacheDir: string;

beforeAll(async () => {
  server = await startMockDatabento({
    apiKey: API_KEY,
    data: {
      series: [
        { dataset: 'XNAS.ITCH', schema: 'ohlcv-1m', symbol: 'AAPL', instrumentId: 7, bars: januaryBars() },
        // Core's roll schedule moves ES from ESH5 to ESM5 at 2025-03-11T04:00Z.
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
          bars: marchBars([11, 12, 13, 14], 6100),
        },
      ],
      // Mutable on purpose: the mock reads it per request, so a test can move the available end.
      datasetRanges: ranges,
    },
  });
});
afterAll(() => server.close());
beforeEach(async () => {
  server.resetRequests();
  ranges['XNAS.ITCH']!.end = '2025-02-01T00:00:00Z';
  cacheDir = await mkdtemp(join(tmpdir(), 'lb-cache-databento-'));
});
afterEach(async () => {
  delete process.env.LB_FORCE_CACHE_UPDATE;
  await rm(cacheDir, { recursive: true, force: true });
});

const databento = () =>
  createDatabentoData({
    apiKey: API_KEY,
    baseURL: server.baseURL,
    env: {},
    datasetRangeTtlMs: 0,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
const request = (start: string, end: string, extra: Partial<BarsRequest> = {}): BarsRequest => ({
  asset: AAPL,
  timestep: MINUTE,
  start: new Date(`${start}T00:00:00Z`),
  end: new Date(`${end}T00:00:00Z`),
  ...extra,
});
const downloads = () => server.requests.filter((entry) => entry.endpoint === 'timeseries.get_range');

describe('withFeatherCache over the mock Databento API', () => {
  it('should answer the same request twice with one download and identical bars', async () => {
    const cached = withFeatherCache(databento(), { cacheDir });
    const first = await cached.doFetchBars(request('2025-01-01', '2025-01-11'));
    const second = await cached.doFetchBars(request('2025-01-01', '2025-01-11'));
    expect(server.requestCount('timeseries.get_range')).toBe(1);
    expect(first.length).toBe(300);
    expectSameBars(second, first);
    expectSameBars(first, await databento().doFetchBars(request('2025-01-01', '2025-01-11')));
  });

  it('should download only Jan 11-20 for Jan 5-20 after Jan 1-10, in one request', async () => {
    const cached = withFeatherCache(databento(), { cacheDir });
    await cached.doFetchBars(request('2025-01-01', '2025-01-11'));
    const second = await cached.doFetchBars(request('2025-01-05', '2025-01-21'));
    expect(downloads()).toHaveLength(2);
    const params = downloads()[1]!.params;
    expect(new Date(params.start!).toISOString()).toBe('2025-01-11T00:00:00.000Z');
    expect(new Date(params.end!).toISOString()).toBe('2025-01-21T00:00:00.000Z');
    expect(second.length).toBe(16 * 30);
    expect(
      partitionPaths(cacheDir, {
        sourceId: 'databento',
        dataset: 'XNAS.ITCH',
        schema: 'ohlcv-1m',
        symbol: 'AAPL',
        day: '2025-01-15',
      }).dataPath,
    ).toMatch(/databento\/XNAS\.ITCH\/ohlcv-1m\/AAPL\/2025-01-15\.feather$/);
  });

  it('should record the billed bytes and cost Databento reports, and what cache hits saved', async () => {
    const cached = withFeatherCache(databento(), { cacheDir });
    await cached.doFetchBars(request('2025-01-01', '2025-01-03'));
    await cached.doFetchBars(request('2025-01-01', '2025-01-03'));
    const [pending, download, hit] = await readUsage(cacheDir);
    expect(pending).toMatchObject({ status: 'pending', bytes: 0, intentId: download!.intentId });
    expect(pending!.costUsd).toBe(download!.costUsd);
    expect(download!.costUsd).toBeGreaterThan(0);
    expect(download).toMatchObject({
      servedFromCache: false,
      dataset: 'XNAS.ITCH',
      schema: 'ohlcv-1m',
      symbols: ['AAPL'],
      records: 60,
    });
    expect(download!.bytes).toBeGreaterThan(0);
    expect(hit).toMatchObject({ servedFromCache: true, records: 60, bytes: download!.bytes });
  });

  it('should refetch when forced, and refetch a partial day once the available end moves past it', async () => {
    ranges['XNAS.ITCH']!.end = '2025-01-10T14:45:00Z';
    const cached = withFeatherCache(databento(), { cacheDir });
    const partial = await cached.doFetchBars(request('2025-01-08', '2025-01-11'));
    expect(partial.length).toBe(30 + 30 + 15);
    await cached.doFetchBars(request('2025-01-08', '2025-01-11'));
    expect(downloads()).toHaveLength(1);
    ranges['XNAS.ITCH']!.end = '2025-02-01T00:00:00Z';
    const grown = await cached.doFetchBars(request('2025-01-08', '2025-01-11'));
    expect(grown.length).toBe(90);
    expect(downloads()).toHaveLength(2);
    expect(new Date(downloads()[1]!.params.start!).toISOString()).toBe('2025-01-10T00:00:00.000Z');
    await cached.doFetchBars(request('2025-01-08', '2025-01-11'));
    expect(downloads()).toHaveLength(2);
    await cached.doFetchBars(request('2025-01-08', '2025-01-11', { forceCacheUpdate: true }));
    expect(downloads()).toHaveLength(3);
  });

  it('should detect a truncated file, move it aside and download that day again', async () => {
    const logger = recordingLogger();
    const cached = withFeatherCache(databento(), { cacheDir, logger });
    const first = await cached.doFetchBars(request('2025-01-01', '2025-01-04'));
    const paths = partitionPaths(cacheDir, {
      sourceId: 'databento',
      dataset: 'XNAS.ITCH',
      schema: 'ohlcv-1m',
      symbol: 'AAPL',
      day: '2025-01-02',
    });
    await truncate(paths.dataPath, 64);
    const second = await cached.doFetchBars(request('2025-01-01', '2025-01-04'));
    expectSameBars(second, first);
    expect(downloads()).toHaveLength(2);
    expect(new Date(downloads()[1]!.params.start!).toISOString()).toBe('2025-01-02T00:00:00.000Z');
    expect(logger.warnings).toHaveLength(1);
    expect(
      (await readdir(paths.seriesDirectory)).some((name) => name.startsWith('2025-01-02.feather.corrupt-')),
    ).toBe(true);
  });

  it('should refetch what a request covers when LB_FORCE_CACHE_UPDATE=1, in one request', async () => {
    const cached = withFeatherCache(databento(), { cacheDir });
    await cached.doFetchBars(request('2025-01-01', '2025-01-04'));
    process.env.LB_FORCE_CACHE_UPDATE = '1';
    const forced = await cached.doFetchBars(request('2025-01-01', '2025-01-04'));
    expect(downloads()).toHaveLength(2);
    expect(new Date(downloads()[1]!.params.start!).toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(new Date(downloads()[1]!.params.end!).toISOString()).toBe('2025-01-04T00:00:00.000Z');
    expect(forced.length).toBe(90);
    delete process.env.LB_FORCE_CACHE_UPDATE;
    await cached.doFetchBars(request('2025-01-01', '2025-01-04'));
    expect(downloads()).toHaveLength(2);
  });

  it('should refetch a partial day after the TTL and never a complete day, however late', async () => {
    ranges['XNAS.ITCH']!.end = '2025-01-10T14:45:00Z';
    let clock = new Date('2025-01-10T15:00:00Z');
    const cached = withFeatherCache(databento(), { cacheDir, partialDayTtlMs: 60_000, now: () => clock });
    expect((await cached.doFetchBars(request('2025-01-08', '2025-01-11'))).length).toBe(75);
    clock = new Date('2025-01-10T15:00:30Z');
    await cached.doFetchBars(request('2025-01-08', '2025-01-11'));
    expect(downloads()).toHaveLength(1);
    // Same available end, but the TTL has passed: only the partial day is asked for again.
    clock = new Date('2025-01-10T15:05:00Z');
    await cached.doFetchBars(request('2025-01-08', '2025-01-11'));
    expect(downloads()).toHaveLength(2);
    expect(new Date(downloads()[1]!.params.start!).toISOString()).toBe('2025-01-10T00:00:00.000Z');
    // Years later, with the dataset grown: the complete days Jan 8-9 are still served from disk.
    clock = new Date('2030-01-01T00:00:00Z');
    ranges['XNAS.ITCH']!.end = '2029-12-31T00:00:00Z';
    await cached.doFetchBars(request('2025-01-08', '2025-01-10'));
    expect(downloads()).toHaveLength(2);
  });

  it('should detect a garbage file of the right size, never serve it, and download that day again', async () => {
    const logger = recordingLogger();
    const cached = withFeatherCache(databento(), { cacheDir, logger });
    const first = await cached.doFetchBars(request('2025-01-01', '2025-01-04'));
    const paths = partitionPaths(cacheDir, {
      sourceId: 'databento',
      dataset: 'XNAS.ITCH',
      schema: 'ohlcv-1m',
      symbol: 'AAPL',
      day: '2025-01-03',
    });
    await writeFile(paths.dataPath, Buffer.alloc((await readFile(paths.dataPath)).length, 7));
    const second = await withFeatherCache(databento(), { cacheDir, logger }).doFetchBars(
      request('2025-01-01', '2025-01-04'),
    );
    expectSameBars(second, first);
    expect(downloads()).toHaveLength(2);
    expect(new Date(downloads()[1]!.params.start!).toISOString()).toBe('2025-01-03T00:00:00.000Z');
    expect(new Date(downloads()[1]!.params.end!).toISOString()).toBe('2025-01-04T00:00:00.000Z');
    expect(logger.warnings).toEqual([expect.stringContaining('moved aside')]);
    expect(
      (await readdir(paths.seriesDirectory)).filter((name) => name.startsWith('2025-01-03.feather.corrupt-')),
    ).toHaveLength(1);
  });

  it('should price all downloads of one request before the first, and refuse them together above the limit', async () => {
    const guarded = (maxCostUsd: number) =>
      withFeatherCache(
        createDatabentoData({
          apiKey: API_KEY,
          baseURL: server.baseURL,
          env: {},
          maxCostUsd,
          logger: { debug() {}, info() {}, warn() {}, error() {} },
        }),
        { cacheDir },
      );
    await guarded(1).doFetchBars(request('2025-01-03', '2025-01-05'));
    server.resetRequests();
    // Two runs of two days (Jan 1-2 and 5-6) around the cached Jan 3-4: 30 bars x 56 bytes per day at 10 USD
    // per GB is 3.36e-5 USD per run, each under the limit; their total (6.72e-5) is not.
    const error = await guarded(5e-5)
      .doFetchBars(request('2025-01-01', '2025-01-07'))
      .catch((caught: unknown) => caught);
    expect(CostLimitExceededError.isInstance(error)).toBe(true);
    expect((error as CostLimitExceededError).estimatedCostUsd).toBeCloseTo(6.72e-5, 12);
    expect(server.requestCount('metadata.get_cost')).toBe(2);
    expect(downloads()).toHaveLength(0);
    expect((await readUsage(cacheDir)).filter((entry) => entry.status === 'pending')).toHaveLength(1);

    const bars = await guarded(1e-4).doFetchBars(request('2025-01-01', '2025-01-07'));
    expect(bars.length).toBe(180);
    expect(downloads()).toHaveLength(2);
  });

  it('should approve several requests as one total through the cache, and reuse the estimates', async () => {
    const source = createDatabentoData({
      apiKey: API_KEY,
      baseURL: server.baseURL,
      env: {},
      maxCostUsd: 5e-5,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    const cached = withFeatherCache(source, { cacheDir });
    const first = request('2025-01-01', '2025-01-03');
    const second = request('2025-01-05', '2025-01-07');
    const error = await cached.approveDownloads!([first, second]).catch((caught: unknown) => caught);
    expect(CostLimitExceededError.isInstance(error)).toBe(true);
    expect((error as CostLimitExceededError).estimatedCostUsd).toBeCloseTo(6.72e-5, 12);
    expect(downloads()).toHaveLength(0);

    const estimates = await cached.approveDownloads!([first]);
    expect(estimates).toEqual([expect.closeTo(3.36e-5, 12)]);
    const pricedBefore = server.requestCount('metadata.get_cost');
    expect((await cached.doFetchBars(first)).length).toBe(60);
    expect(server.requestCount('metadata.get_cost')).toBe(pricedBefore);
    expect(await cached.approveDownloads!([first])).toEqual([undefined]);
  });

  it('should apply the limit to every contract of a continuous future fetched through fetchBars, counting only missing days', async () => {
    const guarded = (maxCostUsd: number) =>
      withFeatherCache(
        createDatabentoData({
          apiKey: API_KEY,
          baseURL: server.baseURL,
          env: {},
          maxCostUsd,
          logger: { debug() {}, info() {}, warn() {}, error() {} },
        }),
        { cacheDir },
      );
    const es = { asset: continuousFuture('ES'), timestep: '1m', end: '2025-03-15T00:00:00Z' } as const;
    // 56 bytes per bar at 10 USD per GB: ESH5's 150 bars cost 8.4e-5 USD, ESM5's 120 bars 6.72e-5, each
    // under 1e-4; together (1.512e-4) they are not.
    const error = await fetchBars(guarded(1e-4), { ...es, start: '2025-03-03T00:00:00Z' }).catch(
      (caught: unknown) => caught,
    );
    expect(CostLimitExceededError.isInstance(error)).toBe(true);
    expect((error as CostLimitExceededError).estimatedCostUsd).toBeCloseTo(1.512e-4, 12);
    expect(downloads()).toHaveLength(0);

    // With ESM5's days cached, only ESH5's are priced: within the limit, each downloads once.
    await fetchBars(guarded(1e-4), { ...es, start: '2025-03-11T04:00:00Z' });
    expect(downloads().map((entry) => entry.params.symbols)).toEqual(['ESM5']);
    const bars = await fetchBars(guarded(1e-4), { ...es, start: '2025-03-03T00:00:00Z' });
    expect(bars.length).toBe(270);
    expect(downloads().map((entry) => entry.params.symbols)).toEqual(['ESM5', 'ESH5']);
    await fetchBars(guarded(1e-4), { ...es, start: '2025-03-03T00:00:00Z' });
    expect(downloads()).toHaveLength(2);
  });

  it('should estimate only what the cache is missing with estimateBars({ cache })', async () => {
    const source = databento();
    const cached = withFeatherCache(source, { cacheDir });
    await cached.doFetchBars(request('2025-01-03', '2025-01-05'));
    const estimate = await source.estimateBars(AAPL, '1m', '2025-01-01', '2025-01-07', { cache: cached });
    expect(
      estimate.downloads.map((download) => [
        download.params.start.toISOString(),
        download.params.end.toISOString(),
      ]),
    ).toEqual([
      ['2025-01-01T00:00:00.000Z', '2025-01-03T00:00:00.000Z'],
      ['2025-01-05T00:00:00.000Z', '2025-01-07T00:00:00.000Z'],
    ]);
    expect(estimate.totalCostUsd).toBeCloseTo(6.72e-5, 12);
    expect(downloads()).toHaveLength(1);
    expect(await cached.planDownloads(request('2025-01-03', '2025-01-05'))).toEqual([]);
  });

  it('should stop at once, with one request, when get_dataset_range rejects the key', async () => {
    const cached = withFeatherCache(
      createDatabentoData({
        apiKey: `${API_KEY}x`,
        baseURL: server.baseURL,
        env: {},
        datasetRangeTtlMs: 0,
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      }),
      { cacheDir },
    );
    const error = await cached.doFetchBars(request('2025-01-01', '2025-01-03')).catch((caught) => caught);
    expect(DataSourceApiError.isInstance(error)).toBe(true);
    expect((error as DataSourceApiError).statusCode).toBe(401);
    expect(server.requests.map((entry) => entry.endpoint)).toEqual(['metadata.get_dataset_range']);
  });

  it('should retry a transient get_dataset_range error and store complete days as complete', async () => {
    server.addFaults('metadata.get_dataset_range', { kind: 'status', status: 503 });
    const cached = withFeatherCache(
      createDatabentoData({
        apiKey: API_KEY,
        baseURL: server.baseURL,
        env: {},
        datasetRangeTtlMs: 60_000,
        retryMinTimeoutMs: 1,
        retryMaxTimeoutMs: 5,
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      }),
      { cacheDir, now: () => new Date('2025-01-15T00:00:00Z') },
    );
    expect((await cached.doFetchBars(request('2025-01-01', '2025-01-03'))).length).toBe(60);
    // The 503, then its retry; later calls reuse the range.
    expect(server.requestCount('metadata.get_dataset_range')).toBe(2);
    expect(await manifestOf('2025-01-01')).toMatchObject({ complete: true });
    await cached.doFetchBars(request('2025-01-01', '2025-01-03'));
    expect(downloads()).toHaveLength(1);
  });

  it('should never download a complete day twice after a one-off 403 from get_dataset_range', async () => {
    server.addFaults('metadata.get_dataset_range', { kind: 'status', status: 403, detail: 'no license' });
    let clock = new Date('2025-01-15T00:00:00Z');
    const cached = withFeatherCache(databento(), { cacheDir, partialDayTtlMs: 60_000, now: () => clock });
    const error = await cached.doFetchBars(request('2025-01-01', '2025-01-03')).catch((caught) => caught);
    expect((error as DataSourceApiError).statusCode).toBe(403);
    expect(downloads()).toHaveLength(0);
    expect((await cached.doFetchBars(request('2025-01-01', '2025-01-03'))).length).toBe(60);
    expect(await manifestOf('2025-01-01')).toMatchObject({ complete: true });
    clock = new Date('2026-01-01T00:00:00Z');
    await cached.doFetchBars(request('2025-01-01', '2025-01-03'));
    expect(downloads()).toHaveLength(1);
  });
});

async function manifestOf(day: string): Promise<unknown> {
  return JSON.parse(
    await readFile(
      partitionPaths(cacheDir, {
        sourceId: 'databento',
        dataset: 'XNAS.ITCH',
        schema: 'ohlcv-1m',
        symbol: 'AAPL',
        day,
      }).manifestPath,
      'utf8',
    ),
  );
}
