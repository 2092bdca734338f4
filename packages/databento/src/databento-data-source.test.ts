import {
  continuousFuture,
  DataSourceError,
  type DownloadReport,
  fetchBars,
  future,
  InvalidArgumentError,
  stock,
  UnsupportedFunctionalityError,
} from '@lb/core';
import { describeDataSourceContract } from '@lb/core/testing/contract';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockData } from './__fixtures__/mock-data.js';
import { createDatabentoData, DataBentoData } from './databento-data-source.js';
import { CostLimitExceededError } from './errors.js';
import type { Logger } from './logger.js';
import { type MockDatabentoServer, startMockDatabento } from './testing/index.js';

const API_KEY = 'db-SOURCEKEY456789abcdefghijklmno';

function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string) => {
    lines.push(`${level} ${message}`);
  };
  return { lines, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

describeDataSourceContract('databento (mock server)', async () => {
  const server = await startMockDatabento({ data: mockData, apiKey: API_KEY });
  return {
    source: createDatabentoData({
      apiKey: API_KEY,
      baseURL: server.baseURL,
      logger: captureLogger(),
      env: {},
    }),
    bars: {
      asset: future('ESH5'),
      timestep: '1m',
      start: new Date('2025-03-03T14:30:00Z'),
      end: new Date('2025-03-03T15:00:00Z'),
    },
    emptyWindow: { start: new Date('2025-03-04T00:00:00Z'), end: new Date('2025-03-05T00:00:00Z') },
    instrument: { asset: future('ESH5'), at: new Date('2025-03-03T15:00:00Z') },
    teardown: () => server.close(),
  };
});

describe('DatabentoDataSource', () => {
  let server: MockDatabentoServer;
  beforeAll(async () => {
    server = await startMockDatabento({ data: mockData, apiKey: API_KEY });
  });
  afterAll(() => server.close());
  afterEach(() => server.resetRequests());

  const source = (extra: Parameters<typeof createDatabentoData>[0] = {}) =>
    createDatabentoData({
      apiKey: API_KEY,
      baseURL: server.baseURL,
      logger: captureLogger(),
      retryMinTimeoutMs: 5,
      env: {},
      ...extra,
    });

  it('should fetch an explicit-expiry future as its one-digit raw symbol ESH5 on GLBX.MDP3', async () => {
    const bars = await new DataBentoData({
      apiKey: API_KEY,
      baseURL: server.baseURL,
      timeoutMs: 5000,
      maxRetries: 2,
      env: {},
    }).getBars(future('ES', '2025-03-21'), '1m', '2025-03-03T14:30:00Z', '2025-03-03T14:40:00Z');
    expect(bars.length).toBe(10);
    expect(bars.metadata.symbol).toBe('ESH5');
    const request = server.requests.find((item) => item.endpoint === 'timeseries.get_range')!;
    expect(request.params).toMatchObject({
      dataset: 'GLBX.MDP3',
      symbols: 'ESH5',
      schema: 'ohlcv-1m',
      stype_in: 'raw_symbol',
    });
  });

  it('should stitch a continuous future across the roll from the right contracts', async () => {
    const bars = await source().getBars(
      continuousFuture('ES'),
      '1m',
      '2025-03-03T00:00:00Z',
      '2025-03-15T00:00:00Z',
    );
    const symbols = server.requests
      .filter((item) => item.endpoint === 'timeseries.get_range')
      .map((item) => item.params.symbols);
    expect(symbols).toEqual(['ESH5', 'ESM5']);
    // ESH5 until the 2025-03-11 roll (its 03-03 bars), then ESM5 (03-13 and 03-14), never ESH5 after the roll.
    expect(bars.length).toBe(30 + 60);
    expect(bars.metadata.segments?.map((segment) => [segment.symbol, segment.startIndex])).toEqual([
      ['ESH5', 0],
      ['ESM5', 30],
    ]);
    expect(bars.open[0]).toBe(6000);
    expect(bars.open[30]).toBe(6100);
  });

  it('should back-adjust a stitched continuous future by difference when asked', async () => {
    const unadjusted = await source().getBars(
      continuousFuture('ES'),
      '1m',
      '2025-03-03T00:00:00Z',
      '2025-03-15T00:00:00Z',
    );
    const adjusted = await source().getBars(
      continuousFuture('ES'),
      '1m',
      '2025-03-03T00:00:00Z',
      '2025-03-15T00:00:00Z',
      {
        backAdjust: 'difference',
      },
    );
    expect(adjusted.open[30]).toBe(unadjusted.open[30]);
    // ESM5 closed at 6097.5 before the roll, ESH5 at 6007.5: earlier bars shift up by 90.
    expect(adjusted.open[0]).toBe(unadjusted.open[0]! + 90);
  });

  it('should use Databento continuous symbology with rollMode databento', async () => {
    const bars = await source().getBars(
      continuousFuture('ES'),
      '1m',
      '2025-03-13T00:00:00Z',
      '2025-03-15T00:00:00Z',
      {
        rollMode: 'databento',
      },
    );
    const request = server.requests.find((item) => item.endpoint === 'timeseries.get_range')!;
    expect(request.params).toMatchObject({ symbols: 'ES.v.0', stype_in: 'continuous' });
    // ES.v.0 maps to ESH5 until 2025-03-14, then ESM5.
    expect(bars.length).toBe(60);
    expect(bars.open[0]).toBe(6010);
    expect(bars.open[30]).toBe(6110);
  });

  it('should reject backAdjust with rollMode databento instead of silently ignoring it', async () => {
    const error = await source()
      .getBars(continuousFuture('ES'), '1m', '2025-03-13T00:00:00Z', '2025-03-15T00:00:00Z', {
        rollMode: 'databento',
        backAdjust: 'ratio',
      })
      .catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('unadjusted');
    await expect(
      source().getBars(future('ESH5'), '1m', '2025-03-03T14:30:00Z', '2025-03-03T15:00:00Z', {
        rollMode: 'databento',
      }),
    ).rejects.toThrow(/continuous futures only/);
    expect(server.requestCount()).toBe(0);
  });

  it('should resample coarser timesteps from the nearest schema', async () => {
    const bars = await source().getBars(stock('AAPL'), '15m', '2025-03-03T14:30:00Z', '2025-03-03T15:30:00Z');
    expect(bars.length).toBe(4);
    expect(bars.metadata.timestep.label).toBe('15m');
    expect(server.requests.find((item) => item.endpoint === 'timeseries.get_range')!.params).toMatchObject({
      dataset: 'XNAS.ITCH',
      schema: 'ohlcv-1m',
    });
  });

  it('should refuse a request above maxCostUsd and download nothing', async () => {
    const error = await source({ maxCostUsd: 0.5 })
      .getBars(future('ESH5'), '1m', '2025-03-03T14:30:00Z', '2025-03-03T15:00:00Z')
      .catch((caught: unknown) => caught);
    expect(CostLimitExceededError.isInstance(error)).toBe(true);
    const refused = error as CostLimitExceededError;
    expect(refused.estimatedCostUsd).toBeCloseTo(1.68, 10);
    expect(refused.maxCostUsd).toBe(0.5);
    expect(refused.request).toMatchObject({ dataset: 'GLBX.MDP3', schema: 'ohlcv-1m', symbols: ['ESH5'] });
    expect(refused.message).toContain('maxCostUsd');
    expect(server.requestCount('metadata.get_cost')).toBe(1);
    expect(server.requestCount('timeseries.get_range')).toBe(0);
  });

  it('should apply maxCostUsd to the total of every contract of a continuous future, before any download', async () => {
    // ESH5's segment costs 1.68 USD, ESM5's 3.36 USD: each is under 4, their total (5.04) is not.
    const error = await source({ maxCostUsd: 4 })
      .getBars(continuousFuture('ES'), '1m', '2025-03-03T00:00:00Z', '2025-03-15T00:00:00Z')
      .catch((caught: unknown) => caught);
    expect(CostLimitExceededError.isInstance(error)).toBe(true);
    expect((error as CostLimitExceededError).estimatedCostUsd).toBeCloseTo(5.04, 10);
    expect((error as CostLimitExceededError).maxCostUsd).toBe(4);
    expect((error as CostLimitExceededError).request.symbols).toEqual(['ESH5']);
    expect((error as Error).message).toContain('2 requests');
    expect(server.requestCount('timeseries.get_range')).toBe(0);
    server.resetRequests();
    // Under the limit, each segment is estimated once and downloaded once.
    const bars = await source({ maxCostUsd: 6 }).getBars(
      continuousFuture('ES'),
      '1m',
      '2025-03-03T00:00:00Z',
      '2025-03-15T00:00:00Z',
    );
    expect(bars.length).toBe(90);
    expect(server.requestCount('metadata.get_cost')).toBe(2);
    expect(server.requestCount('timeseries.get_range')).toBe(2);
  });

  it('should apply maxCostUsd to the total of a continuous future fetched through core fetchBars', async () => {
    const input = {
      asset: continuousFuture('ES'),
      timestep: '1m',
      start: '2025-03-03T00:00:00Z',
      end: '2025-03-15T00:00:00Z',
    } as const;
    // ESH5 1.68 USD and ESM5 3.36 USD: each under 4, 5.04 together.
    const error = await fetchBars(source({ maxCostUsd: 4 }), input).catch((caught: unknown) => caught);
    expect(CostLimitExceededError.isInstance(error)).toBe(true);
    expect((error as CostLimitExceededError).estimatedCostUsd).toBeCloseTo(5.04, 10);
    expect(server.requestCount('metadata.get_cost')).toBe(2);
    expect(server.requestCount('timeseries.get_range')).toBe(0);
    server.resetRequests();

    const bars = await fetchBars(source({ maxCostUsd: 6 }), input);
    expect(bars.length).toBe(90);
    expect(server.requestCount('metadata.get_cost')).toBe(2);
    expect(
      server.requests
        .filter((item) => item.endpoint === 'timeseries.get_range')
        .map((item) => item.params.symbols),
    ).toEqual(['ESH5', 'ESM5']);
  });

  it('should price the roll lookback of back-adjustment in the same total', async () => {
    const input = {
      asset: continuousFuture('ES'),
      timestep: '1m',
      start: '2025-03-03T00:00:00Z',
      end: '2025-03-15T00:00:00Z',
      backAdjust: 'difference',
    } as const;
    // ESM5's week before the roll adds its 30 bars of 2025-03-10 (1.68 USD): 6.72 in total.
    const error = await fetchBars(source({ maxCostUsd: 6 }), input).catch((caught: unknown) => caught);
    expect((error as CostLimitExceededError).estimatedCostUsd).toBeCloseTo(6.72, 10);
    expect(server.requestCount('timeseries.get_range')).toBe(0);
    server.resetRequests();

    await fetchBars(source({ maxCostUsd: 7 }), input);
    expect(server.requestCount('metadata.get_cost')).toBe(3);
    expect(server.requestCount('timeseries.get_range')).toBe(3);
  });

  it('should price a whole plan with estimateBars, and refuse it with approveEstimate above the limit', async () => {
    const guarded = source({ maxCostUsd: 4 });
    const estimate = await guarded.estimateBars(
      continuousFuture('ES'),
      '1m',
      '2025-03-03T00:00:00Z',
      '2025-03-15T00:00:00Z',
    );
    expect(estimate.totalCostUsd).toBeCloseTo(5.04, 10);
    expect(estimate.maxCostUsd).toBe(4);
    expect(estimate.downloads.map((download) => [download.params.symbols, download.costUsd])).toEqual([
      ['ESH5', expect.closeTo(1.68, 10)],
      ['ESM5', expect.closeTo(3.36, 10)],
    ]);
    expect(() => guarded.approveEstimate(estimate)).toThrow(CostLimitExceededError);
    expect(server.requestCount('metadata.get_cost')).toBe(2);
    expect(server.requestCount('timeseries.get_range')).toBe(0);
  });

  it('should take maxCostUsd from DATABENTO_MAX_COST_USD', async () => {
    const guarded = createDatabentoData({
      logger: captureLogger(),
      env: { DATABENTO_API_KEY: API_KEY, DATABENTO_BASE_URL: server.baseURL, DATABENTO_MAX_COST_USD: '1' },
    });
    await expect(
      guarded.getBars(future('ESH5'), '1m', '2025-03-03T14:30:00Z', '2025-03-03T15:00:00Z'),
    ).rejects.toThrow(/above the maxCostUsd limit/);
    expect(server.requestCount('timeseries.get_range')).toBe(0);
  });

  it('should report each download with its cost', async () => {
    const reports: DownloadReport[] = [];
    await source().getBars(future('ESH5'), '1m', '2025-03-03T14:30:00Z', '2025-03-03T15:00:00Z', {
      onDownload: (report) => reports.push(report),
    });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      sourceId: 'databento',
      dataset: 'GLBX.MDP3',
      schema: 'ohlcv-1m',
      symbols: ['ESH5'],
      records: 30,
    });
    expect(reports[0]!.bytes).toBeGreaterThan(0);
    expect(reports[0]!.costUsd).toBeCloseTo(1.68, 10);
  });

  it('should clamp the end to the available range with a warning instead of failing', async () => {
    const logger = captureLogger();
    const bars = await source({ logger }).getBars(
      stock('AAPL'),
      '1m',
      '2025-03-03T15:00:00Z',
      '2025-04-30T00:00:00Z',
    );
    expect(bars.length).toBe(30);
    expect(
      logger.lines.some((line) => line.startsWith('warn') && line.includes('clamping the request end')),
    ).toBe(true);
    expect(server.requests.find((item) => item.endpoint === 'timeseries.get_range')!.params.end).toBe(
      '2025-03-20T00:00:00.000Z',
    );
  });

  it('should return empty bars with a warning when there is no data', async () => {
    const logger = captureLogger();
    const bars = await source({ logger }).getBars(
      stock('AAPL'),
      '1m',
      '2025-03-05T00:00:00Z',
      '2025-03-06T00:00:00Z',
    );
    expect(bars.length).toBe(0);
    expect(logger.lines.some((line) => line.startsWith('warn') && line.includes('no ohlcv-1m bars'))).toBe(
      true,
    );
    const outside = await source({ logger }).getBars(
      stock('AAPL'),
      '1m',
      '2025-05-01T00:00:00Z',
      '2025-05-02T00:00:00Z',
    );
    expect(outside.length).toBe(0);
    expect(
      logger.lines.some(
        (line) => line.startsWith('warn') && line.includes('no data for AAPL') && line.includes('outside'),
      ),
    ).toBe(true);
  });

  it('should give instrument specs from definitions and cache them per contract', async () => {
    const databento = source();
    const spec = await databento.getInstrument(future('ESH5'), '2025-03-03T15:00:00Z');
    expect(spec).toEqual({
      symbol: 'ESH5',
      multiplier: 50,
      tickSize: 0.25,
      expiration: '2025-03-21',
      currency: 'USD',
    });
    await databento.getInstrument(future('ESH5'), '2025-03-04T15:00:00Z');
    expect(server.requestCount('timeseries.get_range')).toBe(1);
    const continuous = await databento.getInstrument(continuousFuture('ES'), '2025-03-12T15:00:00Z');
    expect(continuous.symbol).toBe('ESM5');
  });

  it('should refuse to guess a future multiplier missing from its definition', async () => {
    const broken = await startMockDatabento({
      apiKey: API_KEY,
      data: {
        series: [],
        definitions: [
          {
            dataset: 'GLBX.MDP3',
            symbol: 'NQH5',
            instrumentId: 201,
            multiplier: null,
            tickSize: 0.25,
            expiration: '2025-03-21T13:30:00Z',
          },
        ],
        datasetRanges: { 'GLBX.MDP3': { start: '2025-01-01', end: '2025-03-20' } },
      },
    });
    try {
      const error = await source({ baseURL: broken.baseURL })
        .getInstrument(future('NQH5'), '2025-03-03T15:00:00Z')
        .catch((caught: unknown) => caught);
      expect(DataSourceError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(
        "Databento's GLBX.MDP3 definition of NQH5 has no unit_of_measure_qty or contract_multiplier (the contract multiplier); pass the instrument specs explicitly.",
      );
    } finally {
      await broken.close();
    }
  });

  it('should map venues to datasets and reject unknown venues with the known ones', async () => {
    const databento = source();
    expect(
      databento.locateBars({
        asset: future('CLM5'),
        timestep: { unit: 'hour', multiple: 1 } as never,
        start: new Date(),
        end: new Date(),
        exchange: 'NYMEX',
      }),
    ).toEqual({
      dataset: 'GLBX.MDP3',
      schema: 'ohlcv-1h',
      symbol: 'CLM5',
    });
    expect(
      databento.locateBars({
        asset: future('BRNM5'),
        timestep: { unit: 'day', multiple: 1 } as never,
        start: new Date(),
        end: new Date(),
        exchange: 'ICE',
      }).dataset,
    ).toBe('IFEU.IMPACT');
    for (const exchange of ['ICE Endex', 'ENDEX', 'NDEX']) {
      expect(
        databento.locateBars({
          asset: future('TFMM5'),
          timestep: { unit: 'day', multiple: 1 } as never,
          start: new Date(),
          end: new Date(),
          exchange,
        }).dataset,
      ).toBe('NDEX.IMPACT');
    }
    let error: unknown;
    try {
      databento.locateBars({
        asset: future('ESH5'),
        timestep: { unit: 'minute', multiple: 1 } as never,
        start: new Date(),
        end: new Date(),
        exchange: 'MOON',
      });
    } catch (caught) {
      error = caught;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('CME');
    expect((error as Error).message).toContain('ICE');
  });

  it('should report the available range for a request', async () => {
    const range = await source().doFetchAvailableRange({
      asset: future('ESH5'),
      timestep: { unit: 'minute', multiple: 1 } as never,
      start: new Date('2025-03-03T00:00:00Z'),
      end: new Date('2025-03-04T00:00:00Z'),
    });
    expect(range.end.toISOString()).toBe('2025-03-20T00:00:00.000Z');
  });

  it('should throw UnsupportedFunctionalityError for chains', () => {
    let error: unknown;
    try {
      source().getChains(stock('SPY'));
    } catch (caught) {
      error = caught;
    }
    expect(UnsupportedFunctionalityError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('no option-chain endpoint');
  });

  it('should fail with the credentials message when no key is set', async () => {
    await expect(
      createDatabentoData({ baseURL: server.baseURL, env: {} }).getBars(
        future('ESH5'),
        '1m',
        '2025-03-03',
        '2025-03-04',
      ),
    ).rejects.toThrow(/Missing DataBento credentials.*DATABENTO_API_KEY/);
    expect(server.requestCount()).toBe(0);
  });
});
