import { type Asset, assetKey, type FutureAsset } from './asset.js';
import { Bars, type BarsColumns } from './bars.js';
import type { BarsRequest, DataSourceCallOptions, DataSourceV1, InstrumentSpec } from './data-source.js';
import { DataSourceError, InvalidArgumentError, UnsupportedFunctionalityError } from './errors.js';
import { parseInstant } from './instant.js';
import { activeContract, type RollSegment, rollSchedule } from './roll-rules.js';
import { createTimestep, parseTimestep, type Timestep, type TimestepUnit } from './timestep.js';

/**
 * How a stitched continuous series is adjusted at each roll: `none` keeps each contract's own prices;
 * `difference` shifts earlier bars by (new - old) price at the roll; `ratio` scales them by new / old.
 */
export type BackAdjustment = 'none' | 'difference' | 'ratio';

const BACK_ADJUSTMENTS: readonly BackAdjustment[] = ['none', 'difference', 'ratio'];

/** Input of {@link fetchBars}. Instants may be Dates or ISO-8601 strings. */
export interface FetchBarsInput {
  /** What to fetch; a continuous future is stitched from its contracts unless the source does it. */
  readonly asset: Asset;
  /** Bar duration, e.g. `1m` or `15m` (see {@link parseTimestep}). */
  readonly timestep: Timestep | string;
  /** First bar open time included; a zone-less string is read as UTC (see {@link parseInstant}). */
  readonly start: Date | string;
  /** Bars opening at or after this instant are excluded. */
  readonly end: Date | string;
  /** Venue hint (e.g. `CME`), for sources that serve several venues. */
  readonly exchange?: string;
  /** Bypass caches and fetch from the origin again. */
  readonly forceCacheUpdate?: boolean;
  /** Adjustment of continuous futures at rolls; `none` by default. */
  readonly backAdjust?: BackAdjustment;
}

// Look this far back before a roll for the incoming contract's last price (weekends and holidays).
const ROLL_PRICE_LOOKBACK_MS = 7 * 86_400_000;

const UNITS_FINEST_FIRST: readonly TimestepUnit[] = ['second', 'minute', 'hour', 'day'];

/**
 * Fetches bars from any source: validates the request, resamples timesteps the source does not serve
 * natively, and turns a continuous future into its dated contracts (core roll schedule) when the source
 * does not resolve continuous futures itself, stitching the pieces and optionally back-adjusting them.
 * A source with `capabilities.downloadApproval` gets every request of such a call in one
 * `doApproveDownloads` before the first `doFetchBars`, so its cost limit applies to their total.
 * @throws InvalidArgumentError for invalid instants or `start` after `end`.
 * @throws UnsupportedFunctionalityError when the source cannot serve the asset type or timestep.
 */
export async function fetchBars(
  source: DataSourceV1,
  input: FetchBarsInput,
  options: DataSourceCallOptions = {},
): Promise<Bars> {
  const start = parseInstant(input.start, 'start');
  const end = parseInstant(input.end, 'end');
  if (start.getTime() > end.getTime()) {
    throw new InvalidArgumentError(
      `Invalid range: start ${start.toISOString()} is after end ${end.toISOString()}; swap them.`,
      { argument: 'start' },
    );
  }
  const timestep = parseTimestep(input.timestep);
  if (input.backAdjust !== undefined && !BACK_ADJUSTMENTS.includes(input.backAdjust)) {
    throw new InvalidArgumentError(
      `Invalid backAdjust ${JSON.stringify(input.backAdjust)}: use one of ${BACK_ADJUSTMENTS.map((name) => `"${name}"`).join(', ')}.`,
      { argument: 'backAdjust' },
    );
  }
  const nativeTimestep = nativeTimestepFor(source, timestep);
  const base = {
    timestep: nativeTimestep,
    ...(input.exchange === undefined ? {} : { exchange: input.exchange }),
    ...(input.forceCacheUpdate === undefined ? {} : { forceCacheUpdate: input.forceCacheUpdate }),
  };
  let bars: Bars;
  if (input.asset.type === 'continuous_future' && !source.capabilities.continuousFutures) {
    assertServes(source, 'future');
    bars = await fetchContinuous(
      source,
      input.asset.symbol,
      start,
      end,
      base,
      input.backAdjust ?? 'none',
      options,
    );
  } else {
    assertServes(source, input.asset.type);
    if (input.backAdjust !== undefined && input.backAdjust !== 'none') {
      if (input.asset.type !== 'continuous_future') {
        throw new InvalidArgumentError(
          `backAdjust applies to continuous futures only, not to ${assetKey(input.asset)}.`,
          { argument: 'backAdjust' },
        );
      }
      // The source stitches continuous futures itself and BarsRequest has no adjustment field: refuse
      // rather than return unadjusted prices the caller asked to have adjusted.
      throw new UnsupportedFunctionalityError(
        `Source "${source.sourceId}" resolves continuous futures itself and cannot back-adjust them; use backAdjust "none".`,
        { functionality: `doFetchBars:backAdjust:${input.backAdjust}` },
      );
    }
    bars = await source.doFetchBars({ ...base, asset: input.asset, start, end }, options);
  }
  return nativeTimestep.durationMs === timestep.durationMs ? bars : bars.resample(timestep);
}

/**
 * Fetches an instrument's specifications (multiplier, tick size...). A continuous future resolves to the
 * contract active at `at`.
 * @throws InvalidArgumentError for an invalid Date.
 * @throws UnsupportedFunctionalityError when the source has no instrument specs.
 */
export async function fetchInstrument(
  source: DataSourceV1,
  asset: Asset,
  at: Date,
  options: DataSourceCallOptions = {},
): Promise<InstrumentSpec> {
  parseInstant(at, 'at');
  if (source.doFetchInstrument === undefined) {
    throw new UnsupportedFunctionalityError(
      `Source "${source.sourceId}" provides no instrument specs; pass multiplier and tick size explicitly.`,
      { functionality: 'doFetchInstrument' },
    );
  }
  const resolved: Asset =
    asset.type === 'continuous_future' && !source.capabilities.continuousFutures
      ? contractAsset(activeContract(asset.symbol, at))
      : asset;
  return source.doFetchInstrument({ asset: resolved, at }, options);
}

/** The dated future for a roll segment or active contract. */
export function contractAsset(contract: { root: string; year: number; month: number }): FutureAsset {
  return Object.freeze({
    type: 'future',
    symbol: contract.root,
    year: contract.year,
    month: contract.month,
    expiration: undefined,
  });
}

async function fetchContinuous(
  source: DataSourceV1,
  root: string,
  start: Date,
  end: Date,
  base: Omit<BarsRequest, 'asset' | 'start' | 'end'>,
  backAdjust: BackAdjustment,
  options: DataSourceCallOptions,
): Promise<Bars> {
  const segments = rollSchedule(root, start, end);
  const segmentRequests: BarsRequest[] = segments.map((segment) => ({
    ...base,
    asset: contractAsset(segment),
    start: segment.start,
    end: segment.end,
  }));
  const lookbackRequests =
    backAdjust === 'none' || segments.length < 2
      ? []
      : segments.slice(0, -1).map((_segment, index) => rollLookbackRequest(segments, index, base));
  await approveDownloads(source, [...segmentRequests, ...lookbackRequests], options);
  const parts: Bars[] = [];
  for (const request of segmentRequests) parts.push(await source.doFetchBars(request, options));
  const stitched = Bars.concat(parts, { symbol: root, timestep: base.timestep });
  if (lookbackRequests.length === 0) return stitched;
  return adjustAtRolls(source, segments, parts, stitched, lookbackRequests, backAdjust, options);
}

/**
 * Lets a source that prices downloads (`capabilities.downloadApproval`) check the total of every request
 * one call makes against its cost limit before the first download, instead of each request alone.
 */
async function approveDownloads(
  source: DataSourceV1,
  requests: readonly BarsRequest[],
  options: DataSourceCallOptions,
): Promise<void> {
  if (requests.length < 2 || source.capabilities.downloadApproval !== true) return;
  if (source.doApproveDownloads === undefined) return;
  await source.doApproveDownloads(requests, options.signal === undefined ? {} : { signal: options.signal });
}

/** The incoming contract's bars in the week before the roll that ends `segments[index]`. */
function rollLookbackRequest(
  segments: readonly RollSegment[],
  index: number,
  base: Omit<BarsRequest, 'asset' | 'start' | 'end'>,
): BarsRequest {
  const roll = segments[index]!.end;
  return {
    ...base,
    asset: contractAsset(segments[index + 1]!),
    start: new Date(roll.getTime() - ROLL_PRICE_LOOKBACK_MS),
    end: roll,
  };
}

async function adjustAtRolls(
  source: DataSourceV1,
  segments: readonly RollSegment[],
  parts: readonly Bars[],
  stitched: Bars,
  lookbackRequests: readonly BarsRequest[],
  backAdjust: BackAdjustment,
  options: DataSourceCallOptions,
): Promise<Bars> {
  // Adjustment factors apply to every bar before a roll, so walk rolls from the latest backwards and
  // accumulate: an offset (difference) or a factor (ratio) per segment. The outgoing contract's last close is
  // compared with the incoming contract's close at that same bar (or the latest before it), so an outgoing
  // contract whose data stops early is not compared with a later incoming price. When the incoming
  // contract has no bar that early in the lookback week, its last close before the roll is used.
  const offsets = new Float64Array(segments.length);
  const factors = new Float64Array(segments.length).fill(1);
  for (let index = segments.length - 2; index >= 0; index--) {
    const roll = segments[index]!.end;
    const outgoing = parts[index]!.close.at(-1);
    const outgoingTime = parts[index]!.tsEventNanos.at(-1);
    const incomingBars = await source.doFetchBars(lookbackRequests[index]!, options);
    const incoming =
      outgoingTime === undefined
        ? undefined
        : (incomingBars.slice(0, incomingBars.indexAtOrAfter(outgoingTime + 1n)).close.at(-1) ??
          incomingBars.close.at(-1));
    if (outgoing === undefined || incoming === undefined) {
      const missing =
        outgoing === undefined
          ? `${segments[index]!.symbol} has no bar in its segment before the roll`
          : `${segments[index + 1]!.symbol} has no bar in the week before the roll`;
      throw new DataSourceError(
        `Cannot back-adjust at the ${roll.toISOString()} roll from ${segments[index]!.symbol} to ${segments[index + 1]!.symbol}: ${missing}. Use backAdjust "none" or widen the data.`,
        { sourceId: source.sourceId },
      );
    }
    if (backAdjust === 'ratio' && !(outgoing > 0 && incoming > 0)) {
      throw new DataSourceError(
        `Cannot ratio back-adjust at the ${roll.toISOString()} roll: prices must be positive, got ${segments[index]!.symbol} ${outgoing} and ${segments[index + 1]!.symbol} ${incoming}. Use backAdjust "difference".`,
        { sourceId: source.sourceId },
      );
    }
    offsets[index] = offsets[index + 1]! + (incoming - outgoing);
    factors[index] = factors[index + 1]! * (incoming / outgoing);
  }
  const columns: BarsColumns = {
    tsEventNanos: stitched.tsEventNanos,
    open: new Float64Array(stitched.open),
    high: new Float64Array(stitched.high),
    low: new Float64Array(stitched.low),
    close: new Float64Array(stitched.close),
    volume: stitched.volume,
  };
  let row = 0;
  parts.forEach((part, segmentIndex) => {
    const offset = offsets[segmentIndex]!;
    const factor = factors[segmentIndex]!;
    for (let index = 0; index < part.length; index++, row++) {
      for (const column of [columns.open, columns.high, columns.low, columns.close]) {
        column[row] = backAdjust === 'difference' ? column[row]! + offset : column[row]! * factor;
      }
    }
  });
  return Bars.fromColumns(columns, stitched.metadata);
}

function nativeTimestepFor(source: DataSourceV1, timestep: Timestep): Timestep {
  const units = source.capabilities.timestepUnits;
  if (timestep.multiple === 1 && units.includes(timestep.unit)) return timestep;
  for (let position = UNITS_FINEST_FIRST.length - 1; position >= 0; position--) {
    const unit = UNITS_FINEST_FIRST[position]!;
    const candidate = createTimestep(unit, 1);
    if (units.includes(unit) && timestep.durationMs % candidate.durationMs === 0) return candidate;
  }
  throw new UnsupportedFunctionalityError(
    `Source "${source.sourceId}" serves ${units.join(', ')} bars, which cannot be aggregated into ${timestep.label} bars.`,
    { functionality: `doFetchBars:${timestep.label}` },
  );
}

function assertServes(source: DataSourceV1, type: Asset['type']): void {
  if (!source.capabilities.assetTypes.includes(type)) {
    throw new UnsupportedFunctionalityError(
      `Source "${source.sourceId}" does not serve ${type} bars; it serves ${source.capabilities.assetTypes.join(', ')}.`,
      { functionality: `doFetchBars:${type}` },
    );
  }
}
