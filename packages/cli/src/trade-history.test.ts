import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MockDatabentoServer, startMockDatabento } from '@lb/databento/testing';
import { type MockDatabentoLive, startMockDatabentoLive } from '@lb/databento-live/testing';
import { type DatabentoRecord, DatabentoRType, encodeOhlcvColumns } from '@lb/dbn';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCaptured as run } from './__fixtures__/run-captured.js';

const API_KEY = 'db-LIVECLIKEYabcdefghijklmnop1234';
const MINUTE_MS = 60_000;
const PROBE = fileURLToPath(new URL('./__fixtures__/trade-history-probe.ts', import.meta.url));

let mock: MockDatabentoLive | undefined;
let historical: MockDatabentoServer | undefined;
const folders: string[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await mock?.close();
  mock = undefined;
  await historical?.close();
  historical = undefined;
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'lb-trade-history-'));
  folders.push(folder);
  return folder;
}

function dayNumber(ms: number): number {
  return Number(new Date(ms).toISOString().slice(0, 10).replaceAll('-', ''));
}

/** An ohlcv-1m ESH6 file: one bar per minute from `startMs`, closes 5000, 5001, ... (live closes are 6001+). */
function writeHistoryFile(directory: string, startMs: number, count: number): void {
  const tsEventNanos = BigInt64Array.from(
    { length: count },
    (_, index) => BigInt(startMs + index * MINUTE_MS) * 1_000_000n,
  );
  const close = Float64Array.from({ length: count }, (_, index) => 5000 + index);
  const bytes = encodeOhlcvColumns(
    {
      tsEventNanos,
      instrumentId: new Uint32Array(count).fill(100),
      open: close.map((value) => value - 1),
      high: close.map((value) => value + 1),
      low: close.map((value) => value - 2),
      close,
      volume: new Float64Array(count).fill(10),
    },
    {
      metadata: {
        dataset: 'GLBX.MDP3',
        schema: 'ohlcv-1m',
        startNanos: tsEventNanos[0]!,
        endNanos: BigInt(startMs + count * MINUTE_MS) * 1_000_000n,
        symbols: ['ESH6'],
        mappings: [
          {
            rawSymbol: 'ESH6',
            intervals: [
              {
                startDate: dayNumber(startMs),
                endDate: dayNumber(startMs + count * MINUTE_MS + 86_400_000),
                symbol: '100',
              },
            ],
          },
        ],
      },
    },
  );
  mkdirSync(path.join(directory, 'ohlcv-1m'), { recursive: true });
  writeFileSync(path.join(directory, 'ohlcv-1m', 'ESH6.dbn'), bytes);
}

/** Four live minute bars from `liveStartMs`, closes 6001 to 6004. */
function liveRecords(liveStartMs: number): DatabentoRecord[] {
  return Array.from({ length: 4 }, (_, index) => ({
    rtype: DatabentoRType.Ohlcv1m,
    publisherId: 1,
    instrumentId: 100,
    tsEvent: BigInt(liveStartMs + index * MINUTE_MS) * 1_000_000n,
    open: BigInt(6000 + index) * 1_000_000_000n,
    high: BigInt(6002 + index) * 1_000_000_000n,
    low: BigInt(5999 + index) * 1_000_000_000n,
    close: BigInt(6001 + index) * 1_000_000_000n,
    volume: BigInt(100 + index),
  }));
}

/**
 * The probe's first iteration saw the ten history bars (closes 5000 to 5009) and then the live bars closed
 * so far (three, or four if the minute turned during the run): one bar per minute, none missing or
 * repeated at the seam.
 */
function expectHistoryThenLive(stdout: string, historyStartMs: number, liveStartMs: number): void {
  const line = /first iteration sees (.*)$/m.exec(stdout);
  expect(line).not.toBeNull();
  const seen = line![1]!.split(',').map((entry) => entry.split('@').map(Number));
  expect(seen.slice(0, 10)).toEqual(
    Array.from({ length: 10 }, (_, index) => [historyStartMs + index * MINUTE_MS, 5000 + index]),
  );
  const livePart = seen.slice(10);
  expect([3, 4]).toContain(livePart.length);
  expect(livePart).toEqual(
    Array.from({ length: livePart.length }, (_, index) => [liveStartMs + index * MINUTE_MS, 6001 + index]),
  );
}

describe('lb trade history', () => {
  it('should refuse a --history-days that is not a positive number of days', async () => {
    const result = await run('trade', PROBE, '--paper', '--symbols', 'ESH6', '--history-days', '0');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--history-days must be a number of days above 0, got "0"');
  });

  it('should refuse an unknown --data-source before loading the strategy', async () => {
    const result = await run('trade', PROBE, '--paper', '--symbols', 'ESH6', '--data-source', 'nope');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown data source "nope"');
  });

  it('should show the strategy DBN history then the live bars, without gap or duplicate at the seam', async () => {
    // Live: four bars from three minutes ago; history: ten minutes before them plus three overlapping them,
    // with different closes, so the test sees which side of the seam each bar came from.
    const liveStartMs = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 3 * MINUTE_MS;
    const records = liveRecords(liveStartMs);
    mock = await startMockDatabentoLive({
      apiKey: API_KEY,
      instruments: [{ instrumentId: 100, rawSymbol: 'ESH6', parent: 'ES.FUT', continuous: ['ES.c.0'] }],
      records,
    });
    vi.stubEnv('DATABENTO_API_KEY', API_KEY);
    vi.stubEnv('DATABENTO_LIVE_GATEWAY', mock.gateway);
    const folder = tempFolder();
    const data = path.join(folder, 'data');
    const historyStartMs = liveStartMs - 10 * MINUTE_MS;
    writeHistoryFile(data, historyStartMs, 10);
    const result = await run(
      'trade',
      PROBE,
      '--paper',
      '--symbols',
      'ESH6',
      '--data-dir',
      data,
      '--state-file',
      path.join(folder, 'account.json'),
      '--duration',
      '6s',
      '--bar-wait',
      '1s',
      '--out',
      path.join(folder, 'results'),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`History: DBN files from ${data}\n`);
    expectHistoryThenLive(result.stdout, historyStartMs, liveStartMs);
  }, 30_000);

  it('should price Databento history first and download nothing above the threshold without --yes', async () => {
    const liveStartMs = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 3 * MINUTE_MS;
    historical = await startMockDatabento({
      apiKey: API_KEY,
      data: {
        series: [
          {
            dataset: 'GLBX.MDP3',
            schema: 'ohlcv-1m',
            symbol: 'ESH6',
            instrumentId: 100,
            bars: Array.from({ length: 10 }, (_, index) => ({
              time: new Date(liveStartMs - (10 - index) * MINUTE_MS),
              open: 5000,
              high: 5001,
              low: 4999,
              close: 5000 + index,
              volume: 10,
            })),
          },
        ],
        pricePerGbUsd: 1_000_000,
      },
    });
    mock = await startMockDatabentoLive({
      apiKey: API_KEY,
      instruments: [{ instrumentId: 100, rawSymbol: 'ESH6', parent: 'ES.FUT', continuous: ['ES.c.0'] }],
      records: [],
    });
    const folder = tempFolder();
    vi.stubEnv('DATABENTO_API_KEY', API_KEY);
    vi.stubEnv('DATABENTO_BASE_URL', historical.baseURL);
    vi.stubEnv('DATABENTO_LIVE_GATEWAY', mock.gateway);
    vi.stubEnv('LB_CACHE_DIR', path.join(folder, 'cache'));
    vi.stubEnv('LB_CONFIRM_ABOVE_USD', '0.01');
    const result = await run(
      'trade',
      PROBE,
      '--paper',
      '--symbols',
      'ESH6',
      '--data-source',
      'databento',
      '--history-days',
      '1',
      '--state-file',
      path.join(folder, 'account.json'),
      '--out',
      path.join(folder, 'results'),
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^History: Databento historical API through the Feather cache at /m);
    expect(result.stdout).toMatch(/^Estimated Databento cost: \$\d+\.\d{4} at most/m);
    expect(result.stderr).toMatch(
      /error: The estimated cost \$\d+\.\d\d exceeds \$0\.01: rerun with --yes to download\.\n$/,
    );
    // Refused before any download and before the live session: nothing billed, no gateway connection.
    expect(historical.requestCount('timeseries.get_range')).toBe(0);
    expect(mock.connectionCount).toBe(0);
  });

  it('should load Databento history through the cache with --yes and join it to the live bars at the seam', async () => {
    const liveStartMs = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 3 * MINUTE_MS;
    historical = await startMockDatabento({
      apiKey: API_KEY,
      data: {
        series: [
          {
            dataset: 'GLBX.MDP3',
            schema: 'ohlcv-1m',
            symbol: 'ESH6',
            instrumentId: 100,
            bars: Array.from({ length: 10 }, (_, index) => ({
              time: new Date(liveStartMs - (10 - index) * MINUTE_MS),
              open: 5000,
              high: 5001,
              low: 4999,
              close: 5000 + index,
              volume: 10,
            })),
          },
        ],
        // The historical origin lags the live one by three minutes: live replays them.
        datasetRanges: {
          'GLBX.MDP3': { start: new Date(liveStartMs - 2 * 86_400_000), end: new Date(liveStartMs) },
        },
        pricePerGbUsd: 1_000_000,
      },
    });
    mock = await startMockDatabentoLive({
      apiKey: API_KEY,
      instruments: [{ instrumentId: 100, rawSymbol: 'ESH6', parent: 'ES.FUT', continuous: ['ES.c.0'] }],
      records: liveRecords(liveStartMs),
    });
    const folder = tempFolder();
    vi.stubEnv('DATABENTO_API_KEY', API_KEY);
    vi.stubEnv('DATABENTO_BASE_URL', historical.baseURL);
    vi.stubEnv('DATABENTO_LIVE_GATEWAY', mock.gateway);
    vi.stubEnv('LB_CACHE_DIR', path.join(folder, 'cache'));
    vi.stubEnv('LB_CONFIRM_ABOVE_USD', '0.01');
    const result = await run(
      'trade',
      PROBE,
      '--paper',
      '--symbols',
      'ESH6',
      '--data-source',
      'databento',
      '--history-days',
      '1',
      '--yes',
      '--state-file',
      path.join(folder, 'account.json'),
      '--duration',
      '6s',
      '--bar-wait',
      '1s',
      '--out',
      path.join(folder, 'results'),
    );
    // The quote says the origin lags (the live replay covers the lag); nothing else goes to stderr.
    const lagEnd = new Date(liveStartMs).toISOString();
    const rangeStart = new Date(liveStartMs - 2 * 86_400_000).toISOString();
    expect(result.stderr).toMatch(
      new RegExp(
        `^warning: GLBX\\.MDP3 ohlcv-1m has data from ${rangeStart} to ${lagEnd}; nothing after ${lagEnd} \\(requested until [^)]+\\)\n$`,
      ),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Estimated Databento cost: \$\d+\.\d{4} at most/m);
    expectHistoryThenLive(result.stdout, liveStartMs - 10 * MINUTE_MS, liveStartMs);
    // Downloaded once, through the cache; the live subscription replayed from where history ends.
    expect(historical.requestCount('timeseries.get_range')).toBe(1);
    expect(mock.receivedLines.find((line) => line.startsWith('schema='))).toContain(
      `start=${BigInt(liveStartMs) * 1_000_000n}`,
    );
  }, 30_000);
});
