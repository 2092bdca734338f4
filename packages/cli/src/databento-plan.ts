import { type Asset, rollSchedule, type Timestep, toDatabentoRawSymbol } from '@lb/core';
import type {
  DatabentoClient,
  DatabentoDataSource,
  DatabentoDownloadEstimate,
  DatabentoDownloadPlanner,
} from '@lb/databento';

/** One Databento request a command is about to make, clamped to what the dataset has. */
export interface PlannedDatabentoRequest {
  readonly dataset: string;
  readonly schema: string;
  readonly symbol: string;
  readonly start: Date;
  readonly end: Date;
}

/** The requests of a command and the part of its range the dataset covers (empty requests: none). */
export interface DatabentoPlan {
  readonly requests: readonly PlannedDatabentoRequest[];
  /** The requested range clamped to the available one; fetching this range needs no further clamping. */
  readonly start: Date;
  readonly end: Date;
}

/** What {@link planDatabentoRequests} needs: the asset and range as the user asked for them. */
export interface DatabentoPlanRequest {
  readonly client: DatabentoClient;
  readonly asset: Asset;
  readonly timestep: Timestep;
  readonly start: Date;
  readonly end: Date;
  /** Dataset code, from `resolveDataset(asset, exchange)`. */
  readonly dataset: string;
  /** Receives one line per part of the range the dataset does not cover. */
  readonly warn: (line: string) => void;
}

// The source fetches the native schema of the timestep's unit and aggregates multiples (5m from 1m).
const SCHEMA_BY_UNIT: Readonly<Record<Timestep['unit'], string>> = {
  second: 'ohlcv-1s',
  minute: 'ohlcv-1m',
  hour: 'ohlcv-1h',
  day: 'ohlcv-1d',
};

/**
 * The requests behind a command, before any download: the dated contracts of a continuous future (core
 * roll schedule), each clamped to the dataset's available range (`metadata.get_dataset_range`, free).
 * A range past the available end would otherwise print no bars and no reason; `warn` says what exists.
 */
export async function planDatabentoRequests(request: DatabentoPlanRequest): Promise<DatabentoPlan> {
  const { client, asset, dataset } = request;
  const schema = SCHEMA_BY_UNIT[request.timestep.unit];
  const range = await client.metadata.getDatasetRange(dataset);
  const available = range.schemas[schema] ?? range;
  const start = new Date(Math.max(request.start.getTime(), available.start.getTime()));
  const end = new Date(Math.min(request.end.getTime(), available.end.getTime()));
  const has = `${dataset} ${schema} has data from ${available.start.toISOString()} to ${available.end.toISOString()}`;
  if (start.getTime() >= end.getTime()) {
    request.warn(
      `warning: no bars: ${has}, outside the requested ${request.start.toISOString()} to ${request.end.toISOString()}`,
    );
    return { requests: [], start, end };
  }
  if (request.end.getTime() > end.getTime()) {
    request.warn(
      `warning: ${has}; nothing after ${end.toISOString()} (requested until ${request.end.toISOString()})`,
    );
  }
  if (request.start.getTime() < start.getTime()) {
    request.warn(
      `warning: ${has}; nothing before ${start.toISOString()} (requested from ${request.start.toISOString()})`,
    );
  }
  const pieces =
    asset.type === 'continuous_future'
      ? rollSchedule(asset.symbol, start, end).map((segment) => ({
          symbol: segment.symbol,
          start: segment.start,
          end: segment.end,
        }))
      : [{ symbol: toDatabentoRawSymbol(asset), start, end }];
  return { requests: pieces.map((piece) => ({ dataset, schema, ...piece })), start, end };
}

/** What {@link estimatePlannedBars} prices: a plan, and the source (and cache) that will fetch it. */
export interface PlannedBarsEstimate {
  /** The Databento source the bars will be fetched from. */
  readonly source: DatabentoDataSource;
  /** The Feather cache in front of it, if any: only the days it is missing are priced. */
  readonly cache?: DatabentoDownloadPlanner | undefined;
  readonly asset: Asset;
  readonly timestep: Timestep;
  /** The plan from {@link planDatabentoRequests}: its clamped range is priced, nothing when it is empty. */
  readonly plan: DatabentoPlan;
  /** Venue hint, as the fetch will use it. */
  readonly exchange?: string | undefined;
}

/**
 * Databento's estimate (`metadata.get_cost`, free) of what fetching a plan will download: every contract of
 * a continuous future, and through a cache only the days it does not hold (`source.estimateBars`). Pass it
 * to `source.approveEstimate` before fetching so the downloads reuse the prices.
 */
export async function estimatePlannedBars(estimate: PlannedBarsEstimate): Promise<DatabentoDownloadEstimate> {
  const { plan } = estimate;
  if (plan.requests.length === 0) {
    return { totalCostUsd: 0, downloads: [], maxCostUsd: estimate.source.client.settings().maxCostUsd };
  }
  return estimate.source.estimateBars(estimate.asset, estimate.timestep, plan.start, plan.end, {
    ...(estimate.cache === undefined ? {} : { cache: estimate.cache }),
    ...(estimate.exchange === undefined ? {} : { exchange: estimate.exchange }),
  });
}

/**
 * Databento's estimate (`metadata.get_cost`, free) of downloading every planned request, summed. An upper
 * bound when a cache is in front: days already cached are not downloaded again. The commands use
 * {@link estimatePlannedBars}, which leaves cached days out.
 */
export async function estimateDatabentoCostUsd(
  client: DatabentoClient,
  planned: readonly PlannedDatabentoRequest[],
): Promise<number> {
  let totalUsd = 0;
  for (const piece of planned) {
    totalUsd += await client.metadata.getCost({
      dataset: piece.dataset,
      schema: piece.schema,
      symbols: piece.symbol,
      start: piece.start,
      end: piece.end,
    });
  }
  return totalUsd;
}
