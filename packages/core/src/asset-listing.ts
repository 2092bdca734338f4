import { type Asset, assetKey } from './asset.js';
import {
  type AssetListing,
  DEFAULT_ASSET_LISTING_LIMIT,
  type ListAssetsRequest,
  type ListedAsset,
} from './data-source.js';
import { InvalidArgumentError } from './errors.js';
import { formatContractSymbol } from './futures-symbology.js';

/**
 * The symbol an {@link AssetListing} names `asset` by, and the `near` to ask for when looking for it: the
 * contract symbol with a one-digit year for a future (`ESH4`, as Databento's raw symbols and CME write it),
 * the ticker or root otherwise, the asset key for an option.
 */
export function listingSymbol(asset: Asset): string {
  switch (asset.type) {
    case 'future':
      return formatContractSymbol(asset.symbol, asset.year, asset.month, 1);
    case 'option':
      return assetKey(asset);
    default:
      return asset.symbol;
  }
}

/** Inputs of {@link buildAssetListing}. */
export interface BuildAssetListingOptions {
  /** Every asset the source has; a symbol seen twice is one asset with the union of its datasets. */
  readonly assets: Iterable<ListedAsset>;
  /** The caller's `near` and `limit`. */
  readonly request?: ListAssetsRequest;
}

/**
 * The bounded {@link AssetListing} a source returns from `doListAssets` when it can enumerate its assets in
 * memory: duplicates merged, ordered by {@link compareSymbolCloseness} to `request.near` (else by symbol),
 * cut to `request.limit`, with `truncated` and `totalAssets` set. Costs one distance per symbol.
 * @throws InvalidArgumentError when `limit` is not a positive integer.
 */
export function buildAssetListing(options: BuildAssetListingOptions): AssetListing {
  const limit = options.request?.limit ?? DEFAULT_ASSET_LISTING_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InvalidArgumentError(`An asset listing limit must be a positive integer, not ${limit}.`, {
      argument: 'limit',
    });
  }
  const datasetsBySymbol = new Map<string, Set<string>>();
  for (const asset of options.assets) {
    let datasets = datasetsBySymbol.get(asset.symbol);
    if (datasets === undefined) {
      datasets = new Set();
      datasetsBySymbol.set(asset.symbol, datasets);
    }
    for (const dataset of asset.datasets) datasets.add(dataset);
  }
  const near = options.request?.near;
  const symbols = [...datasetsBySymbol.keys()];
  const ordered = near === undefined ? symbols.sort(compareCodeUnits) : orderByCloseness(symbols, near);
  const assets = ordered
    .slice(0, limit)
    .map((symbol) => ({ symbol, datasets: [...datasetsBySymbol.get(symbol)!].sort(compareCodeUnits) }));
  return { assets, truncated: symbols.length > limit, totalAssets: symbols.length };
}

/**
 * Orders symbols by how likely each is the one meant when `near` was asked for: the longest common prefix
 * first (a future's root is its prefix, so `ESZ4` finds `ESH4`), then the smallest edit distance (a typo),
 * then by symbol. Case-insensitive except for the final tie-break. Returns a negative number when `left`
 * comes first, as `Array#sort` expects.
 */
export function compareSymbolCloseness(near: string, left: string, right: string): number {
  return compareKeys(closenessKey(near.toUpperCase(), left), closenessKey(near.toUpperCase(), right));
}

interface ClosenessKey {
  readonly symbol: string;
  readonly commonPrefixLength: number;
  readonly editDistance: number;
}

function orderByCloseness(symbols: readonly string[], near: string): string[] {
  const target = near.toUpperCase();
  // Keys computed once per symbol, not once per comparison.
  return symbols
    .map((symbol) => closenessKey(target, symbol))
    .sort(compareKeys)
    .map((key) => key.symbol);
}

function closenessKey(upperNear: string, symbol: string): ClosenessKey {
  const upper = symbol.toUpperCase();
  let commonPrefixLength = 0;
  while (
    commonPrefixLength < upper.length &&
    commonPrefixLength < upperNear.length &&
    upper[commonPrefixLength] === upperNear[commonPrefixLength]
  ) {
    commonPrefixLength++;
  }
  return { symbol, commonPrefixLength, editDistance: editDistance(upperNear, upper) };
}

function compareKeys(left: ClosenessKey, right: ClosenessKey): number {
  return (
    right.commonPrefixLength - left.commonPrefixLength ||
    left.editDistance - right.editDistance ||
    compareCodeUnits(left.symbol, right.symbol)
  );
}

// Sorted by UTF-16 code units, not the locale: the order must not change with the machine.
function compareCodeUnits(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Levenshtein distance (insertions, deletions, substitutions), one row of memory. */
function editDistance(left: string, right: string): number {
  const previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row++) {
    let diagonal = previous[0]!;
    previous[0] = row;
    for (let column = 1; column <= right.length; column++) {
      const above = previous[column]!;
      previous[column] = Math.min(
        above + 1,
        previous[column - 1]! + 1,
        diagonal + (left[row - 1] === right[column - 1] ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return previous[right.length]!;
}
