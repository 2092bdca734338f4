import {
  type Asset,
  type AssetInput,
  type AvailableRange,
  activeContract,
  type BackAdjustment,
  Bars,
  type BarsRequest,
  type BarsRequestLocation,
  createAsset,
  createTimestep,
  type DataSourceCallOptions,
  type DataSourceCapabilities,
  DataSourceError,
  type DataSourceV1,
  fetchBars,
  type InstrumentRequest,
  type InstrumentSpec,
  InvalidArgumentError,
  parseInstant,
  parseTimestep,
  rollSchedule,
  type Timestep,
  toDatabentoRawSymbol,
  UnsupportedFunctionalityError,
} from '@lb/core';
import { columnsToBars, finish } from './bars-columns.js';
import {
  CostApprovals,
  type DatabentoDownloadEstimate,
  type DatabentoPricedDownload,
} from './cost-approvals.js';
import { guardCost } from './cost-guard.js';
import { resolveDataset } from './datasets.js';
import { type DatabentoDefinitionRecord, definitionToSpec } from './definition-spec.js';
import { createDatabento, type DatabentoClient } from './historical-client.js';
import { type DatabentoContinuousRule, DatabentoRequestPlanner } from './request-planner.js';
import type { DatabentoSettings } from './settings.js';

export type { DatabentoContinuousRule } from './request-planner.js';

/** Settings of {@link createDatabentoData}: the client settings plus source options. */
export interface DatabentoDataSettings extends DatabentoSettings {
  /** Use this client instead of creating one from the settings. */
  client?: DatabentoClient;
  /** Dataset for stocks without an exchange. Default `XNAS.ITCH`. */
  stockDataset?: string;
  /** Dataset for futures without an exchange. Default `GLBX.MDP3`. */
  futuresDataset?: string;
  /** Rule of Databento continuous symbols (`ES.v.0`) for `rollMode: 'databento'`. Default `v` (volume). */
  continuousRule?: DatabentoContinuousRule;
  /** How long a dataset's available range is cached in memory. Default 10 minutes. */
  datasetRangeTtlMs?: number;
}

/** Options of {@link DatabentoDataSource.getBars}. */
export interface DatabentoGetBarsOptions extends DataSourceCallOptions {
  /** Venue (`CME`, `NYMEX`, `ICE`, `NASDAQ`...) or a dataset code (`GLBX.MDP3`). */
  readonly exchange?: string;
  readonly forceCacheUpdate?: boolean;
  /** Adjustment of a continuous future at rolls (core roll schedule only). Default `none`. */
  readonly backAdjust?: BackAdjustment;
  /**
   * `schedule` (default): one request per contract of the core roll schedule, stitched.
   * `databento`: Databento's own continuous symbology (`ES.v.0`, stype_in=continuous), one request.
   */
  readonly rollMode?: 'schedule' | 'databento';
  /** Continuous rule for `rollMode: 'databento'`; defaults to the source setting. */
  readonly continuousRule?: DatabentoContinuousRule;
}

/** A source that can tell what fetching a request would download (the Feather cache's `planDownloads`). */
export interface DatabentoDownloadPlanner {
  planDownloads(request: BarsRequest, options?: DataSourceCallOptions): Promise<BarsRequest[]>;
}

/** Options of {@link DatabentoDataSource.estimateBars}. */
export interface DatabentoEstimateBarsOptions extends DatabentoGetBarsOptions {
  /**
   * The cache the bars will be fetched through (`withFeatherCache(source)`): only the downloads it would
   * make (its missing or stale days) are priced.
   */
  readonly cache?: DatabentoDownloadPlanner;
}

/**
 * Historical bars and instrument specs from Databento, as a `DataSourceV1` (`sourceId: 'databento'`).
 * Continuous futures go through the core roll schedule (`capabilities.continuousFutures` is false) unless
 * `getBars(..., { rollMode: 'databento' })` asks for Databento's continuous symbology. With a cost limit
 * (`maxCostUsd`, `DATABENTO_MAX_COST_USD`), everything one call downloads is priced before the first byte
 * and refused when the total is above the limit.
 *
 * It does not implement the spec's optional `doListAssets`: Databento's HTTP API has no free endpoint that
 * lists a dataset's symbols (`symbology.resolve` only resolves symbols it is given, and a `definition`
 * download of `ALL_SYMBOLS` is billed), so a missing asset is reported with the dataset's range instead.
 */
export class DatabentoDataSource implements DataSourceV1 {
  readonly specificationVersion = 'v1' as const;
  readonly sourceId = 'databento';
  readonly capabilities: DataSourceCapabilities = Object.freeze({
    assetTypes: ['stock', 'future'] as const,
    timestepUnits: ['second', 'minute', 'hour', 'day'] as const,
    continuousFutures: false,
    instruments: true,
    downloadApproval: true,
  });
  /** The underlying historical client. */
  readonly client: DatabentoClient;
  readonly #planner: DatabentoRequestPlanner;
  readonly #instruments = new Map<string, InstrumentSpec>();
  /** Estimates checked as part of a total before the first download, used once by each download. */
  readonly #approvals = new CostApprovals();

  constructor(settings: DatabentoDataSettings = {}) {
    const {
      client,
      stockDataset: _stock,
      futuresDataset: _futures,
      continuousRule: _rule,
      datasetRangeTtlMs: _ttl,
      ...clientSettings
    } = settings;
    this.client = client ?? createDatabento(clientSettings);
    this.#planner = new DatabentoRequestPlanner({ client: this.client, settings });
  }

  /**
   * Lumibot-style convenience: bars for an asset between two instants, resampled to `timestep`.
   * Continuous futures are stitched from dated contracts (core `fetchBars`), or with `rollMode: 'databento'`
   * fetched through Databento's continuous symbology. Every contract is priced before the first download.
   */
  async getBars(
    asset: Asset | AssetInput,
    timestep: Timestep | string,
    start: Date | string,
    end: Date | string,
    options: DatabentoGetBarsOptions = {},
  ): Promise<Bars> {
    const request = toBarsRequest({ asset, timestep, start, end, options });
    const callOptions: DataSourceCallOptions = {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onDownload === undefined ? {} : { onDownload: options.onDownload }),
    };
    if (options.rollMode === 'databento') {
      return this.#fetch(request, callOptions, options.continuousRule);
    }
    // Core fetchBars prices every contract of a continuous future together (doApproveDownloads) before the
    // first download.
    return fetchBars(
      this,
      {
        asset: request.asset,
        timestep: request.timestep,
        start: request.start,
        end: request.end,
        ...(options.exchange === undefined ? {} : { exchange: options.exchange }),
        ...(options.forceCacheUpdate === undefined ? {} : { forceCacheUpdate: options.forceCacheUpdate }),
        ...(options.backAdjust === undefined ? {} : { backAdjust: options.backAdjust }),
      },
      callOptions,
    );
  }

  /**
   * Prices everything fetching these bars would download, without downloading: a continuous future
   * expands to its contract segments (core roll schedule, or one continuous-symbology request with
   * `rollMode: 'databento'`), and through a `cache` only its missing days count. Pass the result to
   * {@link approveEstimate} to check it against the cost limit before fetching.
   *
   * ```ts
   * const cached = withFeatherCache(source);
   * const estimate = await source.estimateBars(continuousFuture('ES'), '1m', start, end, { cache: cached });
   * console.log(`$${estimate.totalCostUsd.toFixed(2)}`);
   * source.approveEstimate(estimate); // throws CostLimitExceededError above maxCostUsd
   * const bars = await fetchBars(cached, { asset: continuousFuture('ES'), timestep: '1m', start, end });
   * ```
   */
  async estimateBars(
    asset: Asset | AssetInput,
    timestep: Timestep | string,
    start: Date | string,
    end: Date | string,
    options: DatabentoEstimateBarsOptions = {},
  ): Promise<DatabentoDownloadEstimate> {
    const request = toBarsRequest({ asset, timestep, start, end, options });
    const callOptions = options.signal === undefined ? {} : { signal: options.signal };
    const requests: BarsRequest[] = [];
    for (const part of this.#expand(request, options)) {
      if (options.cache === undefined) requests.push(part);
      else requests.push(...(await options.cache.planDownloads(part, callOptions)));
    }
    return this.estimateDownloads(requests, {
      ...callOptions,
      ...(options.continuousRule === undefined ? {} : { continuousRule: options.continuousRule }),
    });
  }

  /**
   * Prices bar requests with `metadata.get_cost`, each clamped to the dataset's available range exactly as
   * its download would be. Downloads nothing and checks no limit.
   */
  async estimateDownloads(
    requests: readonly BarsRequest[],
    options: DataSourceCallOptions & { readonly continuousRule?: DatabentoContinuousRule } = {},
  ): Promise<DatabentoDownloadEstimate> {
    const rule = options.continuousRule;
    const signalOptions = options.signal === undefined ? {} : { signal: options.signal };
    const downloads: DatabentoPricedDownload[] = [];
    for (const request of requests) {
      const { params } = await this.#planner.plan(request, { callOptions: options, rule, warn: false });
      if (params === undefined) continue;
      const costUsd =
        this.#approvals.peek(params) ?? (await this.client.metadata.getCost(params, signalOptions));
      downloads.push({ params, costUsd });
    }
    const totalCostUsd = downloads.reduce((sum, download) => sum + download.costUsd, 0);
    const maxCostUsd = this.client.settings().maxCostUsd;
    this.client.logger.info(
      `databento cost estimate $${totalCostUsd.toFixed(4)} for ${downloads.length} download(s)`,
      {
        estimatedCostUsd: totalCostUsd,
        downloads: downloads.length,
        ...(maxCostUsd === undefined ? {} : { maxCostUsd }),
      },
    );
    return { totalCostUsd, downloads, maxCostUsd };
  }

  /**
   * Checks an estimate's total against `maxCostUsd`; within the limit, its downloads are approved and will
   * not be priced or checked again (for 10 minutes).
   * @throws CostLimitExceededError (nothing downloaded) when the total is above the limit.
   */
  approveEstimate(estimate: DatabentoDownloadEstimate): void {
    this.#approvals.approve({ ...estimate, maxCostUsd: this.client.settings().maxCostUsd });
  }

  /**
   * The cache's hook (see `@lb/cache-feather`): prices every download of one call together before the
   * first, refusing the lot when their total is above the limit. Returns each request's estimate.
   * @throws CostLimitExceededError when the total is above `maxCostUsd`.
   */
  async approveDownloads(
    requests: readonly BarsRequest[],
    options: DataSourceCallOptions = {},
  ): Promise<(number | undefined)[]> {
    const estimates: (number | undefined)[] = [];
    const downloads: DatabentoPricedDownload[] = [];
    for (const request of requests) {
      const estimate = await this.estimateDownloads([request], options);
      estimates.push(estimate.downloads[0]?.costUsd);
      downloads.push(...estimate.downloads);
    }
    const totalCostUsd = downloads.reduce((sum, download) => sum + download.costUsd, 0);
    this.approveEstimate({ totalCostUsd, downloads, maxCostUsd: this.client.settings().maxCostUsd });
    return estimates;
  }

  /**
   * The spec's `doApproveDownloads` (core `fetchBars` calls it with every contract of a continuous future
   * before the first download): with a cost limit, {@link approveDownloads}; without one there is nothing to
   * check, and each download is priced when it starts, as before.
   * @throws CostLimitExceededError when the total is above `maxCostUsd`.
   */
  async doApproveDownloads(
    requests: readonly BarsRequest[],
    options: DataSourceCallOptions = {},
  ): Promise<readonly (number | undefined)[]> {
    if (this.client.settings().maxCostUsd === undefined) return requests.map(() => undefined);
    return this.approveDownloads(requests, options);
  }

  /** Instrument specs (multiplier, tick size, expiration, currency) for an asset at an instant. */
  getInstrument(asset: Asset | AssetInput, at: Date | string, options: { exchange?: string } = {}) {
    return this.doFetchInstrument({
      asset: normalizeAsset(asset),
      at: new Date(at),
      ...(options.exchange === undefined ? {} : { exchange: options.exchange }),
    });
  }

  /** Databento publishes no option-chain endpoint, so chains cannot be served. */
  getChains(_asset?: Asset | AssetInput): never {
    throw new UnsupportedFunctionalityError(
      'Databento publishes no option-chain endpoint; the Databento source cannot provide chains. Use a broker or another source for chains.',
      { functionality: 'getChains' },
    );
  }

  doFetchBars(request: BarsRequest, options: DataSourceCallOptions = {}): Promise<Bars> {
    return this.#fetch(request, options, undefined);
  }

  locateBars(request: BarsRequest): BarsRequestLocation {
    const { dataset, schema, symbol } = this.#planner.locate(request, undefined);
    return { dataset, schema, symbol };
  }

  async doFetchAvailableRange(
    request: BarsRequest,
    options: DataSourceCallOptions = {},
  ): Promise<AvailableRange> {
    const location = this.#planner.locate(request, undefined);
    const range = await this.#planner.datasetRange(
      location.dataset,
      options,
      request.forceCacheUpdate ?? false,
    );
    const schemaRange = range.schemas[location.schema];
    return schemaRange ?? { start: range.start, end: range.end };
  }

  async doFetchInstrument(
    request: InstrumentRequest,
    options: DataSourceCallOptions = {},
  ): Promise<InstrumentSpec> {
    options.signal?.throwIfAborted();
    const asset: Asset =
      request.asset.type === 'continuous_future'
        ? contractFuture(activeContract(request.asset.symbol, request.at))
        : request.asset;
    const dataset = resolveDataset(asset, request.exchange, this.#planner.datasetDefaults());
    const symbol = toDatabentoRawSymbol(asset);
    const key = `${dataset}:${symbol}`;
    const cached = this.#instruments.get(key);
    if (cached !== undefined && !request.forceCacheUpdate) return cached;
    // Definitions are republished at each session start: look back a few days to cover weekends.
    const range = await this.#planner.datasetRange(dataset, options, false);
    const end = new Date(Math.min(floorDay(request.at.getTime()) + DAY_MS, range.end.getTime()));
    const start = new Date(Math.max(end.getTime() - 5 * DAY_MS, range.start.getTime()));
    const params = {
      dataset,
      schema: 'definition',
      symbols: symbol,
      start,
      end,
      stypeIn: 'raw_symbol',
    } as const;
    const costUsd = await guardCost(this.client, params, this.client.settings().maxCostUsd, options);
    const result = await this.client.timeseries.getRange(params, options);
    options.onDownload?.({
      sourceId: this.sourceId,
      dataset,
      schema: 'definition',
      symbols: [symbol],
      start,
      end,
      bytes: result.bytes,
      records: result.records.length,
      costUsd,
    });
    const definition = result.records
      .filter((record): record is DatabentoDefinitionRecord => 'unitOfMeasureQty' in record)
      .filter((record) => record.rawSymbol === symbol)
      .at(-1);
    if (definition === undefined) {
      throw new DataSourceError(
        `Databento has no definition for ${symbol} in ${dataset} between ${start.toISOString()} and ${end.toISOString()}; check the symbol, exchange and date.`,
        { sourceId: this.sourceId },
      );
    }
    const spec = definitionToSpec(asset, symbol, dataset, definition);
    this.#instruments.set(key, spec);
    return spec;
  }

  /** The requests a bars call downloads: one per contract segment of a continuous future, else itself. */
  #expand(request: BarsRequest, options: DatabentoGetBarsOptions): BarsRequest[] {
    const { asset } = request;
    if (asset.type !== 'continuous_future' || options.rollMode === 'databento') return [request];
    if (request.start.getTime() >= request.end.getTime()) return [];
    const nativeTimestep = createTimestep(request.timestep.unit, 1);
    return rollSchedule(asset.symbol, request.start, request.end).map((segment) => ({
      asset: contractFuture(segment),
      timestep: nativeTimestep,
      start: segment.start,
      end: segment.end,
      ...(options.exchange === undefined ? {} : { exchange: options.exchange }),
      ...(options.forceCacheUpdate === undefined ? {} : { forceCacheUpdate: options.forceCacheUpdate }),
    }));
  }

  async #fetch(
    request: BarsRequest,
    options: DataSourceCallOptions,
    rule: DatabentoContinuousRule | undefined,
  ): Promise<Bars> {
    options.signal?.throwIfAborted();
    const signalOptions = options.signal === undefined ? {} : { signal: options.signal };
    const { location, metadata, params } = await this.#planner.plan(request, {
      callOptions: options,
      rule,
      warn: true,
    });
    const logger = this.client.logger;
    if (params === undefined) return finish(Bars.empty(metadata), request.timestep);
    const { start, end } = params;
    const costUsd =
      this.#approvals.take(params) ??
      (await guardCost(this.client, params, this.client.settings().maxCostUsd, signalOptions));
    const result = await this.client.timeseries.getRangeColumns(params, signalOptions);
    options.onDownload?.({
      sourceId: this.sourceId,
      dataset: location.dataset,
      schema: location.schema,
      symbols: [location.symbol],
      start,
      end,
      bytes: result.bytes,
      records: result.columns.length,
      costUsd,
    });
    const bars = columnsToBars(result.columns, metadata, start, end);
    if (bars.length === 0) {
      logger.warn(
        `databento: ${location.symbol} has no ${location.schema} bars in ${location.dataset} between ${start.toISOString()} and ${end.toISOString()}`,
      );
    }
    return finish(bars, request.timestep);
  }
}

/**
 * A bars request from `getBars` arguments, validated: `rollMode: 'databento'` only for continuous futures
 * and without back-adjustment, start not after end.
 */
function toBarsRequest(input: {
  asset: Asset | AssetInput;
  timestep: Timestep | string;
  start: Date | string;
  end: Date | string;
  options: DatabentoGetBarsOptions;
}): BarsRequest {
  const { options } = input;
  const asset = normalizeAsset(input.asset);
  if (options.rollMode === 'databento') {
    if (asset.type !== 'continuous_future') {
      throw new InvalidArgumentError(
        `rollMode 'databento' applies to continuous futures only, not to ${asset.symbol}.`,
        { argument: 'rollMode' },
      );
    }
    // Databento's continuous symbols are one unadjusted series; adjusting needs the per-contract path.
    if (options.backAdjust !== undefined && options.backAdjust !== 'none') {
      throw new InvalidArgumentError(
        `backAdjust '${options.backAdjust}' needs the core roll schedule; Databento's continuous symbology (rollMode 'databento') returns unadjusted prices. Drop rollMode or backAdjust.`,
        { argument: 'backAdjust' },
      );
    }
  }
  const start = parseInstant(input.start, 'start');
  const end = parseInstant(input.end, 'end');
  if (start.getTime() > end.getTime()) {
    throw new InvalidArgumentError(
      `Invalid range: start ${start.toISOString()} is after end ${end.toISOString()}; swap them.`,
      { argument: 'start' },
    );
  }
  return {
    asset,
    timestep: parseTimestep(input.timestep),
    start,
    end,
    ...(options.exchange === undefined ? {} : { exchange: options.exchange }),
    ...(options.forceCacheUpdate === undefined ? {} : { forceCacheUpdate: options.forceCacheUpdate }),
  };
}

const DAY_MS = 86_400_000;

function floorDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function contractFuture(contract: { root: string; year: number; month: number }): Asset {
  return {
    type: 'future',
    symbol: contract.root,
    year: contract.year,
    month: contract.month,
    expiration: undefined,
  };
}

function normalizeAsset(asset: Asset | AssetInput): Asset {
  if (asset.type === 'future' && 'year' in asset) return asset;
  return createAsset(asset as AssetInput);
}

/**
 * Creates the Databento data source.
 *
 * ```ts
 * const source = createDatabentoData({ apiKey: 'db-…', maxCostUsd: 5 });
 * const bars = await source.getBars(future('ESH5'), '1m', '2025-03-03T14:30Z', '2025-03-03T21:00Z');
 * ```
 * @throws InvalidSettingsError naming each bad field.
 */
export function createDatabentoData(settings: DatabentoDataSettings = {}): DatabentoDataSource {
  return new DatabentoDataSource(settings);
}

/** Lumibot's name for the Databento source: `new DataBentoData({ apiKey, timeoutMs, maxRetries })`. */
export const DataBentoData = DatabentoDataSource;
/** Instance type of {@link DataBentoData}. */
export type DataBentoData = DatabentoDataSource;

/** The default source: settings from the environment, read on the first request. */
export const databentoData: DatabentoDataSource = createDatabentoData();
