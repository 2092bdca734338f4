import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bars, type BarsRequest, continuousFuture, type DataSourceCallOptions } from '@lb/core';
import { MockDataSource } from '@lb/core/testing';
import { describeDataSourceContract } from '@lb/core/testing/contract';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AAPL,
  CountingSource,
  day,
  expectSameBars,
  HOURLY,
  hourlyBars,
  recordingLogger,
} from './__fixtures__/bars.js';
import { partitionPaths } from './partition-layout.js';
import { readUsage, summarizeUsage } from './usage-ledger.js';
import { withFeatherCache } from './with-feather-cache.js';

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'lb-cache-'));
});
afterEach(async () => {
  delete process.env.LB_FORCE_CACHE_UPDATE;
  await rm(cacheDir, { recursive: true, force: true });
});

const request = (start: string, end: string, extra: Partial<BarsRequest> = {}): BarsRequest => ({
  asset: AAPL,
  timestep: HOURLY,
  start: day(start),
  end: day(end),
  ...extra,
});

const SERIES = { sourceId: 'counting', dataset: 'default', schema: '1h', symbol: 'stock:AAPL' };

describe('withFeatherCache', () => {
  it('should serve the same request twice with zero fetches the second time and identical bars', async () => {
    const all = hourlyBars('2024-01-01', 40);
    const source = new CountingSource(all);
    const cached = withFeatherCache(source, { cacheDir });
    const first = await cached.doFetchBars(request('2024-01-01', '2024-01-11'));
    const second = await cached.doFetchBars(request('2024-01-01', '2024-01-11'));
    expect(source.fetches).toHaveLength(1);
    expect(first.length).toBe(240);
    expectSameBars(first, all.between(day('2024-01-01'), day('2024-01-11')));
    expectSameBars(second, first);
    expect(second.metadata).toEqual(first.metadata);
  });

  it('should fetch only the missing days of an overlapping window, in one request', async () => {
    const all = hourlyBars('2024-01-01', 40);
    const source = new CountingSource(all);
    const cached = withFeatherCache(source, { cacheDir });
    await cached.doFetchBars(request('2024-01-01', '2024-01-11'));
    const second = await cached.doFetchBars(request('2024-01-05', '2024-01-21'));
    expect(source.fetches).toHaveLength(2);
    expect(source.fetches[1]!.start).toEqual(day('2024-01-11'));
    expect(source.fetches[1]!.end).toEqual(day('2024-01-21'));
    expectSameBars(second, all.between(day('2024-01-05'), day('2024-01-21')));
  });

  it('should return bars that later reads do not overwrite, also for a one-day window', async () => {
    const all = hourlyBars('2024-01-01', 5);
    const source = new CountingSource(all);
    const cached = withFeatherCache(source, { cacheDir });
    await cached.doFetchBars(request('2024-01-01', '2024-01-03'));
    // Warm reads: the first is one day (one window), the second reuses the cache's read buffer.
    const first = await cached.doFetchBars(request('2024-01-01', '2024-01-02'));
    const second = await cached.doFetchBars(request('2024-01-02', '2024-01-03'));
    expect(source.fetches).toHaveLength(1);
    expectSameBars(first, all.between(day('2024-01-01'), day('2024-01-02')));
    expectSameBars(second, all.between(day('2024-01-02'), day('2024-01-03')));
  });

  it('should serve a window inside cached days without fetching, cut to [start, end)', async () => {
    const all = hourlyBars('2024-01-01', 10);
    const source = new CountingSource(all);
    const cached = withFeatherCache(source, { cacheDir });
    await cached.doFetchBars(request('2024-01-01', '2024-01-05'));
    const start = new Date('2024-01-02T05:00:00Z');
    const end = new Date('2024-01-03T07:30:00Z');
    const inner = await cached.doFetchBars({ asset: AAPL, timestep: HOURLY, start, end });
    expect(source.fetches).toHaveLength(1);
    expectSameBars(inner, all.between(start, end));
  });

  it('should store days without rows so they are not fetched again', async () => {
    const all = hourlyBars('2024-01-01', 14, { weekends: false });
    const source = new CountingSource(all);
    const cached = withFeatherCache(source, { cacheDir });
    const first = await cached.doFetchBars(request('2024-01-05', '2024-01-09'));
    await cached.doFetchBars(request('2024-01-06', '2024-01-08'));
    expect(source.fetches).toHaveLength(1);
    expect(first.length).toBe(48);
    const manifest = JSON.parse(
      await readFile(partitionPaths(cacheDir, { ...SERIES, day: '2024-01-06' }).manifestPath, 'utf8'),
    );
    expect(manifest.rowCount).toBe(0);
    expect(manifest.complete).toBe(true);
  });

  it('should refetch what a request covers when forceCacheUpdate is set, on the request or in the environment', async () => {
    const source = new CountingSource(hourlyBars('2024-01-01', 10));
    const cached = withFeatherCache(source, { cacheDir });
    await cached.doFetchBars(request('2024-01-01', '2024-01-03'));
    await cached.doFetchBars(request('2024-01-01', '2024-01-03', { forceCacheUpdate: true }));
    expect(source.fetches).toHaveLength(2);
    process.env.LB_FORCE_CACHE_UPDATE = '1';
    await cached.doFetchBars(request('2024-01-01', '2024-01-03'));
    expect(source.fetches).toHaveLength(3);
    delete process.env.LB_FORCE_CACHE_UPDATE;
    await cached.doFetchBars(request('2024-01-01', '2024-01-03'));
    expect(source.fetches).toHaveLength(3);
  });

  it('should refetch a partial day once the available end moves past it, and never a complete day', async () => {
    const all = hourlyBars('2024-01-01', 20);
    const source = new CountingSource(all, { availableEnd: new Date('2024-01-10T12:00:00Z') });
    const cached = withFeatherCache(source, { cacheDir, partialDayTtlMs: 3_600_000_000 });
    const first = await cached.doFetchBars(request('2024-01-08', '2024-01-11'));
    expect(first.length).toBe(24 * 2 + 12);
    expect(source.fetches[0]!.end).toEqual(new Date('2024-01-10T12:00:00Z'));
    await cached.doFetchBars(request('2024-01-08', '2024-01-11'));
    expect(source.fetches).toHaveLength(1);

    source.availableEnd = new Date('2024-01-12T00:00:00Z');
    const grown = await cached.doFetchBars(request('2024-01-08', '2024-01-11'));
    expect(source.fetches).toHaveLength(2);
    expect(source.fetches[1]!.start).toEqual(day('2024-01-10'));
    expect(source.fetches[1]!.end).toEqual(day('2024-01-11'));
    expectSameBars(grown, all.between(day('2024-01-08'), day('2024-01-11')));

    source.availableEnd = new Date('2024-03-01T00:00:00Z');
    await cached.doFetchBars(request('2024-01-08', '2024-01-11'));
    expect(source.fetches).toHaveLength(2);
  });

  it('should refetch a partial day after the TTL when the source cannot report its available range', async () => {
    const all = hourlyBars('2024-01-01', 20);
    const source = new CountingSource(all);
    let clock = new Date('2024-01-10T12:00:00Z');
    source.availableEnd = clock;
    const cached = withFeatherCache(source, { cacheDir, partialDayTtlMs: 60_000, now: () => clock });
    await cached.doFetchBars(request('2024-01-09', '2024-01-11'));
    clock = new Date('2024-01-10T12:00:30Z');
    await cached.doFetchBars(request('2024-01-09', '2024-01-11'));
    expect(source.fetches).toHaveLength(1);
    clock = new Date('2024-01-10T13:30:00Z');
    source.availableEnd = clock;
    const later = await cached.doFetchBars(request('2024-01-09', '2024-01-11'));
    expect(source.fetches).toHaveLength(2);
    expect(source.fetches[1]!.start).toEqual(day('2024-01-10'));
    expect(later.length).toBe(24 + 14);
  });

  it.each([
    ['truncated', (path: string) => truncate(path, 100)],
    ['garbage', async (path: string) => writeFile(path, Buffer.alloc((await readFile(path)).length, 7))],
    [
      'same-size different content',
      async (path: string) => {
        const bytes = await readFile(path);
        bytes[bytes.length / 2] = bytes[bytes.length / 2]! ^ 0xff;
        await writeFile(path, bytes);
      },
    ],
  ])('should detect a %s data file, move it aside, warn, and refetch it', async (_name, damage) => {
    const all = hourlyBars('2024-01-01', 10);
    const source = new CountingSource(all);
    const logger = recordingLogger();
    const cached = withFeatherCache(source, { cacheDir, logger });
    await cached.doFetchBars(request('2024-01-01', '2024-01-04'));
    const paths = partitionPaths(cacheDir, { ...SERIES, day: '2024-01-02' });
    await damage(paths.dataPath);
    const bars = await cached.doFetchBars(request('2024-01-01', '2024-01-04'));
    expectSameBars(bars, all.between(day('2024-01-01'), day('2024-01-04')));
    expect(source.fetches).toHaveLength(2);
    expect(source.fetches[1]!.start).toEqual(day('2024-01-02'));
    expect(source.fetches[1]!.end).toEqual(day('2024-01-03'));
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain('moved aside');
    const names = await readdir(paths.seriesDirectory);
    expect(names.filter((name) => name.startsWith('2024-01-02.feather.corrupt-'))).toHaveLength(1);
    await cached.doFetchBars(request('2024-01-01', '2024-01-04'));
    expect(source.fetches).toHaveLength(2);
  });

  it.each([
    ['its own checksum', (manifest: Record<string, unknown>) => manifest, 'manifest checksum does not match'],
    [
      "the file's row count (a manifest without checksum)",
      ({ manifestSha256: _checksum, ...manifest }: Record<string, unknown>) => manifest,
      'file holds 24 rows, manifest says 23',
    ],
  ])(
    'should catch a manifest rowCount off by one through %s, warn, and refetch',
    async (_name, edit, reason) => {
      const all = hourlyBars('2024-01-01', 10);
      const source = new CountingSource(all);
      const logger = recordingLogger();
      const cached = withFeatherCache(source, { cacheDir, logger });
      await cached.doFetchBars(request('2024-01-01', '2024-01-04'));
      const { manifestPath } = partitionPaths(cacheDir, { ...SERIES, day: '2024-01-02' });
      const manifest = edit(JSON.parse(await readFile(manifestPath, 'utf8')));
      await writeFile(
        manifestPath,
        JSON.stringify(manifest, null, 2).replace('"rowCount": 24', '"rowCount": 23'),
      );
      const bars = await cached.doFetchBars(request('2024-01-01', '2024-01-04'));
      expect(bars.length).toBe(72);
      expectSameBars(bars, all.between(day('2024-01-01'), day('2024-01-04')));
      expect(source.fetches).toHaveLength(2);
      expect(logger.warnings).toEqual([expect.stringContaining(reason)]);
      expect(logger.warnings[0]).toContain('moved aside');
    },
  );

  it('should catch a column offset pointing at another column (a manifest without checksum)', async () => {
    const all = hourlyBars('2024-01-01', 10);
    const source = new CountingSource(all);
    const logger = recordingLogger();
    const cached = withFeatherCache(source, { cacheDir, logger });
    await cached.doFetchBars(request('2024-01-01', '2024-01-04'));
    const { manifestPath } = partitionPaths(cacheDir, { ...SERIES, day: '2024-01-02' });
    const { manifestSha256: _checksum, ...manifest } = JSON.parse(await readFile(manifestPath, 'utf8'));
    manifest.layout.tsEvent = manifest.layout.volume;
    await writeFile(manifestPath, JSON.stringify(manifest));
    const bars = await cached.doFetchBars(request('2024-01-01', '2024-01-04'));
    expectSameBars(bars, all.between(day('2024-01-01'), day('2024-01-04')));
    expect(source.fetches).toHaveLength(2);
    expect(logger.warnings).toEqual([expect.stringContaining('lie outside the covered range')]);
  });

  it('should treat an unreadable manifest as corrupt', async () => {
    const source = new CountingSource(hourlyBars('2024-01-01', 10));
    const logger = recordingLogger();
    const cached = withFeatherCache(source, { cacheDir, logger });
    await cached.doFetchBars(request('2024-01-01', '2024-01-03'));
    await writeFile(
      partitionPaths(cacheDir, { ...SERIES, day: '2024-01-01' }).manifestPath,
      '{"formatVersion":',
    );
    await cached.doFetchBars(request('2024-01-01', '2024-01-03'));
    expect(source.fetches).toHaveLength(2);
    expect(logger.warnings[0]).toContain('manifest is not valid JSON');
  });

  it('should record downloads and cache hits in usage.jsonl and summarize them', async () => {
    const source = new CountingSource(hourlyBars('2024-01-01', 10));
    const cached = withFeatherCache(source, { cacheDir, now: () => new Date('2024-02-01T10:00:00Z') });
    await cached.doFetchBars(request('2024-01-01', '2024-01-03'));
    await cached.doFetchBars(request('2024-01-01', '2024-01-03'));
    const entries = await readUsage(cacheDir);
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({ status: 'pending', bytes: 0, intentId: entries[1]!.intentId });
    entries.shift();
    expect(entries[0]).toMatchObject({
      servedFromCache: false,
      bytes: 48 * 56,
      records: 48,
      dataset: 'XNAS.ITCH',
    });
    expect(entries[1]).toMatchObject({
      servedFromCache: true,
      bytes: 48 * 56,
      records: 48,
      symbols: ['stock:AAPL'],
    });
    const summary = await summarizeUsage(cacheDir, { since: new Date('2024-02-01T00:00:00Z') });
    expect(summary.totals.downloadedBytes).toBe(48 * 56);
    expect(summary.totals.savedBytes).toBe(48 * 56);
    expect(summary.totals.spentUsd).toBeCloseTo(0.048);
    expect(summary.totals.savedUsd).toBeCloseTo(0.048);
    expect((await summarizeUsage(cacheDir, { since: new Date('2024-02-02T00:00:00Z') })).rows).toEqual([]);
  });

  it('should record a download with bytes 0 when the source emits no report', async () => {
    const source = new CountingSource(hourlyBars('2024-01-01', 10), { report: false });
    const cached = withFeatherCache(source, { cacheDir });
    await cached.doFetchBars(request('2024-01-01', '2024-01-02'));
    const [pending, entry] = await readUsage(cacheDir);
    expect(pending).toMatchObject({ status: 'pending', intentId: entry!.intentId });
    expect(entry).toMatchObject({ servedFromCache: false, bytes: 0, records: 24, symbols: ['stock:AAPL'] });
    expect(entry!.status).toBeUndefined();
  });

  it('should cache instrument definitions', async () => {
    const source = new CountingSource(hourlyBars('2024-01-01', 1));
    const cached = withFeatherCache(source, { cacheDir });
    const at = new Date('2024-01-02T00:00:00Z');
    const first = await cached.doFetchInstrument!({ asset: AAPL, at });
    const second = await withFeatherCache(source, { cacheDir }).doFetchInstrument!({ asset: AAPL, at });
    expect(second).toEqual(first);
    expect(source.inner.calls.instruments).toHaveLength(1);
  });

  it('should keep bars of different timesteps apart', async () => {
    const minute = Bars.fromRows(
      [{ tsEventNanos: 1_704_067_200_000_000_000n, open: 1, high: 1, low: 1, close: 1, volume: 1 }],
      { symbol: 'AAPL', timestep: HOURLY },
    );
    const source = new MockDataSource({ bars: [[AAPL, minute]] });
    const cached = withFeatherCache(source, { cacheDir });
    const hourly = await cached.doFetchBars(request('2024-01-01', '2024-01-02'));
    const daily = await cached.doFetchBars(
      request('2024-01-01', '2024-01-02', {
        timestep: {
          ...HOURLY,
          ...{
            unit: 'day',
            multiple: 1,
            durationMs: 86_400_000,
            durationNanos: 86_400_000_000_000n,
            label: '1d',
          },
        },
      }),
    );
    expect(hourly.metadata.timestep.label).toBe('1h');
    expect(daily.metadata.timestep.label).toBe('1d');
    expect(source.calls.bars).toHaveLength(2);
  });
});

describe('withFeatherCache with stitched series', () => {
  it('should keep contract segments of a continuous future across day partitions', async () => {
    const es = continuousFuture('ES');
    const part = (symbol: string, startDay: string) => {
      const bars = hourlyBars(startDay, 2);
      return Bars.fromColumns(bars, { symbol, timestep: HOURLY });
    };
    const stitched = Bars.concat([part('ESH4', '2024-03-10'), part('ESM4', '2024-03-12')], { symbol: 'ES' });
    const source = new MockDataSource({
      bars: [[es, stitched]],
      capabilities: { assetTypes: ['continuous_future'], continuousFutures: true },
    });
    const cached = withFeatherCache(source, { cacheDir });
    const window = { asset: es, timestep: HOURLY, start: day('2024-03-10'), end: day('2024-03-14') };
    const first = await cached.doFetchBars(window);
    const second = await cached.doFetchBars(window);
    expect(source.calls.bars).toHaveLength(1);
    expectSameBars(second, stitched);
    expect(second.metadata).toEqual(stitched.metadata);
    expect(first.metadata.segments).toEqual([
      { symbol: 'ESH4', startIndex: 0 },
      { symbol: 'ESM4', startIndex: 48 },
    ]);
    const inner = await cached.doFetchBars({ ...window, start: new Date('2024-03-11T12:00:00Z') });
    expect(inner.metadata.segments).toEqual([
      { symbol: 'ESH4', startIndex: 0 },
      { symbol: 'ESM4', startIndex: 12 },
    ]);
  });

  it('should record definition downloads in the ledger', async () => {
    const source = new MockDataSource({
      instruments: [[AAPL, { symbol: 'AAPL', multiplier: 1, tickSize: 0.01, currency: 'USD' }]],
    });
    const reporting = {
      ...source,
      specificationVersion: 'v1' as const,
      sourceId: 'reporting',
      capabilities: source.capabilities,
      doFetchBars: source.doFetchBars.bind(source),
      doFetchInstrument: async (
        request: Parameters<MockDataSource['doFetchInstrument']>[0],
        options?: DataSourceCallOptions,
      ) => {
        options?.onDownload?.({
          sourceId: 'reporting',
          dataset: 'XNAS.ITCH',
          schema: 'definition',
          symbols: ['AAPL'],
          start: request.at,
          end: request.at,
          bytes: 520,
          records: 1,
          costUsd: 0.01,
        });
        return source.doFetchInstrument(request, options);
      },
    };
    const cached = withFeatherCache(reporting, { cacheDir });
    await cached.doFetchInstrument!({ asset: AAPL, at: day('2024-01-02') });
    expect(await readUsage(cacheDir)).toHaveLength(1);
    expect((await readUsage(cacheDir))[0]).toMatchObject({ schema: 'definition', bytes: 520, costUsd: 0.01 });
  });
});

describe('withFeatherCache asset listing', () => {
  it("should answer a listing with the wrapped source's, writing nothing to the cache", async () => {
    const inner = new MockDataSource({ bars: [[AAPL, hourlyBars('2024-01-01', 5)]] });
    const cached = withFeatherCache(inner, { cacheDir });
    expect(cached.capabilities.assetListing).toBe(true);
    expect(await cached.doListAssets!({ near: 'AAPL', limit: 5 })).toEqual({
      assets: [{ symbol: 'AAPL', datasets: [] }],
      truncated: false,
      totalAssets: 1,
    });
    expect(inner.calls.listings).toEqual([{ near: 'AAPL', limit: 5 }]);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('should not list when the wrapped source cannot', () => {
    const cached = withFeatherCache(new MockDataSource({ capabilities: { assetListing: false } }), {
      cacheDir,
    });
    expect(cached.capabilities.assetListing).toBe(false);
    expect(cached.doListAssets).toBeUndefined();
  });
});

describeDataSourceContract('withFeatherCache(MockDataSource)', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'lb-cache-contract-'));
  return {
    source: withFeatherCache(
      new MockDataSource({
        bars: [[AAPL, hourlyBars('2024-01-01', 5)]],
        instruments: [[AAPL, { symbol: 'AAPL', multiplier: 1, tickSize: 0.01, currency: 'USD' }]],
      }),
      { cacheDir: directory },
    ),
    bars: { asset: AAPL, timestep: HOURLY, start: day('2024-01-02'), end: day('2024-01-03') },
    emptyWindow: { start: day('2023-01-02'), end: day('2023-01-03') },
    instrument: { asset: AAPL, at: day('2024-01-02') },
    teardown: () => rm(directory, { recursive: true, force: true }),
  };
});
