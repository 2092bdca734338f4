import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, describe, expect, it } from 'vitest';
import { AAPL, CountingSource, day, HOURLY, hourlyBars } from './__fixtures__/bars.js';
import { partitionPaths } from './partition-layout.js';
import { withFeatherCache } from './with-feather-cache.js';

const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

describe('cache files', () => {
  it('should be readable by polars with the same values', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'lb-cache-polars-'));
    directories.push(cacheDir);
    const cached = withFeatherCache(new CountingSource(hourlyBars('2024-01-01', 3)), { cacheDir });
    const bars = await cached.doFetchBars({
      asset: AAPL,
      timestep: HOURLY,
      start: day('2024-01-02'),
      end: day('2024-01-03'),
    });
    const path = partitionPaths(cacheDir, {
      sourceId: 'counting',
      dataset: 'default',
      schema: '1h',
      symbol: 'stock:AAPL',
      day: '2024-01-02',
    }).dataPath;
    // nodejs-polars treats a path not ending in .ipc as file contents: pass the bytes.
    const frame = pl.readIPC(await readFile(path));
    expect(frame.columns).toEqual(['ts_event', 'open', 'high', 'low', 'close', 'volume']);
    expect(frame.height).toBe(24);
    expect(bars.length).toBe(24);
    for (const name of ['open', 'high', 'low', 'close', 'volume'] as const) {
      expect(frame.getColumn(name).toArray()).toEqual(Array.from(bars[name]));
    }
    const times = frame.getColumn('ts_event').toArray() as unknown as Date[];
    expect(times.map((time) => time.getTime())).toEqual(
      Array.from(bars.tsEventNanos, (nanos) => Number(nanos / 1_000_000n)),
    );
    expect(times[0]!.getTime()).toBe(Date.parse('2024-01-02T00:00:00Z'));
  });
});
