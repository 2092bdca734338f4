import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type MockDatabentoServer, startMockDatabento } from '@lb/databento/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCaptured } from './__fixtures__/run-captured.js';

const API_KEY = 'db-CLIKEY0123456789abcdefghijklmn';

const run = runCaptured;

const bars = Array.from({ length: 5 }, (_, index) => ({
  time: new Date(Date.parse('2025-03-03T14:30:00Z') + index * 60_000),
  open: 6000 + index,
  high: 6001 + index,
  low: 5999 + index,
  close: 6000.5 + index,
  volume: 10 + index,
}));

describe('lb cost and lb bars against the mock Databento server', () => {
  let server: MockDatabentoServer;
  beforeAll(async () => {
    server = await startMockDatabento({
      apiKey: API_KEY,
      data: {
        series: [
          { dataset: 'GLBX.MDP3', schema: 'ohlcv-1m', symbol: 'ESH5', instrumentId: 101, bars },
          { dataset: 'XNAS.ITCH', schema: 'ohlcv-1m', symbol: 'AAPL', instrumentId: 7, bars },
        ],
        pricePerGbUsd: 1_000_000,
      },
    });
  });
  afterAll(() => server.close());
  afterEach(() => {
    vi.unstubAllEnvs();
    server.resetRequests();
  });

  const useMock = () => {
    vi.stubEnv('DATABENTO_API_KEY', API_KEY);
    vi.stubEnv('DATABENTO_BASE_URL', server.baseURL);
    vi.stubEnv('LB_CACHE_DIR', mkdtempSync(path.join(os.tmpdir(), 'lb-cli-cache-')));
  };

  it('should serve a repeated lb bars from the Feather cache without downloading again', async () => {
    useMock();
    const argv = [
      'bars',
      'ESH5',
      '--future',
      '--start',
      '2025-03-03T14:30:00Z',
      '--end',
      '2025-03-03T14:35:00Z',
    ];
    const first = await run(...argv);
    expect(first.code).toBe(0);
    expect(server.requestCount('timeseries.get_range')).toBe(1);
    // Priced once: the download reuses the estimate shown.
    expect(server.requestCount('metadata.get_cost')).toBe(1);
    expect(first.stderr).toBe(
      'Estimated Databento cost: $0.2800 at most (days already cached are not downloaded again)\n',
    );
    const second = await run(...argv);
    expect(second.stdout).toBe(first.stdout);
    // The estimate leaves out the days the cache holds.
    expect(second.stderr).toBe(
      'Estimated Databento cost: $0.0000 at most (days already cached are not downloaded again)\n',
    );
    expect(server.requestCount('timeseries.get_range')).toBe(1);
    const uncached = await run(...argv, '--no-cache');
    expect(uncached.stdout).toBe(first.stdout);
    expect(server.requestCount('timeseries.get_range')).toBe(2);
  });

  it('should print the estimated cost and billable size', async () => {
    useMock();
    const result = await run(
      'cost',
      '--dataset',
      'GLBX.MDP3',
      '--schema',
      'ohlcv-1m',
      '--symbols',
      'ESH5',
      '--start',
      '2025-03-03T14:30:00Z',
      '--end',
      '2025-03-03T15:00:00Z',
    );
    expect(result).toEqual({
      code: 0,
      stdout: 'estimated cost: $0.280000 USD\nbillable size: 280 bytes\n',
      stderr: '',
    });
    expect(server.requestCount('timeseries.get_range')).toBe(0);
  });

  it('should print bars of a future contract as CSV', async () => {
    useMock();
    const result = await run(
      'bars',
      'ES',
      '--future',
      '--expiration',
      '2025-03-21',
      '--timestep',
      '1m',
      '--start',
      '2025-03-03T14:30:00Z',
      '--end',
      '2025-03-03T14:33:00Z',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'time,open,high,low,close,volume',
        '2025-03-03T14:30:00.000Z,6000,6001,5999,6000.5,10',
        '2025-03-03T14:31:00.000Z,6001,6002,6000,6001.5,11',
        '2025-03-03T14:32:00.000Z,6002,6003,6001,6002.5,12',
        '',
      ].join('\n'),
    );
    expect(server.requests.find((item) => item.endpoint === 'timeseries.get_range')?.params.symbols).toBe(
      'ESH5',
    );
  });

  it('should print stock bars as JSON', async () => {
    useMock();
    const result = await run(
      'bars',
      'AAPL',
      '--timestep',
      '5m',
      '--start',
      '2025-03-03T14:30:00Z',
      '--end',
      '2025-03-03T14:35:00Z',
      '--format',
      'json',
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      { time: '2025-03-03T14:30:00.000Z', open: 6000, high: 6005, low: 5999, close: 6004.5, volume: 60 },
    ]);
  });

  it('should print a continuous future from the contract of the roll schedule', async () => {
    useMock();
    const result = await run(
      'bars',
      'ES',
      '--continuous',
      '--start',
      '2025-03-03T14:30:00Z',
      '--end',
      '2025-03-03T14:32:00Z',
      '--no-cache',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'time,open,high,low,close,volume',
        '2025-03-03T14:30:00.000Z,6000,6001,5999,6000.5,10',
        '2025-03-03T14:31:00.000Z,6001,6002,6000,6001.5,11',
        '',
      ].join('\n'),
    );
    expect(
      server.requests
        .filter((item) => item.endpoint === 'timeseries.get_range')
        .map((item) => item.params.symbols),
    ).toEqual(['ESH5']);
  });

  it('should keep the API key out of debug logs and errors', async () => {
    useMock();
    vi.stubEnv('LB_LOG_LEVEL', 'debug');
    server.addFaults('timeseries.get_range', { kind: 'status', status: 500 });
    const result = await run(
      'bars',
      'ESH5',
      '--future',
      '--start',
      '2025-03-03T14:30:00Z',
      '--end',
      '2025-03-03T14:32:00Z',
      '--no-cache',
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('timeseries.get_range');
    vi.stubEnv('DATABENTO_API_KEY', `${API_KEY}x`);
    const rejected = await run(
      'cost',
      '--dataset',
      'GLBX.MDP3',
      '--schema',
      'ohlcv-1m',
      '--symbols',
      'ESH5',
      '--start',
      '2025-03-03',
      '--end',
      '2025-03-04',
    );
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain('401');
    const output = result.stdout + result.stderr + rejected.stdout + rejected.stderr;
    for (const secret of [
      API_KEY,
      Buffer.from(`${API_KEY}:`).toString('base64'),
      Buffer.from(`${API_KEY}x:`).toString('base64'),
    ]) {
      expect(output).not.toContain(secret);
    }
  });

  it('should exit 1 with the credentials message when no key is set', async () => {
    useMock();
    vi.stubEnv('DATABENTO_API_KEY', '');
    const result = await run(
      'bars',
      'AAPL',
      '--start',
      '2025-03-03T14:30:00Z',
      '--end',
      '2025-03-03T14:35:00Z',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Missing DataBento credentials');
    expect(result.stderr).toContain('DATABENTO_API_KEY');
    const cost = await run(
      'cost',
      '--dataset',
      'GLBX.MDP3',
      '--schema',
      'ohlcv-1m',
      '--symbols',
      'ESH5',
      '--start',
      '2025-03-03',
      '--end',
      '2025-03-04',
    );
    expect(cost.code).toBe(1);
    expect(cost.stderr).toContain('Missing DataBento credentials');
    expect(cost.stderr).toContain('DATABENTO_API_KEY');
    expect(server.requestCount()).toBe(0);
  });

  it('should warn on stderr with the available range when the request runs past it', async () => {
    useMock();
    const range = ['--start', '2025-03-03T14:30:00Z', '--end', '2025-03-06T00:00:00Z'];
    const partial = await run('bars', 'ESH5', '--future', ...range);
    expect(partial.code).toBe(0);
    expect(partial.stdout.split('\n')).toHaveLength(7);
    expect(partial.stderr).toBe(
      'warning: GLBX.MDP3 ohlcv-1m has data from 2025-03-03T00:00:00.000Z to 2025-03-04T00:00:00.000Z; nothing after 2025-03-04T00:00:00.000Z (requested until 2025-03-06T00:00:00.000Z)\n' +
        'Estimated Databento cost: $0.2800 at most (days already cached are not downloaded again)\n',
    );
    const after = await run(
      'bars',
      'ESH5',
      '--future',
      '--start',
      '2025-03-05T14:30:00Z',
      '--end',
      '2025-03-06T00:00:00Z',
      '--format',
      'json',
    );
    expect(after).toEqual({
      code: 0,
      stdout: '[]\n',
      stderr:
        'warning: no bars: GLBX.MDP3 ohlcv-1m has data from 2025-03-03T00:00:00.000Z to 2025-03-04T00:00:00.000Z, outside the requested 2025-03-05T14:30:00.000Z to 2025-03-06T00:00:00.000Z\n',
    });
    expect(server.requestCount('timeseries.get_range')).toBe(1);
    const uncached = await run('bars', 'ESH5', '--future', ...range, '--no-cache');
    expect(uncached.stdout).toBe(partial.stdout);
    expect(uncached.stderr).toBe(
      partial.stderr.replace(' at most (days already cached are not downloaded again)', ''),
    );
  });

  it('should show the estimate and require --yes above the threshold before downloading', async () => {
    useMock();
    const argv = [
      'bars',
      'ESH5',
      '--future',
      '--start',
      '2025-03-03T14:30:00Z',
      '--end',
      '2025-03-03T14:35:00Z',
    ];
    const refused = await run(...argv, '--confirm-above-usd', '0.25');
    expect(refused).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'Estimated Databento cost: $0.2800 at most (days already cached are not downloaded again)\n' +
        'error: The estimated cost $0.28 exceeds $0.25: rerun with --yes to download.\n',
    });
    vi.stubEnv('LB_CONFIRM_ABOVE_USD', '0.1');
    expect((await run(...argv)).code).toBe(2);
    expect(server.requestCount('timeseries.get_range')).toBe(0);
    expect((await run(...argv, '--confirm-above-usd', '0.5')).code).toBe(0);
    vi.stubEnv('LB_CONFIRM_ABOVE_USD', '');
    const confirmed = await run(...argv, '--confirm-above-usd', '0', '--yes', '--no-cache');
    expect(confirmed.code).toBe(0);
    expect(confirmed.stderr).toBe('Estimated Databento cost: $0.2800\n');
    expect(confirmed.stdout.split('\n')[1]).toBe('2025-03-03T14:30:00.000Z,6000,6001,5999,6000.5,10');
    expect(server.requestCount('timeseries.get_range')).toBe(2);
  });

  it('should exit 2 for a threshold that is not an amount', async () => {
    useMock();
    const argv = [
      'bars',
      'ESH5',
      '--future',
      '--start',
      '2025-03-03T14:30:00Z',
      '--end',
      '2025-03-03T14:35:00Z',
    ];
    expect(await run(...argv, '--confirm-above-usd', '-1')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: --confirm-above-usd must be an amount in USD, 0 or more (like 5 or 0.50); got "-1"\n',
    });
    vi.stubEnv('LB_CONFIRM_ABOVE_USD', 'lots');
    expect((await run(...argv)).stderr).toBe(
      'error: LB_CONFIRM_ABOVE_USD must be an amount in USD, 0 or more (like 5 or 0.50); got "lots"\n',
    );
    expect(server.requestCount()).toBe(0);
  });

  it('should exit 2 on bad arguments', async () => {
    useMock();
    const noSymbols = await run(
      'cost',
      '--dataset',
      'GLBX.MDP3',
      '--schema',
      'ohlcv-1m',
      '--symbols',
      ' , ',
      '--start',
      '2025-03-03',
      '--end',
      '2025-03-04',
    );
    expect(noSymbols.code).toBe(2);
    expect(noSymbols.stderr).toContain('--symbols needs at least one symbol');
    const cost = (...extra: string[]) =>
      run('cost', '--symbols', 'ESH5', '--start', '2025-03-03', '--end', '2025-03-04', ...extra);
    expect(await cost('--dataset', 'GLBX', '--schema', 'ohlcv-1m')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: --dataset must be a Databento dataset code like GLBX.MDP3 or XNAS.ITCH; got "GLBX"\n',
    });
    const badSchema = await cost('--dataset', 'GLBX.MDP3', '--schema', 'ohlcv-2m');
    expect(badSchema.code).toBe(2);
    expect(badSchema.stderr).toMatch(/^error: --schema must be one of mbo, mbp-1, .*; got "ohlcv-2m"\n$/);
    const badStype = await cost('--dataset', 'GLBX.MDP3', '--schema', 'ohlcv-1m', '--stype-in', 'ticker');
    expect(badStype.code).toBe(2);
    expect(badStype.stderr).toMatch(
      /^error: --stype-in must be one of instrument_id, raw_symbol, .*; got "ticker"\n$/,
    );
    const unknownVenue = await run(
      'bars',
      'AAPL',
      '--exchange',
      'MOON',
      '--start',
      '2025-03-03',
      '--end',
      '2025-03-04',
    );
    expect(unknownVenue.code).toBe(2);
    expect(unknownVenue.stderr).toMatch(
      /^error: Unknown stock exchange "MOON" for Databento; known venues: .*\n$/,
    );
    expect(server.requestCount()).toBe(0);
    expect(
      (await run('bars', 'ES', '--future', '--continuous', '--start', '2025-03-03', '--end', '2025-03-04'))
        .code,
    ).toBe(2);
    expect(
      (await run('bars', 'AAPL', '--timestep', 'fortnight', '--start', '2025-03-03', '--end', '2025-03-04'))
        .code,
    ).toBe(2);
  });
});
