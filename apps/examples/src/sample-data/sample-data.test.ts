import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activeContract, continuousFuture, fetchBars, fetchInstrument, getMarketCalendar } from '@lb/core';
import { zstdImplementations } from '@lb/dbn';
import { createDbnFileSource } from '@lb/dbn-files';
import { describe, expect, it } from 'vitest';
import { generateSampleData } from './generate-sample-data.js';

const dataDir = fileURLToPath(new URL('../../data/', import.meta.url));

async function sha256ByFile(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const hashes: Record<string, string> = {};
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.dbn.zst')) continue;
    const path = join(entry.parentPath, entry.name);
    hashes[path.slice(dir.length).replace(/^[/\\]/, '')] = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  }
  return hashes;
}

describe('generateSampleData', () => {
  // Without the native zstd binding compressZstd stores raw blocks, so the bytes differ by design.
  it.skipIf(zstdImplementations().wholeBuffer !== 'native')(
    'should regenerate the committed sample byte for byte',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'lb-sample-'));
      try {
        const written = await generateSampleData(dir);
        expect(written).toHaveLength(12);
        const committed = await sha256ByFile(dataDir);
        expect(Object.keys(committed).sort()).toEqual(written);
        expect(await sha256ByFile(dir)).toEqual(committed);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('sample data through createDbnFileSource', () => {
  const source = createDbnFileSource({ dir: dataDir });

  it('should stitch continuous ES 1m bars from ESZ3 to ESH4 at the core roll', async () => {
    const bars = await fetchBars(source, {
      asset: continuousFuture('ES'),
      timestep: '1m',
      start: '2023-12-04T00:00:00Z',
      end: '2023-12-12T00:00:00Z',
    });
    // Core's equity-index rule: 00:00 New York eight business days before the third Friday (Dec 15).
    const roll = activeContract('ES', new Date('2023-12-04T00:00:00Z')).rollInstant;
    expect(roll.toISOString()).toBe('2023-12-05T05:00:00.000Z');
    expect(bars.metadata.segments).toEqual([
      { symbol: 'ESZ3', startIndex: 0 },
      { symbol: 'ESH4', startIndex: bars.indexAtOrAfter(roll) },
    ]);
    // Mon Dec 4 to Mon Dec 11 (UTC): six sessions of 23 hours, minus the weekend, clipped to the window.
    const calendar = getMarketCalendar('us_futures');
    const expected = calendar
      .sessions(new Date('2023-12-04T00:00:00Z'), new Date('2023-12-12T00:00:00Z'))
      .reduce((total, session) => {
        const open = Math.max(session.open.getTime(), Date.parse('2023-12-04T00:00:00Z'));
        const close = Math.min(session.close.getTime(), Date.parse('2023-12-12T00:00:00Z'));
        return total + Math.max(0, (close - open) / 60_000);
      }, 0);
    expect(bars.length).toBe(expected);
    for (let index = 0; index < bars.length; index++) {
      const open = new Date(Number(bars.tsEventNanos[index]! / 1_000_000n));
      if (!calendar.isOpen(open)) throw new Error(`bar at ${open.toISOString()} is outside a session`);
      expect(bars.low[index]! <= Math.min(bars.open[index]!, bars.close[index]!)).toBe(true);
      expect(bars.high[index]! >= Math.max(bars.open[index]!, bars.close[index]!)).toBe(true);
    }
  });

  it('should serve MNQ over the benchmark window and contract specs from the definitions', async () => {
    const bars = await fetchBars(source, {
      asset: continuousFuture('MNQ'),
      timestep: '1m',
      start: '2024-01-03T00:00:00Z',
      end: '2024-01-04T00:00:00Z',
    });
    expect(bars.length).toBe(23 * 60);
    expect(bars.metadata.segments ?? [{ symbol: 'MNQH4', startIndex: 0 }]).toEqual([
      { symbol: 'MNQH4', startIndex: 0 },
    ]);
    const at = new Date('2024-01-03T00:00:00Z');
    await expect(fetchInstrument(source, continuousFuture('ES'), at)).resolves.toEqual({
      symbol: 'ESH4',
      multiplier: 50,
      tickSize: 0.25,
      expiration: '2024-03-15',
      currency: 'USD',
    });
    await expect(fetchInstrument(source, continuousFuture('MES'), at)).resolves.toMatchObject({
      multiplier: 5,
    });
    await expect(fetchInstrument(source, continuousFuture('MNQ'), at)).resolves.toMatchObject({
      multiplier: 2,
    });
  });
});
