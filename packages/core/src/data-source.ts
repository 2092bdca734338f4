import type { Asset, AssetType } from './asset.js';
import type { Bars } from './bars.js';
import type { Timestep, TimestepUnit } from './timestep.js';

/** A request for bars, as a source receives it: validated, with a parsed timestep and UTC instants. */
export interface BarsRequest {
  /** The instrument: never a continuous future unless `capabilities.continuousFutures` is true. */
  readonly asset: Asset;
  /** Bar duration; a whole multiple of one of `capabilities.timestepUnits`. */
  readonly timestep: Timestep;
  /** First bar open time included. */
  readonly start: Date;
  /** Bars opening at or after this instant are excluded. */
  readonly end: Date;
  /** Venue hint (e.g. `CME`, `ICE`), for sources that serve several venues. */
  readonly exchange?: string;
  /** Bypass caches and fetch from the origin again. */
  readonly forceCacheUpdate?: boolean;
}

/** Contract specifications needed for futures accounting. */
export interface InstrumentSpec {
  /** The instrument's own symbol (a raw contract symbol such as `ESH5` for futures). */
  readonly symbol: string;
  /** Contract multiplier: P&L per contract for a price move of 1.0 (50 for ES). */
  readonly multiplier: number;
  /** Minimum price increment (0.25 for ES). */
  readonly tickSize: number;
  /** Last trading day (`YYYY-MM-DD`), when the instrument expires. */
  readonly expiration?: string;
  /** ISO currency code of prices. */
  readonly currency: string;
}

/** A request for an instrument's specifications as of an instant. */
export interface InstrumentRequest {
  /** The instrument: a dated contract unless `capabilities.continuousFutures` is true. */
  readonly asset: Asset;
  /** The instant the specs should be valid at (specs such as tick size can change over time). */
  readonly at: Date;
  /** Venue hint (e.g. `CME`), for sources that serve several venues. */
  readonly exchange?: string;
  /** Bypass caches and fetch from the origin again. */
  readonly forceCacheUpdate?: boolean;
}

/**
 * What one download from a remote origin cost, reported by the source so wrappers (the cache's usage
 * ledger, logs) can account for it without knowing the vendor.
 */
export interface DownloadReport {
  /** `sourceId` of the source that downloaded. */
  readonly sourceId: string;
  /** Origin dataset, e.g. `GLBX.MDP3`. */
  readonly dataset: string;
  /** Origin schema, e.g. `ohlcv-1m`. */
  readonly schema: string;
  /** Symbols requested from the origin. */
  readonly symbols: readonly string[];
  /** Start of the downloaded range (inclusive). */
  readonly start: Date;
  /** End of the downloaded range (exclusive). */
  readonly end: Date;
  /** Bytes received over the wire (compressed, as billed). */
  readonly bytes: number;
  /** Records decoded from the download. */
  readonly records: number;
  /** Estimated cost in USD, when the origin bills downloads. */
  readonly costUsd?: number;
}

/** Per-call options every `do…` method accepts. */
export interface DataSourceCallOptions {
  /** Cancels the call; the promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Called once per download from the origin (not for data served from memory or cache). */
  readonly onDownload?: (report: DownloadReport) => void;
}

/**
 * Where a request's data lives at the origin, so caches partition like the origin does
 * (`{ dataset: 'GLBX.MDP3', schema: 'ohlcv-1m', symbol: 'ESH4' }`).
 */
export interface BarsRequestLocation {
  /** Origin dataset, e.g. `GLBX.MDP3`. */
  readonly dataset: string;
  /** Origin schema, e.g. `ohlcv-1m`. */
  readonly schema: string;
  /** Origin symbol, e.g. the raw symbol `ESH4`. */
  readonly symbol: string;
}

/** The time range for which an origin has data. `end` is exclusive and may move forward over time. */
export interface AvailableRange {
  /** First instant with data (inclusive). */
  readonly start: Date;
  /** End of the data (exclusive). */
  readonly end: Date;
}

/** What {@link DataSourceV1.doListAssets} should return: how many symbols, and which first. */
export interface ListAssetsRequest {
  /**
   * Put the symbols closest to this one first (typically the symbol a user asked for and the source does
   * not have), so a bounded listing still shows the likely typo fixes. Without it, symbols are sorted.
   */
  readonly near?: string;
  /** Return at most this many assets (a positive integer). Default {@link DEFAULT_ASSET_LISTING_LIMIT}. */
  readonly limit?: number;
}

/** How many assets {@link DataSourceV1.doListAssets} returns when the request names no `limit`. */
export const DEFAULT_ASSET_LISTING_LIMIT = 20;

/** One asset a source has, as its listing names it. */
export interface ListedAsset {
  /** The symbol to request it by, as `listingSymbol` writes it (`ESH4` for a future, `AAPL` for a stock). */
  readonly symbol: string;
  /** Origin datasets holding it (e.g. `GLBX.MDP3`), sorted; empty when the source has no datasets. */
  readonly datasets: readonly string[];
}

/**
 * A bounded description of what a source has, so an error about a missing asset can say what exists
 * without a source with millions of symbols returning them all.
 */
export interface AssetListing {
  /** At most `limit` assets, one per symbol: closest to `near` first when given, else sorted by symbol. */
  readonly assets: readonly ListedAsset[];
  /** True when the source has more assets than `assets` holds. */
  readonly truncated: boolean;
  /** How many assets the source has in all, when it knows (it may not for a paged remote listing). */
  readonly totalAssets?: number;
}

/** What a source can do. Callers check these before calling optional members. */
export interface DataSourceCapabilities {
  /** Asset types `doFetchBars` accepts; others throw `UnsupportedFunctionalityError`. */
  readonly assetTypes: readonly AssetType[];
  /** Timestep units the source serves natively (multiples are resampled by the caller). */
  readonly timestepUnits: readonly TimestepUnit[];
  /**
   * True when the source resolves continuous futures itself. When false, `fetchBars` splits a continuous
   * request into dated contracts with the core roll schedule and stitches the results.
   */
  readonly continuousFutures: boolean;
  /** True when `doFetchInstrument` is implemented. */
  readonly instruments: boolean;
  /**
   * True when `doApproveDownloads` is implemented: the source (or a cache in front of it) can price several
   * requests together before fetching any, so a cost limit applies to their total. Absent means false.
   */
  readonly downloadApproval?: boolean;
  /**
   * True when `doListAssets` is implemented: the source can say which assets it has cheaply, without
   * downloading or billing anything. Absent means false.
   */
  readonly assetListing?: boolean;
}

/**
 * Version 1 of the data-source specification. Source packages implement it; users call the core
 * functions (`fetchBars`, `fetchInstrument`) or the source's own convenience wrapper.
 *
 * Contract (checked by `describeDataSourceContract` from `@lb/core/testing/contract`):
 * - `doFetchBars` returns bars of the requested timestep opening in `[start, end)`, sorted; an empty window
 *   is empty `Bars`, never an error and never `undefined`.
 * - Unsupported asset types or timesteps throw `UnsupportedFunctionalityError`.
 * - An aborted `signal` rejects the call.
 * - `capabilities.downloadApproval` is true exactly when `doApproveDownloads` is implemented.
 * - `capabilities.assetListing` is true exactly when `doListAssets` is implemented; a listing is bounded by
 *   the request's `limit`, names each symbol once, and never downloads (no `onDownload` call).
 */
export interface DataSourceV1 {
  /** The literal `'v1'`: lets callers detect sources written against another version of the spec. */
  readonly specificationVersion: 'v1';
  /** Stable identifier, used in cache paths and errors (e.g. `databento`). */
  readonly sourceId: string;
  /** What the source serves; check before calling optional members. */
  readonly capabilities: DataSourceCapabilities;
  /**
   * Bars of `request.timestep` opening in `[request.start, request.end)`, sorted; empty `Bars` for a window
   * without data. Throws `UnsupportedFunctionalityError` for an asset type or timestep it cannot serve.
   */
  doFetchBars(request: BarsRequest, options?: DataSourceCallOptions): Promise<Bars>;
  /**
   * Optional (present when `capabilities.instruments` is true): contract specs such as multiplier and tick
   * size. Throws `UnsupportedFunctionalityError` for an instrument it does not know.
   */
  doFetchInstrument?(request: InstrumentRequest, options?: DataSourceCallOptions): Promise<InstrumentSpec>;
  /**
   * Optional: the dataset, schema and symbol a request maps to. Synchronous and offline; throws the same
   * errors `doFetchBars` would for a request the source cannot serve.
   */
  locateBars?(request: BarsRequest): BarsRequestLocation;
  /** Optional: the range the origin currently has for a request's dataset and schema. */
  doFetchAvailableRange?(request: BarsRequest, options?: DataSourceCallOptions): Promise<AvailableRange>;
  /**
   * Optional (present when `capabilities.downloadApproval` is true): prices everything fetching all of
   * `requests` would download, as one total, before any download, and rejects (downloading nothing) when
   * the total is above the source's cost limit. Within the limit the following `doFetchBars` calls for these
   * requests are not refused one by one. A cache in front of a source counts only what it would download.
   * `fetchBars` calls it with every request of a call that makes several (the contracts of a continuous
   * future). Resolves to one estimate in USD per request, in order (`undefined` when not priced).
   */
  doApproveDownloads?(
    requests: readonly BarsRequest[],
    options?: DataSourceCallOptions,
  ): Promise<readonly (number | undefined)[]>;
  /**
   * Optional (present when `capabilities.assetListing` is true): which assets the source has, at most
   * `request.limit` of them (closest to `request.near` first), with whether there are more. Answers from what
   * the source already holds or a free metadata call: it never downloads or bills data (so it never calls
   * `options.onDownload`). Sources that cannot list cheaply (a vendor without a free symbol list) leave it
   * out. `buildAssetListing` builds the result from an in-memory list.
   */
  doListAssets?(request?: ListAssetsRequest, options?: DataSourceCallOptions): Promise<AssetListing>;
}
