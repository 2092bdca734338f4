// Every single-bit flip of one partition's manifest and of its (small) data file, each read through a fresh
// cache: a flip must be served intact (it changed nothing the read uses) or detected (moved aside and
// refetched); it must never serve wrong bars. Run with `pnpm --filter @lb/cache-feather sweep:bit-flip`
// (builds first). Options: `--checksums on-change|always|never` (default on-change).
import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Bars, parseTimestep, stock } from '@lb/core';
import { partitionPaths, withFeatherCache } from '../dist/index.js';

const { values } = parseArgs({ options: { checksums: { type: 'string', default: 'on-change' } } });
const HOURLY = parseTimestep('1h');
const AAPL = stock('AAPL');
const NOW = new Date('2024-02-01T00:00:00Z');
const START = new Date('2024-01-01T00:00:00Z');
const END = new Date('2024-01-04T00:00:00Z');
const SERIES = {
  sourceId: 'sweep',
  dataset: 'default',
  schema: '1h',
  symbol: 'stock:AAPL',
  day: '2024-01-02',
};

function hourlyBars(startMs, endMs) {
  const rows = [];
  for (let timeMs = startMs; timeMs < endMs; timeMs += 3_600_000) {
    const hour = (timeMs - startMs) / 3_600_000;
    rows.push({
      tsEventNanos: BigInt(timeMs) * 1_000_000n,
      open: 100 + hour / 10,
      high: 101 + hour / 10,
      low: 99 + hour / 10,
      close: 100.5 + hour / 10,
      volume: 1000 + hour,
    });
  }
  return Bars.fromRows(rows, { symbol: 'AAPL', timestep: HOURLY });
}

const expected = hourlyBars(START.getTime(), END.getTime());

function countingSource() {
  const source = {
    specificationVersion: 'v1',
    sourceId: 'sweep',
    capabilities: {
      assetTypes: ['stock'],
      timestepUnits: ['hour'],
      continuousFutures: false,
      instruments: false,
    },
    fetches: 0,
    async doFetchBars(request) {
      source.fetches++;
      return expected.between(request.start, request.end);
    },
  };
  return source;
}

function sameBars(actual, wanted) {
  if (actual.length !== wanted.length) return false;
  for (const name of ['tsEventNanos', 'open', 'high', 'low', 'close', 'volume']) {
    for (let index = 0; index < actual.length; index++) {
      if (actual[name][index] !== wanted[name][index]) return false;
    }
  }
  return true;
}

const cacheDir = await mkdtemp(join(tmpdir(), 'lb-bit-flip-sweep-'));
try {
  const request = { asset: AAPL, timestep: HOURLY, start: START, end: END };
  await withFeatherCache(countingSource(), { cacheDir, now: () => NOW, usageLedger: false }).doFetchBars(
    request,
  );
  const paths = partitionPaths(cacheDir, SERIES);
  const originals = new Map();
  for (const path of [paths.manifestPath, paths.dataPath]) originals.set(path, await readFile(path));

  const restore = async () => {
    for (const name of await readdir(paths.seriesDirectory)) {
      if (name.includes('.corrupt-')) await unlink(join(paths.seriesDirectory, name));
    }
    for (const [path, bytes] of originals) await writeFile(path, bytes);
  };

  console.log(`checksums: ${values.checksums}`);
  let totalWrong = 0;
  for (const [label, path] of [
    ['manifest', paths.manifestPath],
    ['data file', paths.dataPath],
  ]) {
    const original = originals.get(path);
    const outcomes = { flips: 0, intact: 0, detected: 0, errors: 0, wrongBars: 0 };
    const startedAt = performance.now();
    for (let bit = 0; bit < original.length * 8; bit++) {
      const flipped = Buffer.from(original);
      flipped[bit >> 3] ^= 1 << (bit & 7);
      await writeFile(path, flipped);
      const source = countingSource();
      const cached = withFeatherCache(source, {
        cacheDir,
        now: () => NOW,
        usageLedger: false,
        checksums: values.checksums,
        logger: { warn() {}, debug() {} },
      });
      outcomes.flips++;
      try {
        const bars = await cached.doFetchBars(request);
        if (!sameBars(bars, expected)) {
          outcomes.wrongBars++;
          if (outcomes.wrongBars <= 5) console.log(`  wrong bars: ${label} bit ${bit} (byte ${bit >> 3})`);
        } else if (source.fetches > 0) outcomes.detected++;
        else outcomes.intact++;
      } catch (error) {
        outcomes.errors++;
        console.log(`  error: ${label} bit ${bit}: ${error.message}`);
      }
      await restore();
    }
    totalWrong += outcomes.wrongBars;
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    console.log(
      `${label} (${original.length} bytes): ${outcomes.flips} flips, ${outcomes.detected} detected and refetched, ${outcomes.intact} served intact, ${outcomes.errors} errors, ${outcomes.wrongBars} wrong bars served (${seconds} s)`,
    );
  }
  process.exitCode = totalWrong === 0 ? 0 : 1;
} finally {
  await rm(cacheDir, { recursive: true, force: true });
}
