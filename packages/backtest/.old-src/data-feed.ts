import {
  type Asset,
  assetKey,
  type Bars,
  type DataSourceV1,
  fetchBars,
  parseTimestep,
  type Timestep,
} from '@lb/core';
import { createBarsWindow } from './bars-window.js';

/** Warm-up bars fetched before the backtest start for any series, whatever the first request asks. */
const MIN_LOOKBACK_BARS = 250;

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

/**
 * Thrown (and caught by the event loop) when a strategy asks synchronously for data that is not in memory
 * yet: the loop runs `load`, discards what the hook did so far, and runs the hook again. This keeps
 * `getHistoricalPrices` synchronous (cheap every iteration) while still fetching each series once, lazily.
 * @internal
 */
export class DataNotLoadedSignal extends Error {
  constructor(readonly load: () => Promise<void>) {
    super('Data not loaded yet (internal signal of @lb/backtest; it should never escape the event loop).');
    this.name = 'DataNotLoadedSignal';
  }
}

/** Settings of a {@link DataFeed}. */
export interface DataFeedSettings {
  readonly dataSource: DataSourceV1;
  readonly startMs: number;
  readonly endMs: number;
  readonly signal?: AbortSignal;
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
  /** Number of `doFetchBars` calls made, for tests and reports. */
  fetchCount = 0;

  constructor(settings: DataFeedSettings) {
    this.#settings = settings;
  }

  /**
   * The series of `asset` at `timestep`, holding at least `lookbackBars` bars of warm-up.
   * @throws DataNotLoadedSignal when it must be (re)loaded first.
   */
  series(
    asset: Asset,
    timestep: string | Timestep,
    lookbackBars: number,
    options?: { readonly exchange?: string; readonly forceCacheUpdate?: boolean },
  ): FeedSeries {
    const cacheKey = typeof timestep === 'string' ? timestep : timestep.label;
    const cached = this.#byAssetObject.get(asset)?.get(cacheKey);
    if (cached !== undefined && cached.lookbackBars >= lookbackBars) return cached;
    const parsed = parseTimestep(timestep);
    const key = `${assetKey(asset)}|${parsed.label}`;
    const loaded = this.#byKey.get(key);
    if (loaded !== undefined && loaded.lookbackBars >= lookbackBars) {
      let perAsset = this.#byAssetObject.get(asset);
      if (perAsset === undefined) {
        perAsset = new Map();
        this.#byAssetObject.set(asset, perAsset);
      }
      perAsset.set(cacheKey, loaded);
      return loaded;
    }
    // Fetch more warm-up than asked for (at least MIN_LOOKBACK_BARS, else twice the request), so a strategy
    // asking for a few more bars later does not refetch.
    const lookback = Math.max(lookbackBars * 2, (loaded?.lookbackBars ?? 0) * 2, MIN_LOOKBACK_BARS);
    throw new DataNotLoadedSignal(() => this.load(asset, parsed, lookback, key, options));
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
    options?: { readonly exchange?: string; readonly forceCacheUpdate?: boolean },
  ): Promise<void> {
    const { dataSource, startMs, endMs, signal } = this.#settings;
    // The warm-up must cover `lookbackBars` bars plus closed periods (nights, weekends, holidays): twice the
    // bars' span plus ten days is generous for every calendar at any timestep.
    const fetchStartMs = startMs - lookbackBars * timestep.durationMs * 2 - 10 * 86_400_000;
    this.fetchCount++;
    // Core's fetchBars makes one doFetchBars call for a plain asset, and resolves a continuous future into its
    // dated contracts (roll schedule) and stitches them when the source cannot, keeping contract segments.
    const bars = await fetchBars(
      dataSource,
      {
        asset,
        timestep,
        start: new Date(fetchStartMs),
        end: new Date(endMs),
        ...(options?.exchange === undefined ? {} : { exchange: options.exchange }),
        ...(options?.forceCacheUpdate === undefined ? {} : { forceCacheUpdate: options.forceCacheUpdate }),
      },
      signal === undefined ? {} : { signal },
    );
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
    // A reload replaces a series with a longer warm-up: forget fast-path entries that point at the old one.
    this.#byAssetObject.delete(asset);
  }
}
