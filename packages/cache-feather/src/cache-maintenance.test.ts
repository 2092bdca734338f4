import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AAPL, CountingSource, day, HOURLY, hourlyBars } from './__fixtures__/bars.js';
import { writeFileAtomic } from './atomic-write.js';
import { clearCache, listPartitions, verifyCache } from './cache-maintenance.js';
import { encodePartition } from './partition-file.js';
import { partitionPaths } from './partition-layout.js';
import { acquireLock } from './partition-lock.js';
import { withFeatherCache } from './with-feather-cache.js';

let cacheDir: string;
const key = (dayText: string) => ({
  sourceId: 'counting',
  dataset: 'default',
  schema: '1h',
  symbol: 'stock:AAPL',
  day: dayText,
});

beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'lb-maintenance-'));
  const cached = withFeatherCache(new CountingSource(hourlyBars('2024-01-01', 5)), {
    cacheDir,
    now: () => new Date('2024-02-01T00:00:00Z'),
  });
  await cached.doFetchBars({
    asset: AAPL,
    timestep: HOURLY,
    start: day('2024-01-01'),
    end: day('2024-01-04'),
  });
});
afterEach(() => rm(cacheDir, { recursive: true, force: true }));

describe('cache maintenance', () => {
  it('should list partitions with rows, bytes, age and completeness', async () => {
    const partitions = await listPartitions(cacheDir, { now: new Date('2024-02-02T00:00:00Z') });
    expect(
      partitions.map((partition) => [partition.day, partition.rows, partition.complete, partition.ageMs]),
    ).toEqual([
      ['2024-01-01', 24, true, 86_400_000],
      ['2024-01-02', 24, true, 86_400_000],
      ['2024-01-03', 24, true, 86_400_000],
    ]);
    expect(partitions[0]!.bytes).toBeGreaterThan(24 * 48);
  });

  it('should report a manifest whose row count disagrees with the file even when the checksum matches', async () => {
    const { manifestPath } = partitionPaths(cacheDir, key('2024-01-02'));
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    await writeFile(
      manifestPath,
      JSON.stringify({ ...manifest, rowCount: 23, layout: undefined, manifestSha256: undefined }),
    );
    const { checked, problems } = await verifyCache(cacheDir);
    expect(checked).toBe(3);
    expect(problems).toEqual([
      {
        path: partitionPaths(cacheDir, key('2024-01-02')).dataPath,
        reason: 'file holds 24 rows, manifest says 23',
      },
    ]);
  });

  it('should report orphans and quarantine bad files on request', async () => {
    await rm(partitionPaths(cacheDir, key('2024-01-01')).manifestPath);
    await rm(partitionPaths(cacheDir, key('2024-01-03')).dataPath);
    const { problems } = await verifyCache(cacheDir, { quarantine: true });
    expect(problems.map((problem) => problem.reason).sort()).toEqual([
      'data file without a manifest',
      'manifest without its data file',
    ]);
    expect((await verifyCache(cacheDir)).problems).toEqual([]);
    const names = await readdir(partitionPaths(cacheDir, key('2024-01-01')).seriesDirectory);
    expect(names.filter((name) => name.includes('.corrupt-'))).toHaveLength(2);
  });

  it('should clear by day and then everything, leftovers included', async () => {
    expect(await clearCache(cacheDir, { before: day('2024-01-02') })).toMatchObject({ removedPartitions: 1 });
    expect((await listPartitions(cacheDir)).map((partition) => partition.day)).toEqual([
      '2024-01-02',
      '2024-01-03',
    ]);
    const directory = partitionPaths(cacheDir, key('2024-01-01')).seriesDirectory;
    await writeFile(join(directory, '.2024-01-05.feather.tmp-1-abc'), 'partial write');
    expect(await clearCache(cacheDir)).toMatchObject({ removedPartitions: 2 });
    expect(await readdir(directory)).toEqual([]);
    expect(await readdir(cacheDir)).toContain('usage.jsonl');
  });

  it('should wait for a writer holding the series lock before touching its files', async () => {
    const directory = partitionPaths(cacheDir, key('2024-01-01')).seriesDirectory;
    const lock = await acquireLock(join(directory, '.lock'));
    // What a download in progress has on disk: a temporary file about to be renamed into place.
    const inFlight = join(directory, `.2024-01-04.feather.tmp-${process.pid}-abc123`);
    await writeFile(inFlight, 'being written');
    const clearing = clearCache(cacheDir);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await stat(inFlight)).size).toBe(13);
    expect(await listPartitions(cacheDir)).toHaveLength(3);
    await lock.release();
    expect(await clearing).toMatchObject({ removedPartitions: 3 });
    expect(await readdir(directory)).toEqual([]);
  });

  it('should keep a JSON cache temporary file whose writer is alive and drop one whose writer is gone', async () => {
    const directory = join(cacheDir, 'counting', 'instruments');
    await mkdir(directory, { recursive: true });
    const live = join(directory, `.stock%3AAAPL.json.tmp-${process.pid}-abc123`);
    const dead = join(directory, '.stock%3AMSFT.json.tmp-999999999-abc123');
    await writeFile(live, '{}');
    await writeFile(dead, '{}');
    await clearCache(cacheDir);
    expect((await readdir(directory)).sort()).toEqual([`.stock%3AAAPL.json.tmp-${process.pid}-abc123`]);
  });

  it('should not report a partition a writer is replacing, and report it once the writer died', async () => {
    const paths = partitionPaths(cacheDir, key('2024-01-02'));
    const manifest = JSON.parse(await readFile(paths.manifestPath, 'utf8'));
    const replacement = encodePartition(
      hourlyBars('2024-01-02', 1).between(day('2024-01-02'), new Date('2024-01-02T12:00:00Z')),
    );
    // A download between its two renames: new data in place, old manifest still there, lock held.
    const lock = await acquireLock(join(paths.seriesDirectory, '.lock'));
    await writeFileAtomic(paths.dataPath, replacement.bytes);
    const verifying = verifyCache(cacheDir);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await writeFileAtomic(
      paths.manifestPath,
      JSON.stringify({
        ...manifest,
        manifestSha256: undefined,
        rowCount: 12,
        byteLength: replacement.bytes.byteLength,
        sha256: replacement.sha256,
        layout: replacement.layout,
      }),
    );
    await lock.release();
    expect(await verifying).toEqual({ checked: 3, problems: [] });

    await writeFileAtomic(paths.dataPath, Buffer.from('torn'));
    expect((await verifyCache(cacheDir)).problems).toEqual([
      { path: paths.dataPath, reason: `file has 4 bytes, manifest says ${replacement.bytes.byteLength}` },
    ]);
  });

  it('should leave files outside the partition layout alone, such as Lumibot cache files', async () => {
    const foreign = [
      join(cacheDir, 'ES_minute_2024-01-01_2024-02-01.feather'),
      join(cacheDir, 'lumibot', 'AAPL', 'x.feather'),
      join(cacheDir, 'lumibot', 'AAPL', 'x.manifest.json'),
    ];
    await mkdir(join(cacheDir, 'lumibot', 'AAPL'), { recursive: true });
    for (const path of foreign) await writeFile(path, 'not ours');
    expect(await listPartitions(cacheDir)).toHaveLength(3);
    expect(await verifyCache(cacheDir)).toEqual({ checked: 3, problems: [] });
    expect(await clearCache(cacheDir)).toMatchObject({ removedPartitions: 3 });
    for (const path of foreign) expect(await readFile(path, 'utf8')).toBe('not ours');
  });
});
