import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockDatabento } from '@lb/databento/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSampleAsMockData } from '../mock/sample-as-mock-data.js';

const exampleDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = path.join(exampleDirectory, 'node_modules/.bin/tsx');

interface RunOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `pnpm example`'s entry point as a real child process with a small window. */
function runExample(
  environment: Record<string, string>,
  nodeFlags: string[] = [],
  scriptArguments: string[] = [],
): Promise<RunOutput> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...environment };
  for (const name of ['DATABENTO_API_KEY', 'DATA_SOURCE', 'DATABENTO_BASE_URL', 'LB_CACHE_DIR']) {
    if (!(name in environment)) delete env[name];
  }
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [...nodeFlags, 'src/es-futures/main.ts', ...scriptArguments], {
      cwd: exampleDirectory,
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const window = { LB_EXAMPLE_START: '2023-12-04T00:00:00Z', LB_EXAMPLE_END: '2023-12-07T00:00:00Z' };

describe('ES futures example', () => {
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'lb-example-'));
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('should run on the bundled sample without a key, say so first, and write the five result files', async () => {
    const results = path.join(scratch, 'offline');
    const output = await runExample({ ...window, LB_RESULTS_DIR: results });
    expect(output.stderr).toBe('');
    expect(output.code).toBe(0);
    const lines = output.stdout.split('\n');
    expect(lines[0]).toMatch(/^Data: bundled SYNTHETIC sample \(seeded random walk, not real market data\)/);
    expect(output.stdout).toMatch(/^Fills: +\d+$/m);
    expect(output.stdout).toMatch(/^Round trips: +\d+$/m);
    expect(output.stdout).toMatch(/^Max drawdown: /m);
    const [runId] = await readdir(results);
    const files = (await readdir(path.join(results, runId!))).sort();
    expect(files).toEqual(['equity.csv', 'round_trips.csv', 'stats.json', 'tearsheet.html', 'trades.csv']);
    const stats = JSON.parse(await readFile(path.join(results, runId!, 'stats.json'), 'utf8'));
    expect(stats.metrics.fills).toBeGreaterThan(0);
    expect(stats.metrics.roundTrips).toBeGreaterThan(0);
    const html = await readFile(path.join(results, runId!, 'tearsheet.html'), 'utf8');
    expect(html).toContain(
      'Data: <strong>bundled SYNTHETIC sample (seeded random walk, not real market data)</strong>',
    );
    const trades = (await readFile(path.join(results, runId!, 'trades.csv'), 'utf8')).trim().split('\n');
    expect(trades[0]).toBe('time,asset,symbol,side,quantity,price,fee,realized_pnl,order_id,tag');
    expect(trades).toHaveLength(stats.metrics.fills + 1);
    // Contracts traded follow the roll: ESZ3 before 2023-12-05T05:00Z, ESH4 after; a position held across
    // the roll is closed in ESZ3 and reopened in ESH4 at the roll instant itself.
    const roll = '2023-12-05T05:00:00.000Z';
    for (const row of trades.slice(1)) {
      const [time, , symbol] = row.split(',');
      if (time === roll) expect(['ESZ3', 'ESH4']).toContain(symbol);
      else expect(symbol).toBe(time! < roll ? 'ESZ3' : 'ESH4');
    }
  }, 120_000);

  it('should run through the mock Databento server and the cache, with no timeseries request the second time', async () => {
    const server = await startMockDatabento({
      data: await loadSampleAsMockData(path.join(exampleDirectory, 'data')),
    });
    try {
      const environment = {
        ...window,
        DATA_SOURCE: 'databento',
        DATABENTO_BASE_URL: server.baseURL,
        DATABENTO_API_KEY: 'db-exampletestkey000000000000000',
        LB_CACHE_DIR: path.join(scratch, 'cache'),
        LB_RESULTS_DIR: path.join(scratch, 'databento'),
      };
      const first = await runExample(environment);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout.split('\n')[0]).toMatch(
        /^Data: Databento historical API through the Feather cache/,
      );
      expect(first.stdout).toMatch(/^Estimated Databento cost: \$\d+\.\d{4}/m);
      expect(server.requestCount('timeseries.get_range')).toBeGreaterThan(0);
      expect(server.requestCount('metadata.get_cost')).toBeGreaterThan(0);
      server.resetRequests();
      const second = await runExample(environment);
      expect(second.code, second.stderr).toBe(0);
      expect(server.requestCount('timeseries.get_range')).toBe(0);
      const summary = (text: string) =>
        text.split('\n').filter((line) => /^(Trades|Return|Max drawdown|Fees):/.test(line));
      expect(summary(second.stdout)).toEqual(summary(first.stdout));
      expect(first.stdout).not.toContain(environment.DATABENTO_API_KEY);
      expect(first.stderr).not.toContain(environment.DATABENTO_API_KEY);
    } finally {
      await server.close();
    }
  }, 180_000);

  it('should stop before downloading when the Databento estimate is above $1, and go on with --yes', async () => {
    const data = await loadSampleAsMockData(path.join(exampleDirectory, 'data'));
    const server = await startMockDatabento({ data: { ...data, pricePerGbUsd: 1_000_000 } });
    try {
      const environment = {
        ...window,
        DATA_SOURCE: 'databento',
        DATABENTO_BASE_URL: server.baseURL,
        DATABENTO_API_KEY: 'db-exampletestkey000000000000000',
        LB_CACHE_DIR: path.join(scratch, 'expensive-cache'),
        LB_RESULTS_DIR: path.join(scratch, 'expensive'),
      };
      const refused = await runExample(environment);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toMatch(/^Estimated Databento cost: \$\d+\.\d{4} at most/m);
      expect(refused.stderr.trim()).toMatch(
        /^error: The estimated cost \$[\d.]+ exceeds \$1\.00: rerun with --yes to download\.$/,
      );
      expect(server.requestCount('metadata.get_cost')).toBeGreaterThan(0);
      expect(server.requestCount('timeseries.get_range')).toBe(0);
      expect(existsSync(environment.LB_RESULTS_DIR)).toBe(false);
      const confirmed = await runExample(environment, [], ['--yes']);
      expect(confirmed.code, confirmed.stderr).toBe(0);
      expect(server.requestCount('timeseries.get_range')).toBeGreaterThan(0);
      expect(existsSync(environment.LB_RESULTS_DIR)).toBe(true);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('should name the package to add when the Databento source is not installed', async () => {
    const hook = path.join(exampleDirectory, 'src/es-futures/__fixtures__/hide-databento.mjs');
    expect(existsSync(hook)).toBe(true);
    const output = await runExample({ ...window, DATA_SOURCE: 'databento', DATABENTO_API_KEY: 'x' }, [
      '--import',
      hook,
    ]);
    expect(output.code).toBe(2);
    expect(output.stderr.trim()).toBe('error: DataBento package not available: add @lb/databento');
  }, 60_000);
});

describe('ES example composition', () => {
  it('should use the public packages only, not the CLI', async () => {
    const manifest = JSON.parse(await readFile(path.join(exampleDirectory, 'package.json'), 'utf8'));
    expect(Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }).sort()).toEqual([
      '@lb/backtest',
      '@lb/cache-feather',
      '@lb/core',
      '@lb/databento',
      '@lb/dbn',
      '@lb/dbn-files',
      '@lb/report',
    ]);
    for (const file of await readdir(path.join(exampleDirectory, 'src/es-futures'))) {
      if (!file.endsWith('.ts')) continue;
      const text = await readFile(path.join(exampleDirectory, 'src/es-futures', file), 'utf8');
      expect(text, file).not.toMatch(/from '@lb\/cli'|import\('@lb\/cli'\)/);
    }
  });
});
