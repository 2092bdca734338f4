import { randomUUID } from 'node:crypto';
import type { BarsRequest, DownloadReport } from '@lb/core';
import type { CacheLogger } from './logger.js';
import type { DayHit, SeriesKey } from './partition-reader.js';
import { appendUsage, type UsageEntry } from './usage-ledger.js';

/** Settings of {@link UsageRecorder}. */
export interface UsageRecorderOptions {
  readonly cacheDir: string;
  readonly enabled: boolean;
  readonly logger: CacheLogger;
  readonly now: () => Date;
}

/** A download about to start, as written to the ledger before its first byte. */
export interface DownloadIntent {
  readonly series: SeriesKey;
  readonly startMs: number;
  readonly endMs: number;
  /** The source's estimate, when it priced the download. */
  readonly estimatedCostUsd: number | undefined;
}

/**
 * Writes the usage ledger: an intent line before each download, the download's reports after it (which
 * settle the intent), and one line per request for the days served from disk. A ledger that cannot be
 * written is reported, never fatal.
 */
export class UsageRecorder {
  readonly #options: UsageRecorderOptions;

  constructor(options: UsageRecorderOptions) {
    this.#options = options;
  }

  async record(entry: UsageEntry): Promise<void> {
    if (!this.#options.enabled) return;
    try {
      await appendUsage(this.#options.cacheDir, entry);
    } catch (error) {
      this.#options.logger.warn(`could not append to the usage ledger: ${(error as Error).message}`);
    }
  }

  /** Writes the pending line of a download; returns the id that settles it. */
  async begin(intent: DownloadIntent): Promise<string> {
    const intentId = randomUUID();
    await this.record({
      ...this.#rangeEntry(intent),
      bytes: 0,
      records: 0,
      ...(intent.estimatedCostUsd === undefined ? {} : { costUsd: intent.estimatedCostUsd }),
      servedFromCache: false,
      intentId,
      status: 'pending',
    });
    return intentId;
  }

  /** Settles an intent with what the source reported (or a zero-byte line when it reported nothing). */
  async settle(
    intentId: string,
    intent: DownloadIntent,
    reports: readonly DownloadReport[],
    records: number,
  ): Promise<void> {
    const time = this.#options.now();
    if (reports.length === 0) {
      await this.record({
        ...this.#rangeEntry(intent),
        time: time.toISOString(),
        bytes: 0,
        records,
        servedFromCache: false,
        intentId,
      });
      return;
    }
    for (const report of reports) await this.record({ ...reportToEntry(report, time), intentId });
  }

  /**
   * Settles an intent whose download failed. Bytes the error says were received (a complete body that did
   * not decode) were billed: they are recorded with the estimate.
   */
  async fail(intentId: string, intent: DownloadIntent, error: unknown): Promise<void> {
    const bytes = receivedBytes(error);
    await this.record({
      ...this.#rangeEntry(intent),
      bytes,
      records: 0,
      ...(bytes > 0 && intent.estimatedCostUsd !== undefined ? { costUsd: intent.estimatedCostUsd } : {}),
      servedFromCache: false,
      intentId,
      status: 'failed',
    });
  }

  /** Records a download outside the bar cache (instrument definitions). */
  recordReport(report: DownloadReport): Promise<void> {
    return this.record(reportToEntry(report, this.#options.now()));
  }

  /** Days read from disk (not downloaded by this call) are recorded as one servedFromCache entry. */
  async recordCacheHits(context: {
    readonly request: BarsRequest;
    readonly series: SeriesKey;
    readonly days: readonly string[];
    readonly hits: ReadonlyMap<string, DayHit>;
    readonly resultRows: number;
  }): Promise<void> {
    const { request, series } = context;
    let rows = 0;
    let bytes = 0;
    let costUsd: number | undefined;
    let fromDisk = 0;
    for (const day of context.days) {
      const hit = context.hits.get(day);
      if (hit === undefined || !hit.fromDisk) continue;
      const inWindow = hit.bars.between(request.start, request.end).length;
      fromDisk++;
      rows += inWindow;
      const fraction = hit.bars.length > 0 ? inWindow / hit.bars.length : 1;
      bytes += hit.manifest.downloadBytes * fraction;
      if (hit.manifest.downloadCostUsd !== undefined) {
        costUsd = (costUsd ?? 0) + hit.manifest.downloadCostUsd * fraction;
      }
    }
    if (fromDisk === 0) return;
    await this.record({
      time: this.#options.now().toISOString(),
      sourceId: series.sourceId,
      dataset: series.dataset,
      schema: series.schema,
      symbols: [series.symbol],
      start: request.start.toISOString(),
      end: request.end.toISOString(),
      bytes: Math.round(bytes),
      records: Math.min(rows, context.resultRows),
      ...(costUsd === undefined ? {} : { costUsd }),
      servedFromCache: true,
    });
  }

  #rangeEntry(intent: DownloadIntent) {
    return {
      time: this.#options.now().toISOString(),
      sourceId: intent.series.sourceId,
      dataset: intent.series.dataset,
      schema: intent.series.schema,
      symbols: [intent.series.symbol],
      start: new Date(intent.startMs).toISOString(),
      end: new Date(intent.endMs).toISOString(),
    };
  }
}

function receivedBytes(error: unknown): number {
  const bytes = (error as { bytes?: unknown } | undefined)?.bytes;
  return typeof bytes === 'number' && Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
}

function reportToEntry(report: DownloadReport, time: Date): UsageEntry {
  return {
    time: time.toISOString(),
    sourceId: report.sourceId,
    dataset: report.dataset,
    schema: report.schema,
    symbols: [...report.symbols],
    start: report.start.toISOString(),
    end: report.end.toISOString(),
    bytes: report.bytes,
    records: report.records,
    ...(report.costUsd === undefined ? {} : { costUsd: report.costUsd }),
    servedFromCache: false,
  };
}
