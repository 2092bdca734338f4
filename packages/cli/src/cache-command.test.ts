import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendUsage, withFeatherCache } from '@lb/cache-feather';
import { Bars, parseTimestep, stock } from '@lb/core';
import { MockDataSource } from '@lb/core/testing';
import { createDatabentoData } from '@lb/databento';
import { startMockDatabento } from '@lb/databento/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCaptured } from './__fixtures__/run-captured.js';

const run = runCaptured;

const HOURLY = parseTimestep('1h');
const AAPL = stock('AAPL');
const MSFT = stock('MSFT');

function hourlyBars(symbol: string, days: number): Bars {
  const rows = Array.from({ length: days * 24 }, (_, hour) => ({
    tsEventNanos: BigInt(Date.UTC(2024, 0, 1) + hour * 3_600_000) * 1_000_000n,
    open: 100 + hour,
    high: 101 + hour,
    low: 99 + hour,
    close: 100 + hour,
    volume: 10,
  }));
  return Bars.fromRows(rows, { symbol, timestep: HOURLY });
}

let cacheDir: string;

beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'lb-cli-cache-'));
  const source = new MockDataSource({
    bars: [
      [AAPL, hourlyBars('AAPL', 5)],
      [MSFT, hourlyBars('MSFT', 5)],
    ],
  });
  const cached = withFeatherCache(source, { cacheDir, now: () => new Date('2024-02-01T12:00:00Z') });
  const window = {
    timestep: HOURLY,
    start: new Date('2024-01-01T00:00:00Z'),
    end: new Date('2024-01-04T00:00:00Z'),
  };
  await cached.doFetchBars({ asset: AAPL, ...window });
  await cached.doFetchBars({ asset: AAPL, ...window });
  await cached.doFetchBars({ asset: MSFT, ...window });
});

afterEach(async () => {
  delete process.env.LB_CACHE_DIR;
  await rm(cacheDir, { recursive: true, force: true });
});

describe('lb cache ls', () => {
  it('should list partitions with rows, bytes, age and state', async () => {
    const { code, stdout, stderr } = await run('cache', 'ls', '--cache-dir', cacheDir);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^source\s+dataset\s+schema\s+symbol\s+day\s+rows\s+bytes\s+age\s+state$/);
    expect(lines).toHaveLength(1 + 6 + 1);
    expect(lines[1]).toMatch(
      /^mock\s+default\s+1h\s+stock:AAPL\s+2024-01-01\s+24\s+[\d.]+ KiB\s+\d+[mhd]\s+complete$/,
    );
    expect(lines.at(-1)).toMatch(/^6 partitions, [\d.]+ KiB$/);
  });

  it('should read LB_CACHE_DIR when --cache-dir is absent', async () => {
    process.env.LB_CACHE_DIR = cacheDir;
    const { code, stdout } = await run('cache', 'ls');
    expect(code).toBe(0);
    expect(stdout).toContain('6 partitions');
  });
});

describe('lb cache verify', () => {
  it('should exit 0 when every file is valid', async () => {
    expect(await run('cache', 'verify', '--cache-dir', cacheDir)).toEqual({
      code: 0,
      stdout: '6 files checked, 0 bad\n',
      stderr: '',
    });
  });

  it('should exit 1 and name each bad file', async () => {
    const directory = join(cacheDir, 'mock', 'default', '1h', 'stock%3AMSFT');
    await writeFile(join(directory, '2024-01-02.feather'), 'garbage');
    const { code, stdout, stderr } = await run('cache', 'verify', '--cache-dir', cacheDir);
    expect(code).toBe(1);
    expect(stdout).toContain(
      `BAD  ${join(directory, '2024-01-02.feather')}: file has 7 bytes, manifest says`,
    );
    expect(stdout).toContain('6 files checked, 1 bad\n');
    expect(stderr).toContain('1 cache file(s) failed validation');
  });
});

describe('lb cache clear', () => {
  it('should remove one symbol before a day', async () => {
    const { code, stdout } = await run(
      'cache',
      'clear',
      '--symbol',
      'AAPL',
      '--before',
      '2024-01-03',
      '--cache-dir',
      cacheDir,
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Removed 2 partitions \([\d.]+ KiB\)\.\n$/);
    const remaining = await readdir(join(cacheDir, 'mock', 'default', '1h', 'stock%3AAAPL'));
    expect(remaining.filter((name) => name.endsWith('.feather'))).toEqual(['2024-01-03.feather']);
  });

  it('should remove everything without filters', async () => {
    const { stdout } = await run('cache', 'clear', '--cache-dir', cacheDir);
    expect(stdout).toMatch(/^Removed 6 partitions/);
    expect((await run('cache', 'ls', '--cache-dir', cacheDir)).stdout).toBe('Cache is empty.\n');
  });

  it('should exit 2 on a malformed --before', async () => {
    const { code, stderr } = await run('cache', 'clear', '--before', '2024-02-30', '--cache-dir', cacheDir);
    expect(code).toBe(2);
    expect(stderr).toContain('--before must be a day like 2024-01-31');
  });
});

describe('lb usage', () => {
  it('should show downloads and cache hits per day and symbol', async () => {
    const { code, stdout } = await run('usage', '--cache-dir', cacheDir, '--since', '2024-02-01');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^day\s+symbol\s+downloads\s+downloaded\s+spent\s+cache hits\s+saved\s+saved \$$/,
    );
    expect(lines[1]).toMatch(/^2024-02-01\s+stock:AAPL\s+1\s+0 B\s+\$0\.0000\s+1\s+0 B\s+\$0\.0000$/);
    expect(lines[2]).toMatch(/^2024-02-01\s+stock:MSFT\s+1\s+0 B\s+\$0\.0000\s+0\s+/);
    expect(lines[3]).toMatch(/^total\s+2\s+/);
  });

  it('should show downloads started but never confirmed, with their estimate', async () => {
    // What a process killed mid-download leaves: the pending line written before the download, no other.
    await appendUsage(cacheDir, {
      time: '2024-02-01T13:00:00.000Z',
      sourceId: 'databento',
      dataset: 'GLBX.MDP3',
      schema: 'ohlcv-1m',
      symbols: ['ESH4'],
      start: '2024-01-02T00:00:00.000Z',
      end: '2024-01-03T00:00:00.000Z',
      bytes: 0,
      records: 0,
      costUsd: 0.25,
      servedFromCache: false,
      intentId: 'killed-download',
      status: 'pending',
    });
    const { code, stdout } = await run('usage', '--cache-dir', cacheDir, '--since', '2024-02-01');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/saved \$\s+unconfirmed\s+unconfirmed \$$/);
    expect(lines[1]!.split(/\s{2,}/)).toEqual([
      '2024-02-01',
      'ESH4',
      '0',
      '0 B',
      '$0.0000',
      '0',
      '0 B',
      '$0.0000',
      '1',
      '$0.2500',
    ]);
    expect(lines[2]).toMatch(
      /^2024-02-01\s+stock:AAPL\s+1\s+0 B\s+\$0\.0000\s+1\s+0 B\s+\$0\.0000\s+0\s+\$0\.0000$/,
    );
    expect(lines[4]).toMatch(/^total\s+2\s+0 B\s+\$0\.0000\s+1\s+0 B\s+\$0\.0000\s+1\s+\$0\.2500$/);
    expect(lines[5]).toBe(
      '1 download(s) started but never confirmed (a process stopped mid-download, or one still running): about $0.2500 likely billed, not in "spent".',
    );
  });

  it('should print JSON and honour --since', async () => {
    const { stdout } = await run('usage', '--cache-dir', cacheDir, '--since', '2024-02-02', '--json');
    expect(JSON.parse(stdout).rows).toEqual([]);
    const all = JSON.parse((await run('usage', '--cache-dir', cacheDir, '--json')).stdout);
    expect(all.totals).toMatchObject({
      downloads: 2,
      cacheHits: 1,
      rowsFromCache: 72,
      downloadedRecords: 144,
    });
  });
});

describe('lb usage over the mock Databento API', () => {
  it('should show what a download cost and what the cache then saved, per day and symbol', async () => {
    const apiKey = 'db-CLIUSAGEKEY0123456789abcdefghij';
    const server = await startMockDatabento({
      apiKey,
      data: {
        series: [
          {
            dataset: 'XNAS.ITCH',
            schema: 'ohlcv-1m',
            symbol: 'AAPL',
            instrumentId: 7,
            bars: Array.from({ length: 30 }, (_, minute) => ({
              time: new Date(Date.UTC(2025, 0, 2, 14, 30 + minute)),
              open: 200,
              high: 201,
              low: 199,
              close: 200.5,
              volume: 100,
            })),
          },
        ],
        pricePerGbUsd: 1_000_000,
      },
    });
    const directory = join(cacheDir, 'databento-usage');
    try {
      const cached = withFeatherCache(
        createDatabentoData({
          apiKey,
          baseURL: server.baseURL,
          env: {},
          logger: { debug() {}, info() {}, warn() {}, error() {} },
        }),
        { cacheDir: directory, now: () => new Date('2025-02-03T09:00:00Z') },
      );
      const window = {
        asset: AAPL,
        timestep: parseTimestep('1m'),
        start: new Date('2025-01-02T00:00:00Z'),
        end: new Date('2025-01-03T00:00:00Z'),
      };
      await cached.doFetchBars(window);
      await cached.doFetchBars(window);
      expect(server.requestCount('timeseries.get_range')).toBe(1);

      const json = await run('usage', '--cache-dir', directory, '--json');
      expect(json.code).toBe(0);
      const [row, ...others] = JSON.parse(json.stdout).rows;
      expect(others).toEqual([]);
      expect(row).toMatchObject({
        day: '2025-02-03',
        symbol: 'AAPL',
        downloads: 1,
        downloadedRecords: 30,
        cacheHits: 1,
        rowsFromCache: 30,
      });
      expect(row.downloadedBytes).toBeGreaterThan(0);
      expect(row.savedBytes).toBe(row.downloadedBytes);
      expect(row.spentUsd).toBeGreaterThan(0);
      expect(row.savedUsd).toBeCloseTo(row.spentUsd, 10);

      const table = await run('usage', '--cache-dir', directory, '--since', '2025-02-03');
      const spent = `$${row.spentUsd.toFixed(4)}`;
      const bytes = `${row.downloadedBytes} B`;
      expect(
        table.stdout
          .trim()
          .split('\n')[1]!
          .split(/\s{2,}/),
      ).toEqual(['2025-02-03', 'AAPL', '1', bytes, spent, '1', bytes, spent]);
      expect((await run('usage', '--cache-dir', directory, '--since', '2025-02-04')).stdout).toBe(
        'No usage recorded.\n',
      );
    } finally {
      await server.close();
    }
  });

  it('should exit 2 on a malformed --since', async () => {
    const { code, stderr } = await run('usage', '--since', 'yesterday', '--cache-dir', cacheDir);
    expect(code).toBe(2);
    expect(stderr).toContain('--since must be a day like 2024-01-31');
  });
});
