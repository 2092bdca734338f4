import { type AssetListing, LbError, type LbErrorOptions } from '@lb/core';

// Same convention as @lb/core: a Symbol.for marker so isInstance works across duplicate installs.
const missingInstrumentMarker = Symbol.for('lb.error.MissingInstrumentSpecError');

function hasMarker(error: unknown, marker: symbol): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
}

/**
 * A futures contract's multiplier or tick size is unknown: the data source has no instrument spec for it and
 * no `instruments` override was given. Never defaulted to 1, which would silently scale P&L wrongly.
 */
export class MissingInstrumentSpecError extends LbError {
  private readonly [missingInstrumentMarker] = true;
  /** The asset key (`future:MESH2025`, `continuous_future:MES`). */
  readonly asset: string;
  constructor(message: string, options: LbErrorOptions & { asset: string }) {
    super(message, options);
    this.name = 'MissingInstrumentSpecError';
    this.asset = options.asset;
  }
  static override isInstance(error: unknown): error is MissingInstrumentSpecError {
    return hasMarker(error, missingInstrumentMarker);
  }
}

const assetNotInSourceMarker = Symbol.for('lb.error.AssetNotInSourceError');

/**
 * A strategy asked for an asset the data source does not have at all: no bars over the whole backtest and
 * its warm-up, and no instrument definition. Usually a mistyped symbol or the wrong dataset.
 */
export class AssetNotInSourceError extends LbError {
  private readonly [assetNotInSourceMarker] = true;
  /** The asset key (`future:NQM2024`). */
  readonly asset: string;
  /** The data source's `sourceId`. */
  readonly sourceId: string;
  /** What the source has, closest symbols first, when it can list its assets (`doListAssets`). */
  readonly listing: AssetListing | undefined;
  constructor(
    message: string,
    options: LbErrorOptions & { asset: string; sourceId: string; listing?: AssetListing },
  ) {
    super(message, options);
    this.name = 'AssetNotInSourceError';
    this.asset = options.asset;
    this.sourceId = options.sourceId;
    this.listing = options.listing;
  }
  static override isInstance(error: unknown): error is AssetNotInSourceError {
    return hasMarker(error, assetNotInSourceMarker);
  }
}
