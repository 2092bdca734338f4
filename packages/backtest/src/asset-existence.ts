import { type Asset, assetKey, type DataSourceV1, type Timestep } from '@lb/core';
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

/**
 * A series came back without a single bar, warm-up included. When the source can say whether it knows
 * the instrument and does not, the asset is not in the source at all: fail with what the source has.
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
    let has = '';
    if (source.doFetchAvailableRange !== undefined) {
      try {
        const range = await source.doFetchAvailableRange({
          asset,
          timestep,
          start: new Date(fetchStartMs),
          end: new Date(endMs),
        });
        has = ` It has ${timestep.label} data from ${range.start.toISOString()} to ${range.end.toISOString()} for other symbols.`;
      } catch {
        // The range is only a hint for the message.
      }
    }
    throw new AssetNotInSourceError(
      `Source "${source.sourceId}" does not have ${describeAsset(asset)}: no ${timestep.label} bars from ${new Date(fetchStartMs).toISOString()} to ${new Date(endMs).toISOString()} and no instrument definition (${error instanceof Error ? error.message : String(error)}).${has} Check the symbol and the source's dataset.`,
      { asset: assetKey(asset), sourceId: source.sourceId, cause: error },
    );
  }
}
