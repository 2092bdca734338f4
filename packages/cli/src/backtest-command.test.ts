import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startPricedMesDatabento } from './__fixtures__/priced-mes-databento.js';
import { runCaptured } from './__fixtures__/run-captured.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const sampleDirectory = path.resolve(here, '../../../apps/examples/data');
const strategyModule = path.join(here, '__fixtures__/buy-and-hold-mes.ts');

const run = runCaptured;

describe('lb backtest', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(path.join(os.tmpdir(), 'lb-backtest-command-'));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('should run a TypeScript strategy module on a DBN folder and write the four result files', async () => {
    const result = await run(
      'backtest',
      strategyModule,
      '--start',
      '2024-01-03T14:30:00Z',
      '--end',
      '2024-01-05T21:00:00Z',
      '--data-source',
      'dbn-files',
      '--data-dir',
      sampleDirectory,
      '--out',
      out,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(
      `Data: DBN files from ${sampleDirectory} (DBN file source, no API key needed)`,
    );
    expect(result.stdout).toMatch(/^Fills: +1$/m);
    expect(result.stdout).toMatch(/^Round trips: +0$/m);
    expect(result.stdout).toMatch(/^Fees: +\$0\.50$/m);
    const [runId] = await readdir(out);
    const stats = JSON.parse(await readFile(path.join(out, runId!, 'stats.json'), 'utf8'));
    expect(stats.strategy).toBe('BuyAndHoldMes');
    expect(stats.budget).toBe(50_000);
    expect(stats.metrics.fills).toBe(1);
    expect(stats.dataDescription).toBe('DBN files');
    expect(stats.engineStats.numberOfTrades).toBe(1);
    const trades = (await readFile(path.join(out, runId!, 'trades.csv'), 'utf8')).trim().split('\n');
    expect(trades[1]).toMatch(/^2024-01-03T14:30:00\.000Z,continuous_future:MES,MESH4,buy,1,/);
    const equity = (await readFile(path.join(out, runId!, 'equity.csv'), 'utf8')).trim().split('\n');
    // No benchmarkAsset given: the first traded asset (continuous MES) is the benchmark, starting at the budget.
    expect(equity[0]).toBe('time,portfolio_value,cash,benchmark_value');
    expect(equity[1]).toBe('2024-01-03T14:30:00.000Z,50000,50000,50000');
    expect(equity.length - 1).toBe(stats.iterations);
  }, 60_000);

  it("should give round trips their excursions from the engine's prices, and say why a run has no trades", async () => {
    const roundTripOut = path.join(out, 'round-trip');
    const traded = await run(
      'backtest',
      path.join(here, '__fixtures__/round-trip-mes.ts'),
      '--start',
      '2024-01-03T14:30:00Z',
      '--end',
      '2024-01-05T21:00:00Z',
      '--data-source',
      'dbn-files',
      '--data-dir',
      sampleDirectory,
      '--out',
      roundTripOut,
    );
    expect(traded.code).toBe(0);
    const [runId] = await readdir(roundTripOut);
    const [header, trip, ...rest] = (
      await readFile(path.join(roundTripOut, runId!, 'round_trips.csv'), 'utf8')
    )
      .trim()
      .split('\n');
    expect(rest).toEqual([]);
    const columns = header!.split(',');
    const row = trip!.split(',');
    const field = (name: string) => row[columns.indexOf(name)]!;
    expect(field('symbol')).toBe('MESH4');
    // Without the engine's prices the excursions are empty; with them they bracket the trade's result.
    const gross = Number(field('gross_pnl'));
    expect(field('mae')).not.toBe('');
    expect(Number(field('mae'))).toBeLessThanOrEqual(Math.min(0, gross));
    expect(Number(field('mfe'))).toBeGreaterThanOrEqual(Math.max(0, gross));
    expect(Number(field('mfe')) - Number(field('mae'))).toBeGreaterThan(0);

    const idle = await run(
      'backtest',
      strategyModule,
      '--start',
      '2024-03-04T14:30:00Z',
      '--end',
      '2024-03-05T21:00:00Z',
      '--data-source',
      'dbn-files',
      '--data-dir',
      sampleDirectory,
      '--out',
      roundTripOut,
    );
    expect(idle.code).toBe(0);
    expect(idle.stdout).toMatch(/^Fills: +0$/m);
    expect(idle.stdout).toMatch(
      /^No trades: +No 1m bars for continuous_future MES between 2024-03-04T14:30:00\.000Z and 2024-03-05T21:00:00\.000Z from source "dbn-files"/m,
    );
  }, 60_000);

  it('should exit 2 with one line for a bad data source, a missing data folder or a module without a default export', async () => {
    const bad = await run(
      'backtest',
      strategyModule,
      '--start',
      '2024-01-03',
      '--end',
      '2024-01-04',
      '--data-source',
      'csv',
    );
    expect(bad).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: Unknown data source "csv": use one of databento, dbn-files, or install the lb-source-* package that provides it (see \'lb sources\')\n',
    });
    const noFolder = await run(
      'backtest',
      strategyModule,
      '--start',
      '2024-01-03',
      '--end',
      '2024-01-04',
      '--data-source',
      'dbn-files',
    );
    expect(noFolder.code).toBe(2);
    expect(noFolder.stderr).toBe(
      'error: The dbn-files source needs a data folder: pass --data-dir or set LB_DATA_DIR.\n',
    );
    const noDefault = await run(
      'backtest',
      path.join(here, '__fixtures__/no-default-export.mjs'),
      '--start',
      '2024-01-03',
      '--end',
      '2024-01-04',
    );
    expect(noDefault.code).toBe(2);
    expect(noDefault.stderr).toMatch(
      /no-default-export\.mjs has no default export: export default your Strategy subclass\.\n$/,
    );
  });

  it('should price a Databento run first, warn about the range the dataset lacks and honour LB_CONFIRM_ABOVE_USD', async () => {
    const server = await startPricedMesDatabento(
      'db-BACKTESTKEY0123456789abcdefghij',
      path.join(out, 'cache'),
    );
    try {
      vi.stubEnv('LB_CONFIRM_ABOVE_USD', '0.01');
      const result = await run(
        'backtest',
        path.join(here, '__fixtures__/buy-and-hold-mes-priced.ts'),
        '--start',
        '2024-01-03T14:30:00Z',
        '--end',
        '2024-01-06T00:00:00Z',
        '--data-source',
        'databento',
        '--out',
        out,
      );
      expect(result.code).toBe(2);
      expect(result.stdout.split('\n')[1]).toBe(
        'Estimated Databento cost: $0.0560 at most (days already cached are not downloaded again)',
      );
      expect(result.stderr).toBe(
        'warning: GLBX.MDP3 ohlcv-1m has data from 2024-01-03T00:00:00.000Z to 2024-01-04T00:00:00.000Z; nothing after 2024-01-04T00:00:00.000Z (requested until 2024-01-06T00:00:00.000Z)\n' +
          'error: The estimated cost $0.06 exceeds $0.01: rerun with --yes to download.\n',
      );
      expect(server.requestCount('timeseries.get_range')).toBe(0);
    } finally {
      vi.unstubAllEnvs();
      await server.close();
    }
  });
});
