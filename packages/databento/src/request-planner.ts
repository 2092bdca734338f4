import {
  type BarsRequest,
  type BarsRequestLocation,
  createTimestep,
  type DataSourceCallOptions,
  type Timestep,
  type TimestepUnit,
  toDatabentoRawSymbol,
  UnsupportedFunctionalityError,
} from '@lb/core';
import type { DatabentoDownloadParams } from './cost-approvals.js';
import { resolveDataset } from './datasets.js';
import type { DatabentoClient, DatabentoDatasetRange } from './historical-client.js';

/** Databento continuous-contract rules: `c` calendar (expiry order), `v` volume, `n` open interest. */
export type DatabentoContinuousRule = 'c' | 'v' | 'n';

/** The source settings the planner needs. */
export interface DatabentoPlannerSettings {
  readonly stockDataset?: string;
  readonly futuresDataset?: string;
  readonly continuousRule?: DatabentoContinuousRule;
  readonly datasetRangeTtlMs?: number;
}

const SCHEMA_BY_UNIT: Record<TimestepUnit, string> = {
  second: 'ohlcv-1s',
  minute: 'ohlcv-1m',
  hour: 'ohlcv-1h',
  day: 'ohlcv-1d',
};

/** What a request maps to at Databento. */
export interface DatabentoLocation extends BarsRequestLocation {
  readonly stypeIn: 'raw_symbol' | 'continuous';
  /** The native timestep fetched (the request's may be a multiple of it). */
  readonly nativeTimestep: Timestep;
}

/** A request mapped to exact `timeseries.get_range` parameters. */
export interface DatabentoRequestPlan {
  readonly location: DatabentoLocation;
  readonly metadata: { readonly symbol: string; readonly timestep: Timestep };
  /** Undefined when nothing is left to download once clamped to the available range. */
  readonly params: DatabentoDownloadParams | undefined;
}

/**
 * Maps bar requests to Databento datasets, schemas and symbols, and clamps them to the dataset's available
 * range (cached in memory for `datasetRangeTtlMs`). Pricing and downloading both plan through it, so an
 * estimate is made for exactly the parameters later downloaded.
 */
export class DatabentoRequestPlanner {
  readonly #options: { client: DatabentoClient; settings: DatabentoPlannerSettings };
  readonly #ranges = new Map<string, { range: DatabentoDatasetRange; fetchedAtMs: number }>();

  constructor(options: { client: DatabentoClient; settings: DatabentoPlannerSettings }) {
    this.#options = options;
  }

  datasetDefaults() {
    const { settings } = this.#options;
    return {
      ...(settings.stockDataset === undefined ? {} : { stockDataset: settings.stockDataset }),
      ...(settings.futuresDataset === undefined ? {} : { futuresDataset: settings.futuresDataset }),
    };
  }

  locate(request: BarsRequest, rule: DatabentoContinuousRule | undefined): DatabentoLocation {
    const { asset, timestep } = request;
    if (asset.type === 'option') {
      throw new UnsupportedFunctionalityError(
        'The Databento source serves stock and futures bars; options are not supported.',
        { functionality: 'doFetchBars:option' },
      );
    }
    const dataset = resolveDataset(asset, request.exchange, this.datasetDefaults());
    const nativeTimestep = createTimestep(timestep.unit, 1);
    const schema = SCHEMA_BY_UNIT[timestep.unit];
    if (asset.type === 'continuous_future') {
      const continuousRule = rule ?? this.#options.settings.continuousRule ?? 'v';
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

  async datasetRange(
    dataset: string,
    options: DataSourceCallOptions,
    force: boolean,
  ): Promise<DatabentoDatasetRange> {
    const ttl = this.#options.settings.datasetRangeTtlMs ?? 10 * 60_000;
    const cached = this.#ranges.get(dataset);
    if (!force && cached !== undefined && Date.now() - cached.fetchedAtMs < ttl) return cached.range;
    const range = await this.#options.client.metadata.getDatasetRange(
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
  async plan(
    request: BarsRequest,
    context: {
      callOptions: DataSourceCallOptions;
      rule?: DatabentoContinuousRule | undefined;
      warn: boolean;
    },
  ): Promise<DatabentoRequestPlan> {
    const { callOptions: options, rule, warn } = context;
    const location = this.locate(request, rule);
    const logger = this.#options.client.logger;
    const metadata = { symbol: location.symbol, timestep: location.nativeTimestep };
    const datasetRange = await this.datasetRange(
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
    const params: DatabentoDownloadParams = {
      dataset: location.dataset,
      schema: location.schema,
      symbols: location.symbol,
      stypeIn: location.stypeIn,
      start,
      end,
    };
    return { location, metadata, params };
  }
}
