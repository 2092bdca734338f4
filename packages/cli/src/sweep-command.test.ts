import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startPricedMesDatabento } from './__fixtures__/priced-mes-databento.js';
import { runCaptured as run } from './__fixtures__/run-captured.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const sampleDirectory = path.resolve(here, '../../../apps/examples/data');
const strategyModule = path.join(here, '__fixtures__/sma-cross-mes.ts');

describe('lb sweep', () => {
  let out: string;
  let grid: string;
  beforeAll(async () => {
    out = await mkdtemp(path.join(os.tmpdir(), 'lb-sweep-command-'));
    grid = path.join(out, 'grid.json');
    await writeFile(grid, JSON.stringify({ fast: [3, 5], slow: [12, 20] }));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  const sweep = (workers: string, runOut: string) =>
    run(
      'sweep',
      strategyModule,
      '--grid',
      grid,
      '--start',
      '2024-01-03T14:30:00Z',
      '--end',
      '2024-01-05T21:00:00Z',
      '--data-source',
      'dbn-files',
      '--data-dir',
      sampleDirectory,
      '--workers',
      workers,
      '--out',
      runOut,
    );

  it('should write the same sweep.csv on 1 and 2 workers, and an HTML page with a heatmap', async () => {
    const one = await sweep('1', path.join(out, 'one'));
    expect(one.stderr).toBe('');
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('Runner: local-pool(1)');
    expect(one.stdout).toMatch(/^Parameter sets: 4$/m);
    const two = await sweep('2', path.join(out, 'two'));
    expect(two.code).toBe(0);
    const [oneRun] = await readdir(path.join(out, 'one'));
    const [twoRun] = await readdir(path.join(out, 'two'));
    const csv = await readFile(path.join(out, 'one', oneRun!, 'sweep.csv'), 'utf8');
    expect(await readFile(path.join(out, 'two', twoRun!, 'sweep.csv'), 'utf8')).toBe(csv);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('fast,slow,total_return,sharpe,max_drawdown,trades,fees');
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 2).join(','))).toEqual([
      '3,12',
      '3,20',
      '5,12',
      '5,20',
    ]);
    // Fees are 0.50 per order, so the fee column is half the trade count.
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      expect(Number(cells[5])).toBeGreaterThan(0);
      expect(Number(cells[6])).toBe(Number(cells[5]) * 0.5);
    }
    const html = await readFile(path.join(out, 'one', oneRun!, 'sweep.html'), 'utf8');
    expect(html).toContain('<h2>sharpe heatmap</h2>');
    expect(html.match(/<tr>/g)).toHaveLength(1 + 4 + 3);
    const stats = JSON.parse(
      await readFile(path.join(out, 'one', oneRun!, 'sets', '3', 'stats.json'), 'utf8'),
    );
    expect(stats.parameters).toEqual({ fast: 5, slow: 20 });
  }, 60_000);

  it('should price a Databento sweep before queueing anything, on the local pool and with --redis', async () => {
    const server = await startPricedMesDatabento(
      'db-SWEEPCOSTKEY0123456789abcdefghi',
      path.join(out, 'cache'),
    );
    try {
      const priced = (...extra: string[]) =>
        run(
          'sweep',
          path.join(here, '__fixtures__/sma-cross-mes-priced.ts'),
          '--grid',
          grid,
          '--start',
          '2024-01-03T14:30:00Z',
          '--end',
          '2024-01-06T00:00:00Z',
          '--data-source',
          'databento',
          '--out',
          path.join(out, 'priced'),
          '--confirm-above-usd',
          '0.01',
          ...extra,
        );
      const refusal = 'error: The estimated cost $0.06 exceeds $0.01: rerun with --yes to download.\n';
      const local = await priced();
      expect(local.code).toBe(2);
      expect(local.stdout.split('\n')[1]).toBe(
        'Estimated Databento cost: $0.0560 at most (cached days are not downloaded again)',
      );
      expect(local.stderr.endsWith(refusal)).toBe(true);
      // Nothing listens on port 1: had the sweep been queued, the run would fail on the connection instead.
      const queued = await priced('--redis', 'redis://127.0.0.1:1');
      expect(queued.code).toBe(2);
      expect(queued.stdout).toBe(
        'Data: loaded by the BullMQ workers from their own sources (each partition once)\n' +
          'Estimated Databento cost: $0.0560 at most (each partition downloaded once by the workers; days their caches hold are not downloaded again)\n',
      );
      expect(queued.stderr.endsWith(refusal)).toBe(true);
      expect(server.requestCount('timeseries.get_range')).toBe(0);
      // One quote per run: the local one through the (empty) cache, the --redis one without it.
      expect(server.requestCount('metadata.get_cost')).toBe(2);
    } finally {
      vi.unstubAllEnvs();
      await server.close();
    }
  });

  it('should exit 2 with one line for a malformed grid or sort metric', async () => {
    const badGrid = path.join(out, 'bad-grid.json');
    await writeFile(badGrid, JSON.stringify({ fast: [] }));
    const bad = await run(
      'sweep',
      strategyModule,
      '--grid',
      badGrid,
      '--start',
      '2024-01-03',
      '--end',
      '2024-01-04',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'error: Invalid parameter grid: grid.fast: must list at least one value. Use {"fast": [10, 20], "slow": [50, 100]} or [{"fast": 10, "slow": 50}].\n',
    );
    const sort = await run(
      'sweep',
      strategyModule,
      '--grid',
      badGrid,
      '--start',
      '2024-01-03',
      '--end',
      '2024-01-04',
      '--sort',
      'cagr',
    );
    expect(sort.code).toBe(2);
    expect(sort.stderr).toBe(
      'error: --sort must be one of total_return, sharpe, max_drawdown, trades, fees, got "cagr"\n',
    );
  });
});

describe('lb worker', () => {
  it('should exit 2 with one line for a bad concurrency, Redis URL or strategies folder', async () => {
    const concurrency = await run(
      'worker',
      '--redis',
      'redis://127.0.0.1:1',
      '--strategies',
      here,
      '--concurrency',
      '0',
    );
    expect(concurrency.code).toBe(2);
    expect(concurrency.stderr).toBe('error: --concurrency must be a whole number >= 1, got "0"\n');
    const scheme = await run(
      'worker',
      '--redis',
      'http://127.0.0.1:1',
      '--strategies',
      here,
      '--data-source',
      'dbn-files',
      '--data-dir',
      sampleDirectory,
    );
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toBe(
      'error: The Redis URL must start with redis:// or rediss:// (TLS), not http://.\n',
    );
    const empty = await mkdtemp(path.join(os.tmpdir(), 'lb-worker-empty-'));
    try {
      const none = await run(
        'worker',
        '--redis',
        'redis://127.0.0.1:1',
        '--strategies',
        empty,
        '--data-source',
        'dbn-files',
        '--data-dir',
        sampleDirectory,
      );
      expect(none.code).toBe(2);
      expect(none.stderr).toBe(`error: No strategy modules (.js, .mjs, .ts, .mts) found in ${empty}.\n`);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
