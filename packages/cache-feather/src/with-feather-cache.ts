import { readFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import {
  assetKey,
  Bars,
  type BarsRequest,
  type BarsRequestLocation,
  type DataSourceCallOptions,
  type DataSourceV1,
  type DownloadReport,
  type InstrumentRequest,
  type InstrumentSpec,
  UnsupportedFunctionalityError,
} from '@lb/core';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.js';
import { dayCoverage, isPartitionFresh } from './freshness.js';
import { JsonCache } from './json-cache.js';
import { type CacheLogger, defaultLogger } from './logger.js';
import {
  MANIFEST_FORMAT_VERSION,
  type ManifestReadResult,
  type PartitionManifest,
  parseManifest,
  writeManifest,
} from './manifest.js';
import {
  decodePartition,
  encodePartition,
  findBarsProblem,
  findPartitionProblem,
  type ReadArena,
  ReadArenaPool,
  readPartitionFileSync,
} from './partition-file.js';
import {
  DATA_EXTENSION,
  DAY_MS,
  dayStartMs,
  MANIFEST_EXTENSION,
  type PartitionKey,
  partitionPaths,
  resolveCacheDirectory,
  seriesDirectory,
  utcDaysCovering,
} from './partition-layout.js';
import { type LockOptions, withLock } from './partition-lock.js';
import { appendUsage, type UsageEntry } from './usage-ledger.js';

/** Settings of {@link withFeatherCache}. */
export interface FeatherCacheOptions {
  /** Cache root. Default: `LB_CACHE_DIR`, else `~/.lumibot/cache/databento/`. */
  readonly cacheDir?: string;
  /** Receives warnings (corrupt files moved aside) and debug messages. Default: warnings to stderr. */
  readonly logger?: CacheLogger;
  /**
   * A partial day (today, or past the origin's end when fetched) is refetched once it is this old, even
   * when the source cannot report its available range. Default 15 minutes.
   */
  readonly partialDayTtlMs?: number;
  /** Refetch everything requested (like `forceCacheUpdate` on each request). Also `LB_FORCE_CACHE_UPDATE=1`. */
  readonly forceCacheUpdate?: boolean;
  /**
   * When to check a data file's sha256 against its manifest. `on-change` (default): the first time this
   * cache reads the file and whenever its inode, size, mtime or ctime change (as git does with its index);
   * `always`: on every read; `never`: size, magic, footer and layout only. `lb cache verify` always hashes.
   */
  readonly checksums?: 'on-change' | 'always' | 'never';
  /** Append downloads and cache hits to `usage.jsonl` (default true). */
  readonly usageLedger?: boolean;
  /** Tuning of the per-series lock shared by processes and threads. */
  readonly lock?: Omit<LockOptions, 'signal'>;
  /** The clock (tests). Default `() => new Date()`. */
  readonly now?: () => Date;
}

/** A data source wrapped by {@link withFeatherCache}. */
export interface FeatherCachedDataSource extends DataSourceV1 {
  /** The resolved cache root. */
  readonly cacheDir: string;
  /** The wrapped source. */
  readonly source: DataSourceV1;
}

const DEFAULT_PARTIAL_DAY_TTL_MS = 15 * 60_000;
// Entries kept in the per-cache memos of parsed manifests and verified checksums (~100 years of days).
const MEMO_LIMIT = 40_000;

const instrumentSpecSchema = z.object({
  symbol: z.string(),
  multiplier: z.number(),
  tickSize: z.number(),
  expiration: z.string().optional(),
  currency: z.string(),
});

type SeriesKey = Omit<PartitionKey, 'day'>;

interface DayHit {
  readonly bars: Bars;
  readonly manifest: PartitionManifest;
  /** True when read from disk, false when downloaded by this call. */
  readonly fromDisk: boolean;
}

type DayLookup =
  | { readonly status: 'hit'; readonly hit: DayHit }
  | { readonly status: 'missing' }
  | { readonly status: 'stale' }
  | { readonly status: 'invalid'; readonly reason: string };

/**
 * Wraps any data source in a Feather (Arrow IPC) cache: bars are stored as one file per (source, dataset,
 * schema, symbol, UTC day) with a JSON manifest. A request is answered from the days it covers; only
 * missing or stale days are downloaded, adjacent ones in one request. Complete days never expire; partial
 * days are refetched once the origin may have more. Writes are atomic, one process at a time downloads a
 * series, and files that fail validation are moved aside and refetched, never served.
 *
 * ```ts
 * const databento = withFeatherCache(createDatabentoData({ apiKey }), { cacheDir: '.cache' });
 * ```
 */
export function withFeatherCache(
  source: DataSourceV1,
  options: FeatherCacheOptions = {},
): FeatherCachedDataSource {
  const cacheDir = resolveCacheDirectory(options.cacheDir);
  const logger = options.logger ?? defaultLogger;
  const now = options.now ?? (() => new Date());
  const partialDayTtlMs = options.partialDayTtlMs ?? DEFAULT_PARTIAL_DAY_TTL_MS;
  const checksums = options.checksums ?? 'on-change';
  // Data file path -> identity (inode, size, times) and sha256 when its checksum last matched.
  const verified = new Map<string, string>();
  // Manifest path -> last text read and its parsed form: an unchanged manifest is not re-validated.
  const parsedManifests = new Map<string, { text: string; result: ManifestReadResult }>();
  const arenas = new ReadArenaPool();
  const ledgerEnabled = options.usageLedger ?? true;
  const instruments = new JsonCache({
    cacheDir,
    namespace: `${source.sourceId}/instruments`,
    logger,
  });

  const forced = (request: { forceCacheUpdate?: boolean }): boolean =>
    request.forceCacheUpdate === true ||
    options.forceCacheUpdate === true ||
    ['1', 'true', 'yes'].includes((process.env.LB_FORCE_CACHE_UPDATE ?? '').toLowerCase());

  const record = async (entry: Parameters<typeof appendUsage>[1]): Promise<void> => {
    if (!ledgerEnabled) return;
    try {
      await appendUsage(cacheDir, entry);
    } catch (error) {
      logger.warn(`could not append to the usage ledger: ${(error as Error).message}`);
    }
  };

  function readManifestCached(path: string): ManifestReadResult {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
      return { status: 'invalid', reason: `unreadable manifest (${(error as Error).message})` };
    }
    const known = parsedManifests.get(path);
    if (known !== undefined && known.text === text) return known.result;
    const result = parseManifest(text);
    // Bounded: a process touching more partitions than this simply re-parses.
    if (parsedManifests.size >= MEMO_LIMIT) parsedManifests.clear();
    parsedManifests.set(path, { text, result });
    return result;
  }

  async function lookupDay(
    directory: string,
    day: string,
    availableEnd: () => Promise<number | undefined>,
    manifestResult: ManifestReadResult = readManifestCached(join(directory, `${day}${MANIFEST_EXTENSION}`)),
    arena?: ReadArena,
  ): Promise<DayLookup> {
    const dataPath = join(directory, `${day}${DATA_EXTENSION}`);
    if (manifestResult.status === 'missing') return { status: 'missing' };
    if (manifestResult.status === 'invalid') return { status: 'invalid', reason: manifestResult.reason };
    const manifest = manifestResult.manifest;
    if (manifest.day !== day) {
      return { status: 'invalid', reason: `manifest describes ${manifest.day}, not ${day}` };
    }
    const file = readPartitionFileSync(
      dataPath,
      manifest.byteLength,
      arena ? (size) => arena.take(size) : undefined,
    );
    if (file === undefined) return { status: 'invalid', reason: 'manifest without its data file' };
    if ('sizeMismatch' in file) {
      return {
        status: 'invalid',
        reason: `file has ${file.sizeMismatch} bytes, manifest says ${manifest.byteLength}`,
      };
    }
    const bytes = file.bytes;
    const identity = `${file.identity}:${manifest.sha256}`;
    const hash = checksums === 'always' || (checksums === 'on-change' && verified.get(dataPath) !== identity);
    const problem = findPartitionProblem(bytes, manifest, { checksum: hash });
    if (problem !== undefined) {
      verified.delete(dataPath);
      return { status: 'invalid', reason: problem };
    }
    if (hash) {
      if (verified.size >= MEMO_LIMIT) verified.clear();
      verified.set(dataPath, identity);
    }
    if (!manifest.complete) {
      const fresh = isPartitionFresh(manifest, {
        nowMs: now().getTime(),
        availableEndMs: await availableEnd(),
        partialDayTtlMs,
      });
      if (!fresh) return { status: 'stale' };
    }
    let bars: Bars;
    try {
      bars = decodePartition(bytes, manifest);
    } catch (error) {
      return { status: 'invalid', reason: (error as Error).message };
    }
    const barsProblem = findBarsProblem(bars, manifest);
    if (barsProblem !== undefined) {
      verified.delete(dataPath);
      return { status: 'invalid', reason: barsProblem };
    }
    return { status: 'hit', hit: { bars, manifest, fromDisk: true } };
  }

  async function quarantine(series: SeriesKey, day: string, reason: string): Promise<void> {
    const paths = partitionPaths(cacheDir, { ...series, day });
    const suffix = `.corrupt-${Date.now()}`;
    const failures: string[] = [];
    for (const path of [paths.dataPath, paths.manifestPath]) {
      try {
        await rename(path, `${path}${suffix}`);
      } catch (error) {
        // ENOENT: that half was already gone. Anything else is reported; the refetch overwrites the file.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') failures.push((error as Error).message);
      }
    }
    logger.warn(
      failures.length === 0
        ? `${paths.dataPath}: ${reason}; moved aside (${suffix}) and refetching.`
        : `${paths.dataPath}: ${reason}; could not move it aside (${failures.join('; ')}), refetching over it.`,
    );
  }

  async function doFetchBars(request: BarsRequest, callOptions: DataSourceCallOptions = {}): Promise<Bars> {
    callOptions.signal?.throwIfAborted();
    const location = locate(source, request);
    const series: SeriesKey = {
      sourceId: source.sourceId,
      dataset: location.dataset,
      schema: location.schema,
      symbol: location.symbol,
    };
    const days = utcDaysCovering(request.start, request.end);
    const fallbackSymbol = request.asset.symbol;
    if (days.length === 0) return Bars.empty({ symbol: fallbackSymbol, timestep: request.timestep });

    // Asked at most once per call, and only when a partial day or a download needs it. A failure is not
    // papered over with the clock: it would store complete days as partial and pay for them again.
    let availableEndPromise: Promise<number | undefined> | undefined;
    const reportedAvailableEnd = (): Promise<number | undefined> => {
      availableEndPromise ??= fetchAvailableEnd(source, request, callOptions);
      return availableEndPromise;
    };

    const directory = seriesDirectory(cacheDir, series);
    const hits = new Map<string, DayHit>();
    const force = forced(request);
    let pending: string[] = days;
    let arena: ReadArena | undefined;
    try {
      if (!force) {
        const manifests = days.map((day) =>
          readManifestCached(join(directory, `${day}${MANIFEST_EXTENSION}`)),
        );
        const arenaSize = manifests.reduce(
          (sum, result) => sum + (result.status === 'ok' ? result.manifest.byteLength + 8 : 0),
          0,
        );
        arena = arenas.acquire(arenaSize);
        const lookups = await Promise.all(
          days.map((day, index) => lookupDay(directory, day, reportedAvailableEnd, manifests[index], arena)),
        );
        pending = [];
        lookups.forEach((lookup, index) => {
          if (lookup.status === 'hit') hits.set(days[index]!, lookup.hit);
          else pending.push(days[index]!);
        });
      }

      if (pending.length > 0) {
        const lockPath = join(directory, '.lock');
        const lockOptions: LockOptions = {
          ...options.lock,
          ...(callOptions.signal ? { signal: callOptions.signal } : {}),
        };
        await withLock(lockPath, lockOptions, async () => {
          // Another process may have written these days while we waited: look again under the lock, and
          // only now treat a file that still fails validation as corrupt.
          const toFetch: string[] = [];
          for (const day of pending) {
            const lookup = force
              ? ({ status: 'missing' } as const)
              : await lookupDay(directory, day, reportedAvailableEnd);
            if (lookup.status === 'hit') hits.set(day, lookup.hit);
            else {
              if (lookup.status === 'invalid') await quarantine(series, day, lookup.reason);
              toFetch.push(day);
            }
          }
          if (toFetch.length === 0) return;
          const availableEndMs = (await reportedAvailableEnd()) ?? now().getTime();
          for (const run of consecutiveRuns(toFetch)) {
            const fetched = await fetchRun(run, availableEndMs);
            for (const [day, hit] of fetched) hits.set(day, hit);
          }
        });
      }

      async function fetchRun(run: readonly string[], availableEndMs: number): Promise<Map<string, DayHit>> {
        const covered = run.filter((day) => dayCoverage(day, availableEndMs) !== undefined);
        const result = new Map<string, DayHit>();
        if (covered.length === 0) return result;
        const startMs = dayStartMs(covered[0]!);
        const endMs = Math.min(dayStartMs(covered.at(-1)!) + DAY_MS, availableEndMs);
        const reports: DownloadReport[] = [];
        const fetchedAt = now();
        const bars = await source.doFetchBars(
          { ...request, start: new Date(startMs), end: new Date(endMs) },
          {
            ...(callOptions.signal ? { signal: callOptions.signal } : {}),
            onDownload: (report) => {
              reports.push(report);
              callOptions.onDownload?.(report);
            },
          },
        );
        const totalBytes = reports.reduce((sum, report) => sum + report.bytes, 0);
        const costs = reports.filter((report) => report.costUsd !== undefined);
        const totalCost =
          costs.length > 0 ? costs.reduce((sum, report) => sum + report.costUsd!, 0) : undefined;
        for (const day of covered) {
          const coverage = dayCoverage(day, availableEndMs)!;
          const part = bars.between(new Date(coverage.coveredStartMs), new Date(dayStartMs(day) + DAY_MS));
          // Each day carries its share of the download, so a later cache hit can say what it saved.
          const share = bars.length > 0 ? part.length / bars.length : 1 / covered.length;
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
            writtenAt: fetchedAt.toISOString(),
            complete: coverage.complete,
            availableEndAtFetch: new Date(availableEndMs).toISOString(),
            downloadBytes: totalBytes * share,
            ...(totalCost === undefined ? {} : { downloadCostUsd: totalCost * share }),
          };
          const paths = partitionPaths(cacheDir, { ...series, day });
          // Data first, manifest second: a crash in between leaves a data file whose manifest is missing or
          // describes other bytes, which validation rejects.
          await writeFileAtomic(paths.dataPath, encoded.bytes);
          await writeManifest(paths.manifestPath, manifest);
          result.set(day, { bars: part, manifest, fromDisk: false });
        }
        logger.debug(
          `fetched ${bars.length} bars for ${series.symbol} ${covered[0]}..${covered.at(-1)} (${covered.length} days)`,
        );
        if (reports.length > 0) {
          for (const report of reports) await record(reportToEntry(report, fetchedAt));
        } else {
          await record({
            time: fetchedAt.toISOString(),
            sourceId: series.sourceId,
            dataset: series.dataset,
            schema: series.schema,
            symbols: [series.symbol],
            start: new Date(startMs).toISOString(),
            end: new Date(endMs).toISOString(),
            bytes: 0,
            records: bars.length,
            servedFromCache: false,
          });
        }
        return result;
      }

      const parts: Bars[] = [];
      for (const day of days) {
        const hit = hits.get(day);
        if (hit !== undefined) parts.push(hit.bars);
      }
      const symbol = parts.find((part) => part.length > 0)?.metadata.symbol ?? fallbackSymbol;
      // Copies out of the read arena, which is released below.
      const result = assembleBars(parts, request, symbol);
      await recordCacheHits(request, series, days, hits, result.length);
      return result;
    } finally {
      arena?.release();
    }
  }

  // Days read from disk (not downloaded by this call) are recorded as one servedFromCache entry.
  async function recordCacheHits(
    request: BarsRequest,
    series: SeriesKey,
    days: readonly string[],
    hits: ReadonlyMap<string, DayHit>,
    resultRows: number,
  ): Promise<void> {
    let rows = 0;
    let bytes = 0;
    let costUsd: number | undefined;
    let fromDisk = 0;
    for (const day of days) {
      const hit = hits.get(day);
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
    await record({
      time: now().toISOString(),
      sourceId: series.sourceId,
      dataset: series.dataset,
      schema: series.schema,
      symbols: [series.symbol],
      start: request.start.toISOString(),
      end: request.end.toISOString(),
      bytes: Math.round(bytes),
      records: Math.min(rows, resultRows),
      ...(costUsd === undefined ? {} : { costUsd }),
      servedFromCache: true,
    });
  }

  const cached: FeatherCachedDataSource = {
    specificationVersion: 'v1',
    sourceId: source.sourceId,
    capabilities: source.capabilities,
    cacheDir,
    source,
    doFetchBars,
    ...(source.locateBars ? { locateBars: (request: BarsRequest) => source.locateBars!(request) } : {}),
    ...(source.doFetchAvailableRange
      ? {
          doFetchAvailableRange: (request: BarsRequest, callOptions?: DataSourceCallOptions) =>
            source.doFetchAvailableRange!(request, callOptions),
        }
      : {}),
    ...(source.doFetchInstrument
      ? {
          doFetchInstrument: async (request: InstrumentRequest, callOptions?: DataSourceCallOptions) => {
            // Awaited before returning, so a process that exits right after still has the ledger line.
            const recording: Promise<void>[] = [];
            try {
              return await instruments.getOrFetch<InstrumentSpec>(
                `${assetKey(request.asset)}@${request.exchange ?? 'default'}@${request.at.toISOString().slice(0, 10)}`,
                () =>
                  source.doFetchInstrument!(request, {
                    ...callOptions,
                    // Definition downloads are billed too: they go to the ledger like bar downloads.
                    onDownload: (report) => {
                      callOptions?.onDownload?.(report);
                      recording.push(record(reportToEntry(report, now())));
                    },
                  }),
                { schema: instrumentSpecSchema as z.ZodType<InstrumentSpec>, forceUpdate: forced(request) },
              );
            } finally {
              await Promise.all(recording);
            }
          },
        }
      : {}),
  };
  return cached;
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

/**
 * Where a request's partitions live: the source's own location when it can tell, else the exchange, the
 * timestep and the asset key. The timestep joins the schema when the schema does not name it, so 5-minute
 * bars a source resamples from `ohlcv-1m` never share files with 1-minute bars.
 */
function locate(source: DataSourceV1, request: BarsRequest): BarsRequestLocation {
  const location = source.locateBars?.(request) ?? {
    dataset: request.exchange ?? 'default',
    schema: request.timestep.label,
    symbol: assetKey(request.asset),
  };
  const label = request.timestep.label;
  const schema = location.schema.endsWith(label) ? location.schema : `${location.schema}.${label}`;
  return { ...location, schema };
}

/**
 * The source's available end, or undefined when it cannot tell. Errors propagate: the source already
 * retried transient ones, and an auth or permission error must stop the call before any download.
 */
async function fetchAvailableEnd(
  source: DataSourceV1,
  request: BarsRequest,
  callOptions: DataSourceCallOptions,
): Promise<number | undefined> {
  if (source.doFetchAvailableRange === undefined) return undefined;
  try {
    const range = await source.doFetchAvailableRange(
      request,
      callOptions.signal ? { signal: callOptions.signal } : {},
    );
    return range.end.getTime();
  } catch (error) {
    if (UnsupportedFunctionalityError.isInstance(error)) return undefined;
    throw error;
  }
}

/**
 * Joins day partitions into one series cut to `[start, end)`, copying each column once (always: parts read
 * from disk are views into a reused buffer). Stitched series (segments, several symbols) go through
 * `Bars.concat`, which keeps their segments and copies too.
 */
function assembleBars(parts: readonly Bars[], request: BarsRequest, symbol: string): Bars {
  const simple = parts.every(
    (part) => part.metadata.segments === undefined && (part.length === 0 || part.metadata.symbol === symbol),
  );
  if (!simple)
    return Bars.concat(parts, { symbol, timestep: request.timestep }).between(request.start, request.end);
  const windows = parts
    .map((part) => part.between(request.start, request.end))
    .filter((part) => part.length > 0);
  // No shortcut for a single window: it would be a view into the read arena, which the next read overwrites.
  const total = windows.reduce((sum, part) => sum + part.length, 0);
  const columns = {
    tsEventNanos: new BigInt64Array(total),
    open: new Float64Array(total),
    high: new Float64Array(total),
    low: new Float64Array(total),
    close: new Float64Array(total),
    volume: new Float64Array(total),
  };
  let offset = 0;
  for (const part of windows) {
    columns.tsEventNanos.set(part.tsEventNanos, offset);
    columns.open.set(part.open, offset);
    columns.high.set(part.high, offset);
    columns.low.set(part.low, offset);
    columns.close.set(part.close, offset);
    columns.volume.set(part.volume, offset);
    offset += part.length;
  }
  return Bars.fromColumns(columns, { symbol, timestep: request.timestep });
}

/** Splits sorted days into runs of consecutive days, each fetched in one request. */
export function consecutiveRuns(days: readonly string[]): string[][] {
  const runs: string[][] = [];
  for (const day of days) {
    const run = runs.at(-1);
    if (run !== undefined && dayStartMs(day) - dayStartMs(run.at(-1)!) === DAY_MS) run.push(day);
    else runs.push([day]);
  }
  return runs;
}
