import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { backtest, type SessionCalendar, Strategy } from '@lb/backtest';
import { withFeatherCache } from '@lb/cache-feather';
import { continuousFuture } from '@lb/core';
import { CostLimitExceededError, createDatabentoData } from '@lb/databento';
import { type MockDatabentoBar, type MockDatabentoServer, startMockDatabento } from '@lb/databento/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const API_KEY = 'db-COSTLIMITKEY0123456789abcdefgh';

/** 30 minute bars from 14:30 UTC on each of `days` of March 2025. */
function marchBars(days: readonly number[], base: number): MockDatabentoBar[] {
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

/** One session a weekday, 14:30 to 15:00 UTC. */
const calendar: SessionCalendar = {
  sessions(start, end) {
    const sessions = [];
    const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
    for (; day.getTime() < end.getTime(); day.setUTCDate(day.getUTCDate() + 1)) {
      if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
      const date = day.toISOString().slice(0, 10);
      const open = new Date(`${date}T14:30:00Z`);
      const close = new Date(`${date}T15:00:00Z`);
      if (close > start && open < end) sessions.push({ open, close });
    }
    return sessions;
  },
};

/** Reads ten minutes of continuous ES each iteration. */
class ReadsEs extends Strategy {
  override sleeptime = '10M' as const;
  closes: number[] = [];

  override async onTradingIteration(): Promise<void> {
    const bars = await this.getHistoricalPrices(continuousFuture('ES'), 10, '1m');
    this.closes.push(bars.close.at(-1) ?? Number.NaN);
  }
}

describe('DATABENTO_MAX_COST_USD in a backtest of a continuous future', () => {
  let server: MockDatabentoServer;
  let cacheDir: string;
  beforeAll(async () => {
    server = await startMockDatabento({
      apiKey: API_KEY,
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
  beforeEach(async () => {
    server.resetRequests();
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'lb-cost-limit-'));
  });
  afterEach(() => rm(cacheDir, { recursive: true, force: true }));

  const barDownloads = () =>
    server.requests
      .filter((entry) => entry.endpoint === 'timeseries.get_range')
      .map((entry) => entry.params.symbols);
  const run = (maxCostUsd: number, strategy = new ReadsEs()) =>
    backtest({
      strategy,
      dataSource: withFeatherCache(
        createDatabentoData({
          apiKey: API_KEY,
          baseURL: server.baseURL,
          env: {},
          maxCostUsd,
          logger: { debug() {}, info() {}, warn() {}, error() {} },
        }),
        { cacheDir, logger: { debug() {}, warn() {} } },
      ),
      start: '2025-03-12T14:30:00Z',
      end: '2025-03-12T15:00:00Z',
      calendar,
    });

  it('should refuse the whole warm-up and run, priced together, before downloading anything', async () => {
    // 56 bytes per bar at 10 USD per GB: ESH5's 150 bars cost 8.4e-5 USD, ESM5's 60 bars 3.36e-5. Each
    // contract is under 1e-4; the load (1.176e-4) is not.
    const error = await run(1e-4).catch((caught: unknown) => caught);
    expect(CostLimitExceededError.isInstance(error)).toBe(true);
    expect((error as CostLimitExceededError).estimatedCostUsd).toBeCloseTo(1.176e-4, 12);
    expect(barDownloads()).toEqual([]);
  });

  it('should download each contract once within the limit, and nothing on a second run', async () => {
    const strategy = new ReadsEs();
    await run(2e-4, strategy);
    expect(barDownloads()).toEqual(['ESH5', 'ESM5']);
    // At 14:30 the last closed bar is ESM5's 14:59 bar of the day before; then 14:39 and 14:49.
    expect(strategy.closes).toEqual([6129.5, 6109.5, 6119.5]);
    await run(2e-4);
    expect(barDownloads()).toEqual(['ESH5', 'ESM5']);
  });
});
