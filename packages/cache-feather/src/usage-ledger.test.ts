import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appendUsage,
  readUsage,
  summarizeUsage,
  USAGE_LEDGER_FILE,
  type UsageEntry,
} from './usage-ledger.js';

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'lb-usage-'));
});
afterEach(() => rm(cacheDir, { recursive: true, force: true }));

const entry = (overrides: Partial<UsageEntry>): UsageEntry => ({
  time: '2025-01-02T10:00:00.000Z',
  sourceId: 'databento',
  dataset: 'GLBX.MDP3',
  schema: 'ohlcv-1m',
  symbols: ['ESH5'],
  start: '2025-01-01T00:00:00.000Z',
  end: '2025-01-02T00:00:00.000Z',
  bytes: 1000,
  records: 10,
  costUsd: 0.5,
  servedFromCache: false,
  ...overrides,
});

describe('usage ledger', () => {
  it('should keep every line whole when many writers append at once', async () => {
    await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        appendUsage(cacheDir, entry({ records: index, symbols: ['X'.repeat(index)] })),
      ),
    );
    const entries = await readUsage(cacheDir);
    expect(entries).toHaveLength(200);
    expect(new Set(entries.map((item) => item.records)).size).toBe(200);
  });

  it('should skip a torn or foreign line instead of failing', async () => {
    await appendUsage(cacheDir, entry({}));
    await appendFile(join(cacheDir, USAGE_LEDGER_FILE), '{"time":"2025-01-0');
    expect(await readUsage(cacheDir)).toHaveLength(1);
  });

  it('should keep the entry appended after a line torn by a killed writer', async () => {
    await appendUsage(cacheDir, entry({ records: 1 }));
    await appendFile(join(cacheDir, USAGE_LEDGER_FILE), '{"time":"2025-01-02T10:00:00.000Z","sourceId":"da');
    await appendUsage(cacheDir, entry({ records: 3 }));
    expect((await readUsage(cacheDir)).map((item) => item.records)).toEqual([1, 3]);
  });

  it('should sum spending and savings per UTC day and symbol, splitting multi-symbol downloads', async () => {
    await appendUsage(cacheDir, entry({}));
    await appendUsage(cacheDir, entry({ symbols: ['ESH5', 'NQH5'], bytes: 400, costUsd: 0.2, records: 4 }));
    await appendUsage(cacheDir, entry({ servedFromCache: true, bytes: 1000, costUsd: 0.5, records: 10 }));
    await appendUsage(
      cacheDir,
      entry({ time: '2025-01-03T01:00:00.000Z', servedFromCache: true, bytes: 300, costUsd: 0.1 }),
    );
    const summary = await summarizeUsage(cacheDir);
    expect(
      summary.rows.map((row) => [
        row.day,
        row.symbol,
        row.downloads,
        row.downloadedBytes,
        row.spentUsd,
        row.cacheHits,
        row.savedBytes,
      ]),
    ).toEqual([
      ['2025-01-02', 'ESH5', 1.5, 1200, 0.6, 1, 1000],
      ['2025-01-02', 'NQH5', 0.5, 200, 0.1, 0, 0],
      ['2025-01-03', 'ESH5', 0, 0, 0, 1, 300],
    ]);
    expect(summary.totals).toMatchObject({
      downloads: 2,
      downloadedBytes: 1400,
      cacheHits: 2,
      savedBytes: 1300,
    });
    expect(summary.totals.savedUsd).toBeCloseTo(0.6);
    const since = await summarizeUsage(cacheDir, { since: new Date('2025-01-03T00:00:00Z') });
    expect(since.rows).toHaveLength(1);
  });
  it('should count a pending download as unconfirmed until a line with its intentId settles it', async () => {
    const pending = (intentId: string, costUsd: number) =>
      entry({ intentId, status: 'pending', bytes: 0, records: 0, costUsd });
    await appendUsage(cacheDir, pending('a', 0.5));
    await appendUsage(cacheDir, entry({ intentId: 'a', costUsd: 0.5 }));
    await appendUsage(cacheDir, pending('b', 0.25));
    await appendUsage(cacheDir, pending('c', 2));
    await appendUsage(
      cacheDir,
      entry({ intentId: 'c', status: 'failed', bytes: 0, records: 0, costUsd: undefined }),
    );
    await appendUsage(cacheDir, pending('d', 1));
    await appendUsage(
      cacheDir,
      entry({ intentId: 'd', status: 'failed', bytes: 300, records: 0, costUsd: 1 }),
    );
    const { totals } = await summarizeUsage(cacheDir);
    expect(totals).toMatchObject({
      downloads: 2,
      downloadedBytes: 1300,
      spentUsd: 1.5,
      unconfirmedDownloads: 1,
      unconfirmedUsd: 0.25,
    });
  });
});
