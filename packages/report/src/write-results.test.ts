import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvalidArgumentError } from '@lb/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyntheticRunRecord } from './__fixtures__/synthetic-run-record.js';
import { createRunDirectory, defaultRunId } from './run-directory.js';
import { writeResults } from './write-results.js';

// Two weeks of 1-minute iterations with a roll-free toy strategy: enough for every file and section.
const record = createSyntheticRunRecord({ startMs: Date.UTC(2024, 0, 1), endMs: Date.UTC(2024, 0, 15) });

describe('writeResults', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'lb-report-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('should write every result file into a new run folder and nothing else', async () => {
    const files = await writeResults({ outDir: path.join(scratch, 'files'), record, runId: 'run' });
    expect(files.directory).toBe(path.join(scratch, 'files', 'run'));
    expect((await readdir(files.directory)).sort()).toEqual([
      'equity.csv',
      'round_trips.csv',
      'stats.csv',
      'stats.json',
      'tearsheet.html',
      'trades.csv',
    ]);
    const stats = JSON.parse(await readFile(files.statsJson, 'utf8'));
    expect(Object.keys(stats)).toEqual([
      'strategy',
      'start',
      'end',
      'budget',
      'dataDescription',
      'parameters',
      'iterations',
      'metrics',
      'warnings',
      'benchmark',
    ]);
    expect(stats.warnings).toEqual(record.warnings);
    expect(stats.metrics).toEqual(JSON.parse(JSON.stringify(files.metrics)));
    expect(stats.metrics.fills).toBe(record.fills.length);
    expect(stats.metrics.roundTrips).toBeGreaterThan(0);
    const trades = (await readFile(files.tradesCsv, 'utf8')).trimEnd().split('\n');
    expect(trades).toHaveLength(record.fills.length + 1);
    const equity = (await readFile(files.equityCsv, 'utf8')).trimEnd().split('\n');
    expect(equity[0]).toBe('time,portfolio_value,cash,benchmark_value');
    expect(equity).toHaveLength(record.equity.timesMs.length + 1);
    const html = await readFile(files.tearsheetHtml, 'utf8');
    expect(html).toContain('Data: <strong>SYNTHETIC random walk (seeded), not real market data</strong>');
  });

  it('should leave out stats.csv without traced rows', async () => {
    const files = await writeResults({
      outDir: path.join(scratch, 'no-rows'),
      record: { ...record, statsRows: [] },
    });
    expect(files.statsCsv).toBeUndefined();
    expect(await readdir(files.directory)).not.toContain('stats.csv');
  });

  it('should give identical inputs byte-identical files', async () => {
    const first = await writeResults({ outDir: path.join(scratch, 'same'), record });
    const second = await writeResults({
      outDir: path.join(scratch, 'same'),
      record: createSyntheticRunRecord({ startMs: Date.UTC(2024, 0, 1), endMs: Date.UTC(2024, 0, 15) }),
    });
    expect(second.directory).not.toBe(first.directory);
    const names = (await readdir(first.directory)).sort();
    expect(names).toHaveLength(6);
    for (const name of names) {
      const left = await readFile(path.join(first.directory, name));
      const right = await readFile(path.join(second.directory, name));
      expect(left.equals(right), name).toBe(true);
    }
  });

  it('should never give two runs started in the same second the same folder', async () => {
    const outDir = path.join(scratch, 'collide');
    const nowMs = () => Date.UTC(2026, 10, 29, 22, 39, 46, 123);
    const directories = await Promise.all(
      Array.from({ length: 6 }, () => createRunDirectory({ outDir, nowMs })),
    );
    expect(new Set(directories).size).toBe(6);
    expect((await readdir(outDir)).sort()).toEqual([
      '2026-11-29T22-39-46Z',
      '2026-11-29T22-39-46Z-2',
      '2026-11-29T22-39-46Z-3',
      '2026-11-29T22-39-46Z-4',
      '2026-11-29T22-39-46Z-5',
      '2026-11-29T22-39-46Z-6',
    ]);
    expect(defaultRunId(nowMs())).toBe('2026-11-29T22-39-46Z');
  });

  it('should refuse a run id that is not a plain folder name', async () => {
    const attempt = createRunDirectory({ outDir: scratch, runId: '../escape' });
    await expect(attempt).rejects.toThrow(/must be a plain folder name/);
    await expect(attempt.catch((error: unknown) => InvalidArgumentError.isInstance(error))).resolves.toBe(
      true,
    );
  });
});
