import { z } from 'zod';
import { InvalidAssetError } from './errors.js';
import { formatContractSymbol, parseContractSymbol } from './futures-symbology.js';
import { formatIssues } from './validation.js';

/** Kinds of tradable assets. */
export type AssetType = 'stock' | 'future' | 'continuous_future' | 'option';

/** A stock or ETF, identified by its ticker. */
export interface StockAsset {
  /** Discriminant. */
  readonly type: 'stock';
  /** Upper-case ticker (`AAPL`). */
  readonly symbol: string;
}

/**
 * One futures contract. `symbol` is the root (`ES`); `year` and `month` identify the contract month.
 * `expiration` (`YYYY-MM-DD`) is set when it was given explicitly.
 */
export interface FutureAsset {
  /** Discriminant. */
  readonly type: 'future';
  /** Upper-case root (`ES`), never a contract code. */
  readonly symbol: string;
  /** Four-digit contract year. */
  readonly year: number;
  /** Contract month, 1-12. */
  readonly month: number;
  /** Expiration date (`YYYY-MM-DD`) when given explicitly, else undefined. */
  readonly expiration: string | undefined;
}

/** A continuous futures series on a root (`ES`): the contract it stands for changes at each roll. */
export interface ContinuousFutureAsset {
  /** Discriminant. */
  readonly type: 'continuous_future';
  /** Upper-case root (`ES`). */
  readonly symbol: string;
}

/** An option on `symbol` (the underlying). */
export interface OptionAsset {
  /** Discriminant. */
  readonly type: 'option';
  /** Upper-case symbol of the underlying (`SPY`). */
  readonly symbol: string;
  /** Expiration date, `YYYY-MM-DD`. */
  readonly expiration: string;
  /** Strike price, positive. */
  readonly strike: number;
  /** Call or put. */
  readonly right: 'call' | 'put';
}

/** Any asset @lb can price or trade. Create one with {@link createAsset} or the shorthand helpers. */
export type Asset = StockAsset | FutureAsset | ContinuousFutureAsset | OptionAsset;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function toIsoDate(value: unknown): string | undefined {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? undefined : value.toISOString().slice(0, 10);
  }
  if (typeof value !== 'string') return undefined;
  const match = ISO_DATE.exec(value.trim());
  if (match === null) return undefined;
  const [, year, month, day] = match as unknown as [string, string, string, string];
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  // Rejects dates such as 2025-02-30 that Date would silently roll into March.
  return date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day)
    ? value.trim()
    : undefined;
}

const symbolSchema = z
  .string({ error: 'symbol must be a string' })
  .trim()
  .min(1, { error: 'symbol must not be empty' })
  .regex(/^[A-Za-z0-9.\-/^]+$/, { error: 'symbol may contain only letters, digits and . - / ^' })
  .transform((symbol) => symbol.toUpperCase());

const dateSchema = z.custom<string | Date>((value) => toIsoDate(value) !== undefined, {
  error: 'expiration must be a Date or a YYYY-MM-DD string for a real calendar day',
});

const assetInputSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('stock'), symbol: symbolSchema }),
    z.strictObject({ type: z.literal('future'), symbol: symbolSchema, expiration: dateSchema.optional() }),
    z.strictObject({
      type: z.literal('continuous_future'),
      symbol: symbolSchema,
      expiration: z
        .undefined({ error: 'a continuous future has no expiration; use type "future"' })
        .optional(),
    }),
    z.strictObject({
      type: z.literal('option'),
      symbol: symbolSchema,
      expiration: dateSchema,
      strike: z.number().finite().positive({ error: 'strike must be a positive number' }),
      right: z
        .string()
        .transform((right) => right.toLowerCase())
        .pipe(z.enum(['call', 'put'], { error: 'right must be "call" or "put"' })),
    }),
  ],
  { error: 'type must be one of "stock", "future", "continuous_future", "option"' },
);

/** Input accepted by {@link createAsset}. Dates may be `Date` objects or `YYYY-MM-DD` strings. */
export type AssetInput =
  | { type: 'stock'; symbol: string }
  | { type: 'future'; symbol: string; expiration?: string | Date }
  | { type: 'continuous_future'; symbol: string }
  | { type: 'option'; symbol: string; expiration: string | Date; strike: number; right: 'call' | 'put' };

/**
 * Validates and normalises an asset. Symbols are upper-cased. A future whose symbol is a contract code
 * (`ESH5`, `ESH25`) becomes that contract; a bare root needs an `expiration`.
 * @throws InvalidAssetError naming the field at fault and how to fix it.
 */
export function createAsset(input: AssetInput): Asset {
  const parsed = assetInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidAssetError(`Invalid asset ${JSON.stringify(input)}: ${formatIssues(parsed.error)}.`, {
      input,
      cause: parsed.error,
    });
  }
  const value = parsed.data;
  switch (value.type) {
    case 'stock':
      return Object.freeze({ type: 'stock', symbol: value.symbol });
    case 'continuous_future':
      if (parseContractSymbol(value.symbol) !== null) {
        throw new InvalidAssetError(
          `Invalid asset: "${value.symbol}" is a contract code, not a root; a continuous future takes the root (e.g. "ES").`,
          { input },
        );
      }
      return Object.freeze({ type: 'continuous_future', symbol: value.symbol });
    case 'option':
      return Object.freeze({
        type: 'option',
        symbol: value.symbol,
        expiration: toIsoDate(value.expiration)!,
        strike: value.strike,
        right: value.right,
      });
    case 'future':
      return createFuture(
        value.symbol,
        value.expiration === undefined ? undefined : toIsoDate(value.expiration)!,
        input,
      );
  }
}

function createFuture(symbol: string, expiration: string | undefined, input: unknown): FutureAsset {
  const contract = parseContractSymbol(symbol);
  if (contract !== null) {
    if (expiration !== undefined) {
      const [year, month] = expiration.split('-').map(Number) as [number, number];
      if (year !== contract.year || month !== contract.month) {
        throw new InvalidAssetError(
          `Invalid asset: contract code "${symbol}" is ${formatContractSymbol(contract.root, contract.year, contract.month, 4)} but expiration ${expiration} is in another month; pass the root with an expiration, or the code alone.`,
          { input },
        );
      }
    }
    return Object.freeze({
      type: 'future',
      symbol: contract.root,
      year: contract.year,
      month: contract.month,
      expiration,
    });
  }
  if (expiration === undefined) {
    throw new InvalidAssetError(
      `Invalid asset: future "${symbol}" needs an expiration (YYYY-MM-DD) or a contract code such as "${symbol}H5"; for a rolling series use type "continuous_future".`,
      { input },
    );
  }
  const [year, month] = expiration.split('-').map(Number) as [number, number];
  return Object.freeze({ type: 'future', symbol, year, month, expiration });
}

/** Shorthand for `createAsset({ type: 'stock', symbol })`. */
export function stock(symbol: string): StockAsset {
  return createAsset({ type: 'stock', symbol }) as StockAsset;
}

/** Shorthand for a futures contract: `future('ESH5')` or `future('ES', '2025-03-21')`. */
export function future(symbol: string, expiration?: string | Date): FutureAsset {
  return createAsset(
    expiration === undefined ? { type: 'future', symbol } : { type: 'future', symbol, expiration },
  ) as FutureAsset;
}

/** Shorthand for `createAsset({ type: 'continuous_future', symbol: root })`. */
export function continuousFuture(root: string): ContinuousFutureAsset {
  return createAsset({ type: 'continuous_future', symbol: root }) as ContinuousFutureAsset;
}

/** Shorthand for an option on `underlying`. */
export function option(
  underlying: string,
  expiration: string | Date,
  strike: number,
  right: 'call' | 'put',
): OptionAsset {
  return createAsset({ type: 'option', symbol: underlying, expiration, strike, right }) as OptionAsset;
}

/**
 * A stable string key for maps and cache paths: `stock:AAPL`, `future:ESH2025`, `continuous_future:ES`,
 * `option:SPY:2025-03-21:C:500`.
 */
export function assetKey(asset: Asset): string {
  switch (asset.type) {
    case 'stock':
    case 'continuous_future':
      return `${asset.type}:${asset.symbol}`;
    case 'future':
      return `future:${formatContractSymbol(asset.symbol, asset.year, asset.month, 4)}`;
    case 'option':
      return `option:${asset.symbol}:${asset.expiration}:${asset.right === 'call' ? 'C' : 'P'}:${asset.strike}`;
  }
}

/**
 * Databento's raw symbol for an asset. CME Globex (GLBX.MDP3) raw symbols use a one-digit year, so ES
 * expiring 2025-03-21 is `ESH5`. Only the contract's year and month matter.
 * @throws InvalidAssetError for a continuous future (resolve it to a contract first, see `activeContract`).
 */
export function toDatabentoRawSymbol(asset: Asset): string {
  switch (asset.type) {
    case 'stock':
      return asset.symbol;
    case 'future':
      return formatContractSymbol(asset.symbol, asset.year, asset.month, 1);
    case 'continuous_future':
      throw new InvalidAssetError(
        `Continuous future "${asset.symbol}" has no single raw symbol; resolve it to a contract at an instant first (activeContract or rollSchedule).`,
        { input: asset },
      );
    case 'option':
      throw new InvalidAssetError(
        `Options have no generic raw symbol; the data source must resolve "${assetKey(asset)}" itself.`,
        { input: asset },
      );
  }
}
