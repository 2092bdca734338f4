import type { Bars, DownloadReport } from '@lb/core';
import { writeFileAtomic } from './atomic-write.js';
import { dayCoverage } from './freshness.js';
import { MANIFEST_FORMAT_VERSION, type PartitionManifest, writeManifest } from './manifest.js';
import { encodePartition } from './partition-file.js';
import { DAY_MS, dayStartMs, partitionPaths } from './partition-layout.js';
import type { DayHit, SeriesKey } from './partition-reader.js';

/** The range one download of consecutive days asks the source for. */
export interface RunRange {
  /** The days of the run the origin has data for (all, or a prefix when the run reaches its end). */
  readonly covered: readonly string[];
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * What to download for a run of consecutive days when the origin's data ends at `availableEndMs`:
 * from the first covered day to the end of the last, cut at the available end. Undefined when the origin has
 * none of it. The cache's plan and its downloads both use it, so a priced plan matches what is downloaded.
 */
export function runRange(run: readonly string[], availableEndMs: number): RunRange | undefined {
  const covered = run.filter((day) => dayCoverage(day, availableEndMs) !== undefined);
  if (covered.length === 0) return undefined;
  return {
    covered,
    startMs: dayStartMs(covered[0]!),
    endMs: Math.min(dayStartMs(covered.at(-1)!) + DAY_MS, availableEndMs),
  };
}

/** A downloaded run to store, one partition per covered day. */
export interface StoreRunContext {
  readonly cacheDir: string;
  readonly series: SeriesKey;
  readonly range: RunRange;
  readonly availableEndMs: number;
  readonly bars: Bars;
  readonly reports: readonly DownloadReport[];
  readonly fetchedAt: Date;
}

/**
 * Writes each covered day of a download (data file first, manifest second: a crash in between leaves a
 * data file whose manifest is missing or describes other bytes, which validation rejects). Each day
 * carries its share of the download's bytes and cost, so a later cache hit can say what it saved.
 */
export async function storeRun(context: StoreRunContext): Promise<Map<string, DayHit>> {
  const { series, range, availableEndMs, bars, reports } = context;
  const totalBytes = reports.reduce((sum, report) => sum + report.bytes, 0);
  const costs = reports.filter((report) => report.costUsd !== undefined);
  const totalCost = costs.length > 0 ? costs.reduce((sum, report) => sum + report.costUsd!, 0) : undefined;
  const result = new Map<string, DayHit>();
  for (const day of range.covered) {
    const coverage = dayCoverage(day, availableEndMs)!;
    const part = bars.between(new Date(coverage.coveredStartMs), new Date(dayStartMs(day) + DAY_MS));
    const share = bars.length > 0 ? part.length / bars.length : 1 / range.covered.length;
    const encoded = encodePartition(part);
    const manifest: PartitionManifest = {
      formatVersion: MANIFEST_FORMAT_VERSION,
      sourceId: series.sourceId,
      dataset: series.dataset,
      schema: series.schema,
      symbol: series.symbol,
      day,
      coveredStart: new Date(coverage.coveredStartMs).toISOString(),
      coveredEnd: new Date(coverage.coveredEndMs).toISOString(),
      rowCount: part.length,
      byteLength: encoded.bytes.byteLength,
      sha256: encoded.sha256,
      ...(encoded.layout === undefined ? {} : { layout: encoded.layout }),
      writtenAt: context.fetchedAt.toISOString(),
      complete: coverage.complete,
      availableEndAtFetch: new Date(availableEndMs).toISOString(),
      downloadBytes: totalBytes * share,
      ...(totalCost === undefined ? {} : { downloadCostUsd: totalCost * share }),
    };
    const paths = partitionPaths(context.cacheDir, { ...series, day });
    await writeFileAtomic(paths.dataPath, encoded.bytes);
    await writeManifest(paths.manifestPath, manifest);
    result.set(day, { bars: part, manifest, fromDisk: false });
  }
  return result;
}
