import {
  type Asset,
  assetKey,
  type BackAdjustment,
  type Bars,
  type DataSourceV1,
  fetchBars,
  parseTimestep,
  type SessionSource,
  type Timestep,
} from '@lb/core';
import { createBarsWindow } from './bars-window.js';

/** Warm-up bars fetched before the backtest start for any series, whatever the first request asks. */
const MIN_LOOKBACK_BARS = 250;
const HOUR_MS = 3_600_000;
const MINUTE = parseTimestep('1m');

/** One preloaded series (an asset at a timestep) and its no-lookahead cursor. */
export interface FeedSeries {
  readonly asset: Asset;
  readonly timestep: Timestep;
  readonly bars: Bars;
  /** `bars.timestampsMs` (bar open times), cached here for the hot loop. */
  readonly timesMs: Float64Array;
  readonly durationMs: number;
  /** Number of bars whose interval has ended by the last instant asked about. Only moves forward. */
  visible: number;
  /** How many bars before the backtest start this series was loaded to serve. */
  readonly lookbackBars: number;
}

/** Per-request options that select a distinct series. */
export interface SeriesOptions {
  readonly exchange?: string;
  readonly forceCacheUpdate?: boolean;
  readonly backAdjust?: BackAdjustment;
}

/** Settings of a {@link DataFeed}. */
export interface DataFeedSettings {
  readonly dataSource: DataSourceV1;
  readonly startMs: number;
  readonly endMs: number;
  readonly signal?: AbortSignal;
  /**
   * Sessions that hourly and coarser futures bars are aligned to: such series are built from minute bars
   * (a CME daily bar runs 18:00 to 17:00 New York, not UTC midnight to midnight).
   */
  readonly sessionCalendar?: () => SessionSource | undefined;
  /**
   * Called when a series has no bars at all, warm-up included, before it is kept: may throw to say the
   * source does not have the asset.
   */
  readonly onNoBarsAtAll?: (asset: Asset, timestep: Timestep, fetchStartMs: number) => Promise<void>;
  /** Told when a loaded series has no bars inside `[startMs, endMs)`. */
  readonly onEmptyRange?: (asset: Asset, timestep: Timestep) => void;
  /** Resolves a continuous future into stitched contract bars when the source cannot. */
  readonly fetchContinuous?: (
    asset: Asset,
    timestep: Timestep,
    startMs: number,
    endMs: number,
  ) => Promise<Bars>;
}

/**
 * Serves strategies windows of preloaded bars without lookahead. Each asset/timestep is fetched once over
 * the whole backtest plus a warm-up, then windows are lazy views found by a forward-only cursor.
 */
export class DataFeed {
  readonly #settings: DataFeedSettings;
  readonly #byKey = new Map<string, FeedSeries>();
  // Fast path: strategies pass the same asset object and timestep string every iteration.
  readonly #byAssetObject = new WeakMap<Asset, Map<string, FeedSeries>>();
  readonly #pending = new Map<string, Promise<void>>();
  /** Number of `doFetchBars` calls made, for tests and reports. */
  fetchCount = 0;

  constructor(settings: DataFeedSettings) {
    this.#settings = settings;
  }

  /**
   * The series of `asset` at `timestep` when it is in memory with at least `lookbackBars` bars of warm-up,
   * else undefined (then {@link ensure} loads it). Synchronous, for the hot path.
   */
  loaded(
    asset: Asset,
    timestep: string | Timestep,
    lookbackBars: number,
    options?: SeriesOptions,
  ): FeedSeries | undefined {
    const cacheKey = typeof timestep === 'string' ? timestep : timestep.label;
    const backAdjust = options?.backAdjust ?? 'none';
    const fastKey = backAdjust === 'none' ? cacheKey : `${cacheKey}|${backAdjust}`;
    const cached = this.#byAssetObject.get(asset)?.get(fastKey);
    if (cached !== undefined && cached.lookbackBars >= lookbackBars) return cached;
    const key = this.#keyOf(asset, timestep, backAdjust);
    const loaded = this.#byKey.get(key);
    if (loaded === undefined || loaded.lookbackBars < lookbackBars) return undefined;
    let perAsset = this.#byAssetObject.get(asset);
    if (perAsset === undefined) {
      perAsset = new Map();
      this.#byAssetObject.set(asset, perAsset);
    }
    perAsset.set(fastKey, loaded);
    return loaded;
  }

  /** The series of `asset` at `timestep` with at least `lookbackBars` of warm-up, loading it if needed. */
  async ensure(
    asset: Asset,
    timestep: string | Timestep,
    lookbackBars: number,
    options?: SeriesOptions,
  ): Promise<FeedSeries> {
    const ready = this.loaded(asset, timestep, lookbackBars, options);
    if (ready !== undefined) return ready;
    const parsed = parseTimestep(timestep);
    const key = this.#keyOf(asset, parsed, options?.backAdjust ?? 'none');
    // Concurrent requests for the same series (getHistoricalPricesForAssets, or a hook that does not await)
    // share one load.
    let pending = this.#pending.get(key);
    if (pending === undefined) {
      const previous = this.#byKey.get(key);
      // Fetch more warm-up than asked for (at least MIN_LOOKBACK_BARS, else twice the request), so a
      // strategy asking for a few more bars later does not refetch.
      const lookback = Math.max(lookbackBars * 2, (previous?.lookbackBars ?? 0) * 2, MIN_LOOKBACK_BARS);
      pending = this.load(asset, parsed, lookback, key, options).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    await pending;
    return this.ensure(asset, timestep, lookbackBars, options);
  }

  #keyOf(asset: Asset, timestep: string | Timestep, backAdjust: string): string {
    const label = typeof timestep === 'string' ? parseTimestep(timestep).label : timestep.label;
    return backAdjust === 'none'
      ? `${assetKey(asset)}|${label}`
      : `${assetKey(asset)}|${label}|${backAdjust}`;
  }

  /** Number of bars of `series` whose interval has ended by `nowMs` (the no-lookahead guard). */
  visibleCount(series: FeedSeries, nowMs: number): number {
    const times = series.timesMs;
    const duration = series.durationMs;
    const length = times.length;
    let visible = series.visible;
    while (visible < length && times[visible]! + duration <= nowMs) visible++;
    series.visible = visible;
    return visible;
  }

  /** The last `length` bars completed by `nowMs`, as a lazy view. */
  window(series: FeedSeries, length: number, nowMs: number): Bars {
    const visible = this.visibleCount(series, nowMs);
    return createBarsWindow(series.bars, visible > length ? visible - length : 0, visible);
  }

  /** Every loaded series, in load order. */
  loadedSeries(): FeedSeries[] {
    return [...this.#byKey.values()];
  }

  /**
   * Fetches `asset` at `timestep` over the whole backtest plus a warm-up of `lookbackBars`. The venue hint
   * and cache bypass of the request that triggered the load apply to the whole series.
   */
  async load(
    asset: Asset,
    timestep: Timestep,
    lookbackBars: number,
    key: string,
    options?: SeriesOptions,
  ): Promise<void> {
    const { dataSource, startMs, endMs, signal } = this.#settings;
    // The warm-up must cover `lookbackBars` bars plus closed periods (nights, weekends, holidays): twice the
    // bars' span plus ten days is generous for every calendar at any timestep.
    const fetchStartMs = startMs - lookbackBars * timestep.durationMs * 2 - 10 * 86_400_000;
    this.fetchCount++;
    const calendar = this.#settings.sessionCalendar?.();
    const sessionAligned =
      calendar !== undefined &&
      (asset.type === 'future' || asset.type === 'continuous_future') &&
      timestep.durationMs >= HOUR_MS &&
      timestep.durationMs % MINUTE.durationMs === 0;
    // Core's fetchBars makes one doFetchBars call for a plain asset, and resolves a continuous future into its
    // dated contracts (roll schedule) and stitches them when the source cannot, keeping contract segments.
    const fetched = await fetchBars(
      dataSource,
      {
        asset,
        timestep: sessionAligned ? MINUTE : timestep,
        start: new Date(fetchStartMs),
        end: new Date(endMs),
        ...(options?.exchange === undefined ? {} : { exchange: options.exchange }),
        ...(options?.forceCacheUpdate === undefined ? {} : { forceCacheUpdate: options.forceCacheUpdate }),
        ...(options?.backAdjust === undefined ? {} : { backAdjust: options.backAdjust }),
      },
      signal === undefined ? {} : { signal },
    );
    if (fetched.length === 0) await this.#settings.onNoBarsAtAll?.(asset, timestep, fetchStartMs);
    const bars = sessionAligned ? fetched.resampleToSessions(timestep, calendar) : fetched;
    const series: FeedSeries = {
      asset,
      timestep,
      bars,
      timesMs: bars.timestampsMs,
      durationMs: timestep.durationMs,
      visible: 0,
      lookbackBars,
    };
    this.#byKey.set(key, series);
    const times = bars.timestampsMs;
    const last = times.length === 0 ? Number.NaN : times[times.length - 1]!;
    if (!(last >= startMs)) this.#settings.onEmptyRange?.(asset, timestep);
    // A reload replaces a series with a longer warm-up: forget fast-path entries that point at the old one.
    this.#byAssetObject.delete(asset);
  }
}
