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
  type TimestepUnit,
  toDatabentoRawSymbol,
  UnsupportedFunctionalityError,
} from '@lb/core';
import type {
  DatabentoInstrumentDefinitionRecord,
  DatabentoInstrumentDefinitionV1Record,
  DatabentoInstrumentDefinitionV2Record,
} from '@lb/dbn';
import { UNDEF_PRICE, UNDEF_TIMESTAMP } from '@lb/dbn';
import { guardCost } from './cost-guard.js';
import { resolveDataset } from './datasets.js';
import {
  createDatabento,
  type DatabentoClient,
  type DatabentoDatasetRange,
  type DatabentoRangeParams,
} from './historical-client.js';
import type { DatabentoSettings } from './settings.js';

/** Databento continuous-contract rules: `c` calendar (expiry order), `v` volume, `n` open interest. */
export type DatabentoContinuousRule = 'c' | 'v' | 'n';

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

const SCHEMA_BY_UNIT: Record<TimestepUnit, string> = {
  second: 'ohlcv-1s',
  minute: 'ohlcv-1m',
  hour: 'ohlcv-1h',
  day: 'ohlcv-1d',
};

const NANOS_PER_MS = 1_000_000n;
const DAY_MS = 86_400_000;

type DatabentoDefinitionRecord =
  | DatabentoInstrumentDefinitionRecord
  | DatabentoInstrumentDefinitionV2Record
  | DatabentoInstrumentDefinitionV1Record;

/** What a request maps to at Databento. */
interface DatabentoLocation extends BarsRequestLocation {
  readonly stypeIn: 'raw_symbol' | 'continuous';
  /** The native timestep fetched (the request's may be a multiple of it). */
  readonly nativeTimestep: Timestep;
}

/**
 * Historical bars and instrument specs from Databento, as a `DataSourceV1` (`sourceId: 'databento'`).
 * Continuous futures go through the core roll schedule (`capabilities.continuousFutures` is false) unless
 * `getBars(..., { rollMode: 'databento' })` asks for Databento's continuous symbology.
 */
export class DatabentoDataSource implements DataSourceV1 {
  readonly specificationVersion = 'v1' as const;
  readonly sourceId = 'databento';
  readonly capabilities: DataSourceCapabilities = Object.freeze({
    assetTypes: ['stock', 'future'] as const,
    timestepUnits: ['second', 'minute', 'hour', 'day'] as const,
    continuousFutures: false,
    instruments: true,
  });
  /** The underlying historical client. */
  readonly client: DatabentoClient;
  readonly #settings: DatabentoDataSettings;
  readonly #ranges = new Map<string, { range: DatabentoDatasetRange; fetchedAtMs: number }>();
  readonly #instruments = new Map<string, InstrumentSpec>();
  /** Estimates checked before a continuous future's first download, used once by each segment's download. */
  readonly #approvedCosts = new Map<string, number>();

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
    this.#settings = settings;
  }

  /**
   * Lumibot-style convenience: bars for an asset between two instants, resampled to `timestep`.
   * Continuous futures are stitched from dated contracts (core `fetchBars`), or with `rollMode: 'databento'`
   * fetched through Databento's continuous symbology.
   */
  async getBars(
    asset: Asset | AssetInput,
    timestep: Timestep | string,
    start: Date | string,
    end: Date | string,
    options: DatabentoGetBarsOptions = {},
  ): Promise<Bars> {
    const normalized = normalizeAsset(asset);
    const callOptions: DataSourceCallOptions = {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onDownload === undefined ? {} : { onDownload: options.onDownload }),
    };
    if (options.rollMode === 'databento') {
      if (normalized.type !== 'continuous_future') {
        throw new InvalidArgumentError(
          `rollMode 'databento' applies to continuous futures only, not to ${normalized.symbol}.`,
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
      const parsed = parseTimestep(timestep);
      const startInstant = parseInstant(start, 'start');
      const endInstant = parseInstant(end, 'end');
      if (startInstant.getTime() > endInstant.getTime()) {
        throw new InvalidArgumentError(
          `Invalid range: start ${startInstant.toISOString()} is after end ${endInstant.toISOString()}; swap them.`,
          { argument: 'start' },
        );
      }
      return this.#fetch(
        {
          asset: normalized,
          timestep: parsed,
          start: startInstant,
          end: endInstant,
          ...(options.exchange === undefined ? {} : { exchange: options.exchange }),
          ...(options.forceCacheUpdate === undefined ? {} : { forceCacheUpdate: options.forceCacheUpdate }),
        },
        callOptions,
        options.continuousRule,
      );
    }
    let approved: string[] = [];
    if (normalized.type === 'continuous_future') {
      approved = await this.#guardSegments(
        normalized,
        parseTimestep(timestep),
        parseInstant(start, 'start'),
        parseInstant(end, 'end'),
        options,
      );
    }
    try {
      return await fetchBars(
        this,
        {
          asset: normalized,
          timestep,
          start,
          end,
          ...(options.exchange === undefined ? {} : { exchange: options.exchange }),
          ...(options.forceCacheUpdate === undefined ? {} : { forceCacheUpdate: options.forceCacheUpdate }),
          ...(options.backAdjust === undefined ? {} : { backAdjust: options.backAdjust }),
        },
        callOptions,
      );
    } finally {
      // Estimates left unused (a failed segment) must not stand in for a later request's check.
      for (const key of approved) this.#approvedCosts.delete(key);
    }
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
    const { dataset, schema, symbol } = this.#locate(request, undefined);
    return { dataset, schema, symbol };
  }

  async doFetchAvailableRange(
    request: BarsRequest,
    options: DataSourceCallOptions = {},
  ): Promise<AvailableRange> {
    const location = this.#locate(request, undefined);
    const range = await this.#datasetRange(location.dataset, options, request.forceCacheUpdate ?? false);
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
    const dataset = resolveDataset(asset, request.exchange, this.#datasetDefaults());
    const symbol = toDatabentoRawSymbol(asset);
    const key = `${dataset}:${symbol}`;
    const cached = this.#instruments.get(key);
    if (cached !== undefined && !request.forceCacheUpdate) return cached;
    // Definitions are republished at each session start: look back a few days to cover weekends.
    const range = await this.#datasetRange(dataset, options, false);
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

  #datasetDefaults() {
    return {
      ...(this.#settings.stockDataset === undefined ? {} : { stockDataset: this.#settings.stockDataset }),
      ...(this.#settings.futuresDataset === undefined
        ? {}
        : { futuresDataset: this.#settings.futuresDataset }),
    };
  }

  #locate(request: BarsRequest, rule: DatabentoContinuousRule | undefined): DatabentoLocation {
    const { asset, timestep } = request;
    if (asset.type === 'option') {
      throw new UnsupportedFunctionalityError(
        'The Databento source serves stock and futures bars; options are not supported.',
        { functionality: 'doFetchBars:option' },
      );
    }
    const dataset = resolveDataset(asset, request.exchange, this.#datasetDefaults());
    const nativeTimestep = createTimestep(timestep.unit, 1);
    const schema = SCHEMA_BY_UNIT[timestep.unit];
    if (asset.type === 'continuous_future') {
      const continuousRule = rule ?? this.#settings.continuousRule ?? 'v';
      return {
        dataset,
        schema,
        symbol: `${asset.symbol}.${continuousRule}.0`,
        stypeIn: 'continuous',
        nativeTimestep,
      };
    }
    return { dataset, schema, symbol: toDatabentoRawSymbol(asset), stypeIn: 'raw_symbol', nativeTimestep };
  }

  async #datasetRange(
    dataset: string,
    options: DataSourceCallOptions,
    force: boolean,
  ): Promise<DatabentoDatasetRange> {
    const ttl = this.#settings.datasetRangeTtlMs ?? 10 * 60_000;
    const cached = this.#ranges.get(dataset);
    if (!force && cached !== undefined && Date.now() - cached.fetchedAtMs < ttl) return cached.range;
    const range = await this.client.metadata.getDatasetRange(
      dataset,
      options.signal === undefined ? {} : { signal: options.signal },
    );
    this.#ranges.set(dataset, { range, fetchedAtMs: Date.now() });
    return range;
  }

  /**
   * Maps a request to the exact `timeseries.get_range` parameters, clamped to the dataset's available
   * range (with a warning when `warn`); `params` is undefined when nothing is left to download.
   */
  async #plan(
    request: BarsRequest,
    options: DataSourceCallOptions,
    rule: DatabentoContinuousRule | undefined,
    warn: boolean,
  ) {
    const location = this.#locate(request, rule);
    const logger = this.client.logger;
    const metadata = { symbol: location.symbol, timestep: location.nativeTimestep };
    const datasetRange = await this.#datasetRange(
      location.dataset,
      options,
      request.forceCacheUpdate ?? false,
    );
    const available = datasetRange.schemas[location.schema] ?? datasetRange;
    let start = request.start;
    let end = request.end;
    if (end.getTime() > available.end.getTime()) {
      if (warn) {
        logger.warn(
          `databento: ${location.dataset} ${location.schema} has data until ${available.end.toISOString()}; clamping the request end ${end.toISOString()} to it`,
          { dataset: location.dataset, schema: location.schema, symbol: location.symbol },
        );
      }
      end = available.end;
    }
    if (start.getTime() < available.start.getTime()) {
      if (warn) {
        logger.warn(
          `databento: ${location.dataset} ${location.schema} starts at ${available.start.toISOString()}; clamping the request start ${start.toISOString()} to it`,
          { dataset: location.dataset, schema: location.schema, symbol: location.symbol },
        );
      }
      start = available.start;
    }
    if (start.getTime() >= end.getTime()) {
      if (warn) {
        logger.warn(
          `databento: no data for ${location.symbol} in ${location.dataset} ${location.schema} between ${request.start.toISOString()} and ${request.end.toISOString()} (outside the available range)`,
        );
      }
      return { location, metadata, params: undefined };
    }
    const params: DatabentoRangeParams & { start: Date; end: Date } = {
      dataset: location.dataset,
      schema: location.schema,
      symbols: location.symbol,
      stypeIn: location.stypeIn,
      start,
      end,
    };
    return { location, metadata, params };
  }

  /**
   * With a cost limit, asks `metadata.get_cost` for every contract segment of a continuous future before
   * the first download: otherwise the first contracts would be downloaded (and billed) before a later,
   * pricier one is refused, leaving the caller with nothing but the bill. The estimates are reused by the
   * downloads that follow.
   */
  async #guardSegments(
    asset: Asset,
    timestep: Timestep,
    start: Date,
    end: Date,
    options: DatabentoGetBarsOptions,
  ): Promise<string[]> {
    const maxCostUsd = this.client.settings().maxCostUsd;
    const approved: string[] = [];
    if (maxCostUsd === undefined || asset.type !== 'continuous_future' || start.getTime() >= end.getTime()) {
      return approved;
    }
    const signalOptions = options.signal === undefined ? {} : { signal: options.signal };
    const nativeTimestep = createTimestep(timestep.unit, 1);
    for (const segment of rollSchedule(asset.symbol, start, end)) {
      const { params } = await this.#plan(
        {
          asset: contractFuture(segment),
          timestep: nativeTimestep,
          start: segment.start,
          end: segment.end,
          ...(options.exchange === undefined ? {} : { exchange: options.exchange }),
        },
        options,
        undefined,
        false,
      );
      if (params === undefined) continue;
      const costUsd = await guardCost(this.client, params, maxCostUsd, signalOptions);
      this.#approvedCosts.set(costKey(params), costUsd);
      approved.push(costKey(params));
    }
    return approved;
  }

  async #fetch(
    request: BarsRequest,
    options: DataSourceCallOptions,
    rule: DatabentoContinuousRule | undefined,
  ): Promise<Bars> {
    options.signal?.throwIfAborted();
    const signalOptions = options.signal === undefined ? {} : { signal: options.signal };
    const { location, metadata, params } = await this.#plan(request, options, rule, true);
    const logger = this.client.logger;
    if (params === undefined) return finish(Bars.empty(metadata), request.timestep);
    const { start, end } = params;
    const approved = this.#approvedCosts.get(costKey(params));
    this.#approvedCosts.delete(costKey(params));
    const costUsd =
      approved ?? (await guardCost(this.client, params, this.client.settings().maxCostUsd, signalOptions));
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

/** Resamples native bars to a coarser multiple when asked (e.g. 15m from ohlcv-1m). */
function finish(bars: Bars, timestep: Timestep): Bars {
  return timestep.multiple === 1 ? bars : bars.resample(timestep);
}

/** Copies decoded columns into Bars, keeping `[start, end)` and strictly increasing times. */
function columnsToBars(
  columns: {
    length: number;
    tsEventNanos: BigInt64Array;
    open: Float64Array;
    high: Float64Array;
    low: Float64Array;
    close: Float64Array;
    volume: Float64Array;
  },
  metadata: { symbol: string; timestep: Timestep },
  start: Date,
  end: Date,
): Bars {
  const startNanos = BigInt(start.getTime()) * NANOS_PER_MS;
  const endNanos = BigInt(end.getTime()) * NANOS_PER_MS;
  const keep: number[] = [];
  let previous: bigint | undefined;
  for (let index = 0; index < columns.length; index++) {
    const time = columns.tsEventNanos[index]!;
    if (time < startNanos || time >= endNanos) continue;
    // Two instruments can share a timestamp around a continuous roll; keep the first.
    if (previous !== undefined && time <= previous) continue;
    keep.push(index);
    previous = time;
  }
  if (keep.length === columns.length) {
    return Bars.fromColumns(
      {
        tsEventNanos: columns.tsEventNanos,
        open: columns.open,
        high: columns.high,
        low: columns.low,
        close: columns.close,
        volume: columns.volume,
      },
      metadata,
    );
  }
  const pick = <T extends Float64Array | BigInt64Array>(source: T, target: T): T => {
    keep.forEach((from, to) => {
      target[to] = source[from]!;
    });
    return target;
  };
  return Bars.fromColumns(
    {
      tsEventNanos: pick(columns.tsEventNanos, new BigInt64Array(keep.length)),
      open: pick(columns.open, new Float64Array(keep.length)),
      high: pick(columns.high, new Float64Array(keep.length)),
      low: pick(columns.low, new Float64Array(keep.length)),
      close: pick(columns.close, new Float64Array(keep.length)),
      volume: pick(columns.volume, new Float64Array(keep.length)),
    },
    metadata,
  );
}

function costKey(params: DatabentoRangeParams & { start: Date; end: Date }): string {
  return [
    params.dataset,
    params.schema,
    params.symbols,
    params.stypeIn,
    params.start.toISOString(),
    params.end.toISOString(),
  ].join('|');
}

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

// Databento marks an unset i32 field (such as contract_multiplier) with i32::MAX.
const UNDEF_INT32 = 2_147_483_647;

/**
 * Instrument specs from a `definition` record. A future's multiplier, tick size and currency decide P&L,
 * so a definition missing one of them is an error rather than a guess; a stock defaults to 1 share and USD.
 */
function definitionToSpec(
  asset: Asset,
  symbol: string,
  dataset: string,
  definition: DatabentoDefinitionRecord,
): InstrumentSpec {
  const fromPrice = (value: bigint) => (value === UNDEF_PRICE ? Number.NaN : Number(value) / 1e9);
  const missing = (field: string) =>
    new DataSourceError(
      `Databento's ${dataset} definition of ${symbol} has no ${field}; pass the instrument specs explicitly.`,
      { sourceId: 'databento' },
    );
  const isFuture = asset.type !== 'stock';
  let multiplier = fromPrice(definition.unitOfMeasureQty);
  if (!(multiplier > 0)) {
    const contractMultiplier = (definition as { contractMultiplier?: number }).contractMultiplier;
    if (contractMultiplier !== undefined && contractMultiplier > 0 && contractMultiplier !== UNDEF_INT32) {
      multiplier = contractMultiplier;
    } else if (isFuture) {
      throw missing('unit_of_measure_qty or contract_multiplier (the contract multiplier)');
    } else {
      multiplier = 1;
    }
  }
  const tickSize = fromPrice(definition.minPriceIncrement);
  if (!(tickSize > 0)) throw missing('min_price_increment (the tick size)');
  const currency = definition.currency.trim();
  if (currency === '' && isFuture) throw missing('currency');
  const expiration =
    definition.expiration === UNDEF_TIMESTAMP || definition.expiration === 0n
      ? undefined
      : new Date(Number(definition.expiration / NANOS_PER_MS)).toISOString().slice(0, 10);
  return Object.freeze({
    symbol,
    multiplier,
    tickSize,
    ...(expiration === undefined ? {} : { expiration }),
    currency: currency || 'USD',
  });
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
