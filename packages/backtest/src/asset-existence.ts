import {
  type Asset,
  type AssetListing,
  assetKey,
  type DataSourceV1,
  listingSymbol,
  type Timestep,
} from '@lb/core';
import { AssetNotInSourceError } from './errors.js';
import { describeAsset } from './instruments.js';

/** Inputs of {@link confirmAssetInSource}. */
export interface ConfirmAssetOptions {
  readonly dataSource: DataSourceV1;
  readonly asset: Asset;
  readonly timestep: Timestep;
  /** Start of the fetch that came back empty (warm-up included). */
  readonly fetchStartMs: number;
  readonly endMs: number;
  readonly signal?: AbortSignal;
}

/** How many symbols the error names: enough for the likely typo fixes, short enough to read. */
const LISTED_SYMBOLS_IN_ERROR = 20;

/**
 * A series came back without a single bar, warm-up included. When the source can say whether it knows
 * the instrument and does not, the asset is not in the source at all: fail with what the source has (its
 * symbols closest to the asked one when it can list them, else the range it has data for).
 * @throws AssetNotInSourceError
 */
export async function confirmAssetInSource(options: ConfirmAssetOptions): Promise<void> {
  const { asset, timestep, fetchStartMs, endMs, signal } = options;
  const source = options.dataSource;
  if (asset.type === 'continuous_future' || !source.capabilities.instruments) return;
  if (source.doFetchInstrument === undefined) return;
  try {
    await source.doFetchInstrument(
      { asset, at: new Date(fetchStartMs) },
      signal === undefined ? {} : { signal },
    );
    return;
  } catch (error) {
    signal?.throwIfAborted();
    const has = await describeWhatSourceHas(options);
    throw new AssetNotInSourceError(
      `Source "${source.sourceId}" does not have ${describeAsset(asset)}: no ${timestep.label} bars from ${new Date(fetchStartMs).toISOString()} to ${new Date(endMs).toISOString()} and no instrument definition (${error instanceof Error ? error.message : String(error)}).${has.sentence} Check the symbol and the source's dataset.`,
      {
        asset: assetKey(asset),
        sourceId: source.sourceId,
        cause: error,
        ...(has.listing === undefined ? {} : { listing: has.listing }),
      },
    );
  }
}

/**
 * What the source has: the error's sentence (with a leading space; empty when unknown) and the listing it
 * was built from, when the source could list its assets.
 */
async function describeWhatSourceHas(
  options: ConfirmAssetOptions,
): Promise<{ readonly sentence: string; readonly listing?: AssetListing }> {
  const { dataSource: source, asset, signal } = options;
  if (source.capabilities.assetListing === true && source.doListAssets !== undefined) {
    try {
      const listing = await source.doListAssets(
        { near: listingSymbol(asset), limit: LISTED_SYMBOLS_IN_ERROR },
        signal === undefined ? {} : { signal },
      );
      return { sentence: ` ${describeListing(listing)}`, listing };
    } catch (error) {
      signal?.throwIfAborted();
      const range = await describeRange(options);
      return {
        sentence: ` Listing its symbols failed (${error instanceof Error ? error.message : String(error)}).${range}`,
      };
    }
  }
  return { sentence: `${await describeRange(options)} It cannot list its symbols.` };
}

function describeListing(listing: AssetListing): string {
  const symbols = listing.assets.map((listed) => listed.symbol);
  if (symbols.length === 0) return 'It has no symbols at all.';
  if (!listing.truncated) {
    return symbols.length === 1
      ? `It has 1 symbol: ${symbols[0]}.`
      : `It has ${symbols.length} symbols, closest first: ${symbols.join(', ')}.`;
  }
  const total = listing.totalAssets;
  return total === undefined
    ? `It has more than ${symbols.length} symbols, closest first: ${symbols.join(', ')} and more.`
    : `It has ${total} symbols, closest first: ${symbols.join(', ')} and ${total - symbols.length} more.`;
}

/** The range sentence, with a leading space; empty when the source cannot tell (it is only a hint). */
async function describeRange(options: ConfirmAssetOptions): Promise<string> {
  const { dataSource: source, asset, timestep, fetchStartMs, endMs } = options;
  if (source.doFetchAvailableRange === undefined) return '';
  try {
    const range = await source.doFetchAvailableRange({
      asset,
      timestep,
      start: new Date(fetchStartMs),
      end: new Date(endMs),
    });
    return ` It has ${timestep.label} data from ${range.start.toISOString()} to ${range.end.toISOString()} for other symbols.`;
  } catch {
    return '';
  }
}
