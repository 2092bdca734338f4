// Warm-read throughput: a year of 1-minute bars served from the cache, against reading the same files with
// fs.readFile. Run with `pnpm bench` (builds first).
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bars, parseTimestep, stock } from '@lb/core';
import { withFeatherCache } from '../dist/index.js';

const MINUTE = parseTimestep('1m');
const AAPL = stock('AAPL');
const START = new Date('2023-01-01T00:00:00Z');
const END = new Date('2024-01-01T00:00:00Z');

function minuteBars(startMs, endMs) {
  const length = Math.max(0, Math.ceil((endMs - startMs) / 60_000));
  const columns = {
    tsEventNanos: new BigInt64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  };
  for (let index = 0; index < length; index++) {
    const price = 100 + Math.sin(index / 500) * 10;
    columns.tsEventNanos[index] = BigInt(startMs + index * 60_000) * 1_000_000n;
    columns.open[index] = price;
    columns.high[index] = price + 0.5;
    columns.low[index] = price - 0.5;
    columns.close[index] = price + 0.25;
    columns.volume[index] = 1000 + (index % 97);
  }
  return Bars.fromColumns(columns, { symbol: 'AAPL', timestep: MINUTE });
}

const source = {
  specificationVersion: 'v1',
  sourceId: 'bench',
  capabilities: {
    assetTypes: ['stock'],
    timestepUnits: ['minute'],
    continuousFutures: false,
    instruments: false,
  },
  async doFetchBars(request) {
    return minuteBars(request.start.getTime(), request.end.getTime());
  },
};

async function time(label, iterations, action) {
  await action(); // warm-up
  const samples = [];
  for (let iteration = 0; iteration < iterations; iteration++) {
    const startedAt = process.hrtime.bigint();
    await action();
    samples.push(Number(process.hrtime.bigint() - startedAt) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { label, medianMs: samples[Math.floor(samples.length / 2)], bestMs: samples[0] };
}

const cacheDir = await mkdtemp(join(tmpdir(), 'lb-cache-bench-'));
try {
  const request = { asset: AAPL, timestep: MINUTE, start: START, end: END };
  for (const checksums of ['always', 'on-change', 'never']) {
    const first = checksums === 'always';
    const cached = withFeatherCache(source, {
      cacheDir,
      checksums,
      usageLedger: false,
      logger: { warn: console.warn, debug() {} },
    });
    const coldStartedAt = performance.now();
    const bars = await cached.doFetchBars(request);
    const coldMs = performance.now() - coldStartedAt;
    const warm = await time('cache', 20, () => cached.doFetchBars(request));
    const files = (await readdir(cacheDir, { recursive: true }))
      .filter((name) => name.endsWith('.feather'))
      .map((name) => join(cacheDir, name));
    let totalBytes = 0;
    const raw = await time('fs.readFile', 20, async () => {
      const buffers = await Promise.all(files.map((file) => readFile(file)));
      totalBytes = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
    });
    const perSecond = (milliseconds) => Math.round((bars.length / milliseconds) * 1000);
    if (first) {
      console.log(
        `${bars.length} 1-minute bars (one year), ${files.length} day files, ${(totalBytes / 1e6).toFixed(1)} MB`,
      );
      console.log(`cold (generate + write): ${coldMs.toFixed(0)} ms`);
    }
    console.log(
      `warm read, sha256 ${checksums.padEnd(9)}: median ${warm.medianMs.toFixed(1)} ms = ${(perSecond(warm.medianMs) / 1e6).toFixed(2)} M bars/s (best ${(perSecond(warm.bestMs) / 1e6).toFixed(2)} M), ${(warm.medianMs / raw.medianMs).toFixed(2)}x the fs.readFile time`,
    );
    if (first) {
      console.log(
        `fs.readFile of the same files: median ${raw.medianMs.toFixed(1)} ms = ${(perSecond(raw.medianMs) / 1e6).toFixed(2)} M bars/s, ${(((totalBytes / raw.medianMs) * 1000) / 1e9).toFixed(2)} GB/s`,
      );
    }
  }
} finally {
  await rm(cacheDir, { recursive: true, force: true });
}
