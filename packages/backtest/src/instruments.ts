import { type Asset, assetKey, type DataSourceV1, formatContractSymbol } from '@lb/core';
import { MissingInstrumentSpecError } from './errors.js';
import type { LedgerInstrument } from './futures-ledger.js';
import { lookupInitialMargin } from './margin-table.js';

/** Contract terms given by hand, keyed by root (`MES`) or contract symbol (`MESH5`) in backtest options. */
export interface InstrumentOverride {
  /** P&L per contract for a price move of 1.0 (5 for MES). */
  readonly multiplier: number;
  /** Minimum price increment (0.25 for MES). */
  readonly tickSize: number;
  /** Initial margin per contract; defaults to the margin table. */
  readonly margin?: number;
}

/** Everything the broker needs to trade one instrument. */
export interface ResolvedInstrument extends LedgerInstrument {
  readonly tickSize: number;
}

/**
 * The symbol a position in `asset` is booked under: the contract code for futures, an OCC-style
 * `AAPL 2024-06-21 C 190` for options (never the bare underlying, which would share the stock's lots), else
 * the symbol.
 */
export function tradedSymbol(asset: Asset): string {
  if (asset.type === 'future') return formatContractSymbol(asset.symbol, asset.year, asset.month, 1);
  if (asset.type === 'option') {
    return `${asset.symbol} ${asset.expiration} ${asset.right === 'call' ? 'C' : 'P'} ${asset.strike}`;
  }
  return asset.symbol;
}

/** Inputs of {@link resolveInstrument}. */
export interface ResolveInstrumentOptions {
  readonly asset: Asset;
  /** The instrument the asset is booked as (`ESH4`, `AAPL`). */
  readonly symbol: string;
  /** The backtest's `instruments` option, by contract or root. */
  readonly overrides: Readonly<Record<string, InstrumentOverride>>;
  readonly dataSource: DataSourceV1;
  /** When the spec is needed (definitions change over time). */
  readonly at: Date;
  /** Receives a warning when a fallback (e.g. the margin table) is used. */
  readonly warn: (message: string) => void;
  readonly signal?: AbortSignal;
}

/**
 * Resolves multiplier, tick size and margin for `asset` (booked as `symbol`): an explicit override first
 * (contract symbol, then root), then the source's `doFetchInstrument`. Stocks trade 1 share at 0.01 ticks.
 * Stocks and options are cash-settled; futures reserve initial margin (table, or the override's `margin`).
 * @throws MissingInstrumentSpecError when a future's or option's multiplier cannot be found, or the source's
 * spec has a non-positive multiplier or tick size: never silently 1.
 */
export async function resolveInstrument(options: ResolveInstrumentOptions): Promise<ResolvedInstrument> {
  const { asset, symbol, overrides, dataSource, at, warn, signal } = options;
  const override = overrides[symbol] ?? overrides[asset.symbol];
  if (asset.type === 'stock' && override === undefined) {
    return { symbol, multiplier: 1, tickSize: 0.01, marginPerContract: 0, cashSettled: true };
  }
  let multiplier = override?.multiplier;
  let tickSize = override?.tickSize;
  if (multiplier === undefined || tickSize === undefined) {
    let cause: unknown;
    let problem = ' did not provide an instrument spec';
    if (dataSource.doFetchInstrument !== undefined && dataSource.capabilities.instruments) {
      try {
        const spec = await dataSource.doFetchInstrument(
          { asset, at },
          signal === undefined ? {} : { signal },
        );
        // A spec with a zero, negative or missing multiplier would scale every P&L wrongly: treat it as
        // unknown rather than trusting it (or defaulting it to 1).
        if (isPositiveNumber(spec.multiplier) && isPositiveNumber(spec.tickSize)) {
          multiplier = spec.multiplier;
          tickSize = spec.tickSize;
        } else {
          problem = ` returned an unusable spec (multiplier ${String(spec.multiplier)}, tick size ${String(spec.tickSize)})`;
        }
      } catch (error) {
        cause = error;
      }
    }
    if (multiplier === undefined || tickSize === undefined) {
      throw new MissingInstrumentSpecError(
        `No multiplier/tick size for ${assetKey(asset)} (${symbol}): source "${dataSource.sourceId}"${problem}. Pass it in the backtest options, e.g. instruments: { ${asset.symbol}: { multiplier: 5, tickSize: 0.25 } }.`,
        { asset: assetKey(asset), cause },
      );
    }
  }
  if (asset.type === 'stock' || asset.type === 'option') {
    // Stocks and options are paid for in full (quantity x price x multiplier), not margined.
    return { symbol, multiplier, tickSize, marginPerContract: 0, cashSettled: true };
  }
  let margin = override?.margin;
  if (margin === undefined) {
    const found = lookupInitialMargin(asset.symbol);
    if (found.isFallback) {
      warn(
        `No default initial margin for root ${asset.symbol}; using ${found.margin} per contract. Set instruments.${asset.symbol}.margin to override.`,
      );
    }
    margin = found.margin;
  }
  return { symbol, multiplier, tickSize, marginPerContract: margin, cashSettled: false };
}

function isPositiveNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/** An asset as warnings and results name it: the contract code for a future, else `<type> <symbol>`. */
export function describeAsset(asset: Asset): string {
  return asset.type === 'future' ? tradedSymbol(asset) : `${asset.type} ${asset.symbol}`;
}

/** Whether two asset objects name the same instrument. */
export function sameAsset(left: Asset, right: Asset): boolean {
  return (
    left === right ||
    (left.type === right.type && left.symbol === right.symbol && tradedSymbol(left) === tradedSymbol(right))
  );
}
