import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bars, BarsRequest } from '@lb/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AAPL, CountingSource, day, HOURLY, hourlyBars } from './__fixtures__/bars.js';
import { partitionPaths } from './partition-layout.js';
import { withFeatherCache } from './with-feather-cache.js';

// A sampled version of bench/bit-flip-sweep.mjs (which flips every bit): single-bit flips of a manifest
// and of a small data file must never serve wrong bars; each is served intact or detected and refetched.
const SAMPLES_PER_FILE = 120;
const SERIES = { sourceId: 'counting', dataset: 'default', schema: '1h', symbol: 'stock:AAPL' };
const NOW = new Date('2024-02-01T00:00:00Z');
const REQUEST: BarsRequest = {
  asset: AAPL,
  timestep: HOURLY,
  start: day('2024-01-01'),
  end: day('2024-01-04'),
};

let cacheDir: string;
const all = hourlyBars('2024-01-01', 3);
const expected = all.between(day('2024-01-01'), day('2024-01-04'));
const paths = () => partitionPaths(cacheDir, { ...SERIES, day: '2024-01-02' });
const originals = new Map<string, Buffer>();

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'lb-bit-flip-'));
  await withFeatherCache(new CountingSource(all), { cacheDir, now: () => NOW }).doFetchBars(REQUEST);
  for (const path of [paths().manifestPath, paths().dataPath]) originals.set(path, await readFile(path));
});
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

function sameBars(actual: Bars, wanted: Bars): boolean {
  if (actual.length !== wanted.length) return false;
  for (const name of ['tsEventNanos', 'open', 'high', 'low', 'close', 'volume'] as const) {
    const left = actual[name];
    const right = wanted[name];
    for (let index = 0; index < left.length; index++) if (left[index] !== right[index]) return false;
  }
  return true;
}

/** Deterministic bit positions (mulberry32), so a failure reproduces. */
function sampleBits(totalBits: number, count: number, seed: number): number[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return Array.from({ length: count }, () => Math.floor(next() * totalBits));
}

async function restore(): Promise<void> {
  for (const name of await readdir(paths().seriesDirectory)) {
    if (name.includes('.corrupt-')) await unlink(join(paths().seriesDirectory, name));
  }
  for (const [path, bytes] of originals) await writeFile(path, bytes);
}

async function sweep(path: string, seed: number) {
  const original = originals.get(path)!;
  const outcomes = { intact: 0, detected: 0, errors: 0, wrongBars: 0 };
  for (const bit of sampleBits(original.length * 8, SAMPLES_PER_FILE, seed)) {
    const flipped = Buffer.from(original);
    flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << (bit & 7));
    await writeFile(path, flipped);
    const warnings: string[] = [];
    const source = new CountingSource(all);
    const cached = withFeatherCache(source, {
      cacheDir,
      now: () => NOW,
      usageLedger: false,
      logger: { warn: (message) => warnings.push(message), debug() {} },
    });
    try {
      const bars = await cached.doFetchBars(REQUEST);
      if (!sameBars(bars, expected)) outcomes.wrongBars++;
      else if (source.fetches.length > 0) outcomes.detected++;
      else outcomes.intact++;
    } catch {
      outcomes.errors++;
    }
    await restore();
  }
  return outcomes;
}

describe('withFeatherCache under single-bit flips (sampled)', () => {
  it('should never serve wrong bars from a manifest with one flipped bit', async () => {
    const outcomes = await sweep(paths().manifestPath, 11);
    expect(outcomes.wrongBars).toBe(0);
    expect(outcomes.errors).toBe(0);
    expect(outcomes.detected + outcomes.intact).toBe(SAMPLES_PER_FILE);
    expect(outcomes.detected).toBeGreaterThan(SAMPLES_PER_FILE / 2);
  });

  it('should never serve wrong bars from a data file with one flipped bit', async () => {
    const outcomes = await sweep(paths().dataPath, 12);
    expect(outcomes).toEqual({ intact: 0, detected: SAMPLES_PER_FILE, errors: 0, wrongBars: 0 });
  });
});
