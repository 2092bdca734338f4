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
  type ListAssetsRequest,
  UnsupportedFunctionalityError,
} from '@lb/core';
import { z } from 'zod';
import { assembleBars, consecutiveRuns } from './assemble-bars.js';
import { type DownloadPricing, hasDownloadPricing, specDownloadApproval } from './download-pricing.js';
import { type RunRange, runRange, storeRun } from './download-run.js';
import { JsonCache } from './json-cache.js';
import { type CacheLogger, defaultLogger } from './logger.js';
import { type ReadArena, ReadArenaPool } from './partition-file.js';
import { resolveCacheDirectory, seriesDirectory, utcDaysCovering } from './partition-layout.js';
import { type LockOptions, withLock } from './partition-lock.js';
import { type DayHit, PartitionReader, type SeriesKey } from './partition-reader.js';
import { UsageRecorder } from './usage-recorder.js';

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
  /**
   * The downloads {@link DataSourceV1.doFetchBars} would make for `request` now, given what the cache
   * holds (missing, stale or corrupt days, grouped in runs of consecutive days and cut at the origin's
   * available end): price them before fetching. Reads manifests and data files; downloads nothing.
   */
  planDownloads(request: BarsRequest, options?: DataSourceCallOptions): Promise<BarsRequest[]>;
  /**
   * Present when the wrapped source prices downloads: prices what fetching all of `requests` would download
   * now (each request's {@link planDownloads}) as one total, checked against the source's limit before any
   * download; returns each request's estimate. A caller about to fetch several requests (the contracts of a
   * continuous future) calls it first so the limit applies to their total.
   */
  approveDownloads?: DownloadPricing['approveDownloads'];
}

const DEFAULT_PARTIAL_DAY_TTL_MS = 15 * 60_000;

const instrumentSpecSchema = z.object({
  symbol: z.string(),
  multiplier: z.number(),
  tickSize: z.number(),
  expiration: z.string().optional(),
  currency: z.string(),
});

/**
 * Wraps any data source in a Feather (Arrow IPC) cache: bars are stored as one file per (source, dataset,
 * schema, symbol, UTC day) with a JSON manifest. A request is answered from the days it covers; only
 * missing or stale days are downloaded, adjacent ones in one request. Complete days never expire; partial
 * days are refetched once the origin may have more. Writes are atomic, one process at a time downloads a
 * series, and files that fail validation are moved aside and refetched, never served. A source that can
 * price downloads (`approveDownloads`, as the Databento source does) prices all of a request's downloads
 * before the first; each download writes a pending ledger line before it starts. `doListAssets` is the
 * wrapped source's, when it has one: listing costs nothing there, and the cached symbols are only a subset.
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
  const reader = new PartitionReader({
    cacheDir,
    logger,
    now,
    checksums: options.checksums ?? 'on-change',
    partialDayTtlMs: options.partialDayTtlMs ?? DEFAULT_PARTIAL_DAY_TTL_MS,
  });
  const ledger = new UsageRecorder({ cacheDir, enabled: options.usageLedger ?? true, logger, now });
  const arenas = new ReadArenaPool();
  const instruments = new JsonCache({
    cacheDir,
    namespace: `${source.sourceId}/instruments`,
    logger,
  });

  const forced = (request: { forceCacheUpdate?: boolean }): boolean =>
    request.forceCacheUpdate === true ||
    options.forceCacheUpdate === true ||
    ['1', 'true', 'yes'].includes((process.env.LB_FORCE_CACHE_UPDATE ?? '').toLowerCase());

  /** Where a request's days live, and its origin's available end, asked at most once per call. */
  function prepare(request: BarsRequest, callOptions: DataSourceCallOptions) {
    const location = locate(source, request);
    const series: SeriesKey = {
      sourceId: source.sourceId,
      dataset: location.dataset,
      schema: location.schema,
      symbol: location.symbol,
    };
    // A failure is not papered over with the clock: it would store complete days as partial and pay for
    // them again.
    let availableEndPromise: Promise<number | undefined> | undefined;
    const availableEnd = (): Promise<number | undefined> => {
      availableEndPromise ??= fetchAvailableEnd(source, request, callOptions);
      return availableEndPromise;
    };
    return {
      series,
      directory: seriesDirectory(cacheDir, series),
      days: utcDaysCovering(request.start, request.end),
      availableEnd,
    };
  }

  /** The downloads for `days` that are not served from disk, as ranges and source requests. */
  async function downloadsFor(
    request: BarsRequest,
    days: readonly string[],
    availableEnd: () => Promise<number | undefined>,
  ): Promise<{ ranges: RunRange[]; requests: BarsRequest[]; availableEndMs: number }> {
    const availableEndMs = (await availableEnd()) ?? now().getTime();
    const ranges = consecutiveRuns(days)
      .map((run) => runRange(run, availableEndMs))
      .filter((range): range is RunRange => range !== undefined);
    const requests = ranges.map((range) => ({
      ...request,
      start: new Date(range.startMs),
      end: new Date(range.endMs),
    }));
    return { ranges, requests, availableEndMs };
  }

  async function planDownloads(
    request: BarsRequest,
    callOptions: DataSourceCallOptions = {},
  ): Promise<BarsRequest[]> {
    callOptions.signal?.throwIfAborted();
    const { directory, days, availableEnd } = prepare(request, callOptions);
    const missing: string[] = [];
    for (const day of days) {
      const lookup = forced(request) ? undefined : await reader.lookupDay({ directory, day, availableEnd });
      if (lookup?.status !== 'hit') missing.push(day);
    }
    if (missing.length === 0) return [];
    return (await downloadsFor(request, missing, availableEnd)).requests;
  }

  async function doFetchBars(request: BarsRequest, callOptions: DataSourceCallOptions = {}): Promise<Bars> {
    callOptions.signal?.throwIfAborted();
    const { series, directory, days, availableEnd } = prepare(request, callOptions);
    const fallbackSymbol = request.asset.symbol;
    if (days.length === 0) return Bars.empty({ symbol: fallbackSymbol, timestep: request.timestep });

    const hits = new Map<string, DayHit>();
    const force = forced(request);
    let pending: string[] = days;
    let arena: ReadArena | undefined;
    try {
      if (!force) {
        const manifests = days.map((day) => reader.readDayManifest(directory, day));
        const arenaSize = manifests.reduce(
          (sum, result) => sum + (result.status === 'ok' ? result.manifest.byteLength + 8 : 0),
          0,
        );
        arena = arenas.acquire(arenaSize);
        const lookups = await Promise.all(
          days.map((day, index) =>
            reader.lookupDay({ directory, day, availableEnd, manifestResult: manifests[index]!, arena }),
          ),
        );
        pending = [];
        lookups.forEach((lookup, index) => {
          if (lookup.status === 'hit') hits.set(days[index]!, lookup.hit);
          else pending.push(days[index]!);
        });
      }

      if (pending.length > 0) {
        const lockOptions: LockOptions = {
          ...options.lock,
          ...(callOptions.signal ? { signal: callOptions.signal } : {}),
        };
        await withLock(join(directory, '.lock'), lockOptions, async () => {
          // Another process may have written these days while we waited: look again under the lock, and
          // only now treat a file that still fails validation as corrupt.
          const toFetch: string[] = [];
          for (const day of pending) {
            const lookup = force
              ? ({ status: 'missing' } as const)
              : await reader.lookupDay({ directory, day, availableEnd });
            if (lookup.status === 'hit') hits.set(day, lookup.hit);
            else {
              if (lookup.status === 'invalid') await reader.quarantine(series, day, lookup.reason);
              toFetch.push(day);
            }
          }
          if (toFetch.length === 0) return;
          const downloads = await downloadsFor(request, toFetch, availableEnd);
          // Every download of this call is priced (and checked against the source's limit) before the first.
          const estimates = hasDownloadPricing(source)
            ? await source.approveDownloads(
                downloads.requests,
                callOptions.signal ? { signal: callOptions.signal } : {},
              )
            : [];
          for (const [index, range] of downloads.ranges.entries()) {
            const fetched = await download({
              request: downloads.requests[index]!,
              range,
              series,
              availableEndMs: downloads.availableEndMs,
              estimatedCostUsd: estimates[index],
              callOptions,
            });
            for (const [day, hit] of fetched) hits.set(day, hit);
          }
        });
      }

      const parts: Bars[] = [];
      for (const day of days) {
        const hit = hits.get(day);
        if (hit !== undefined) parts.push(hit.bars);
      }
      const symbol = parts.find((part) => part.length > 0)?.metadata.symbol ?? fallbackSymbol;
      // Copies out of the read arena, which is released below.
      const result = assembleBars(parts, request, symbol);
      await ledger.recordCacheHits({ request, series, days, hits, resultRows: result.length });
      return result;
    } finally {
      arena?.release();
    }
  }

  /**
   * One download: a pending ledger line first (a process killed mid-download still shows the spend), the
   * download, the line that confirms it, then the day partitions.
   */
  async function download(context: {
    request: BarsRequest;
    range: RunRange;
    series: SeriesKey;
    availableEndMs: number;
    estimatedCostUsd: number | undefined;
    callOptions: DataSourceCallOptions;
  }): Promise<Map<string, DayHit>> {
    const { range, series, callOptions } = context;
    const intent = {
      series,
      startMs: range.startMs,
      endMs: range.endMs,
      estimatedCostUsd: context.estimatedCostUsd,
    };
    const intentId = await ledger.begin(intent);
    const reports: DownloadReport[] = [];
    const fetchedAt = now();
    let bars: Bars;
    try {
      bars = await source.doFetchBars(context.request, {
        ...(callOptions.signal ? { signal: callOptions.signal } : {}),
        onDownload: (report) => {
          reports.push(report);
          callOptions.onDownload?.(report);
        },
      });
    } catch (error) {
      await ledger.fail(intentId, intent, error);
      throw error;
    }
    await ledger.settle(intentId, intent, reports, bars.length);
    const stored = await storeRun({
      cacheDir,
      series,
      range,
      availableEndMs: context.availableEndMs,
      bars,
      reports,
      fetchedAt,
    });
    logger.debug(
      `fetched ${bars.length} bars for ${series.symbol} ${range.covered[0]}..${range.covered.at(-1)} (${range.covered.length} days)`,
    );
    return stored;
  }

  /**
   * Prices what fetching all of `requests` would download now (each one's missing days, see
   * planDownloads) with the wrapped source's `approve`, as one total; returns each request's estimate.
   */
  async function approveMissing(
    requests: readonly BarsRequest[],
    approve: (
      planned: readonly BarsRequest[],
      callOptions?: DataSourceCallOptions,
    ) => Promise<readonly (number | undefined)[]>,
    callOptions?: DataSourceCallOptions,
  ): Promise<(number | undefined)[]> {
    const planned = await Promise.all(requests.map((request) => planDownloads(request, callOptions)));
    const estimates = await approve(planned.flat(), callOptions);
    let next = 0;
    return planned.map((downloads) => {
      const mine = estimates.slice(next, next + downloads.length);
      next += downloads.length;
      return mine.some((estimate) => estimate !== undefined)
        ? mine.reduce<number>((sum, estimate) => sum + (estimate ?? 0), 0)
        : undefined;
    });
  }

  const innerApproval = specDownloadApproval(source);
  const cached: FeatherCachedDataSource = {
    specificationVersion: 'v1',
    sourceId: source.sourceId,
    capabilities: source.capabilities,
    cacheDir,
    source,
    doFetchBars,
    planDownloads,
    ...(hasDownloadPricing(source)
      ? {
          approveDownloads: (requests: readonly BarsRequest[], callOptions?: DataSourceCallOptions) =>
            approveMissing(requests, source.approveDownloads.bind(source), callOptions),
        }
      : {}),
    ...(innerApproval === undefined
      ? {}
      : {
          doApproveDownloads: (requests: readonly BarsRequest[], callOptions?: DataSourceCallOptions) =>
            approveMissing(requests, innerApproval, callOptions),
        }),
    ...(source.locateBars ? { locateBars: (request: BarsRequest) => source.locateBars!(request) } : {}),
    // Listing is cheap by contract, so it is not cached; the cache's own partitions are a subset of what
    // the origin has and would mislead as "what the source has" (`listPartitions` shows those).
    ...(source.doListAssets
      ? {
          doListAssets: (request?: ListAssetsRequest, callOptions?: DataSourceCallOptions) =>
            source.doListAssets!(request, callOptions),
        }
      : {}),
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
                      recording.push(ledger.recordReport(report));
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
