import { type Asset, assetKey } from '../asset.js';
import { DataNotLoadedError } from '../errors.js';
import type { Timestep } from '../timestep.js';

/** What a synchronous accessor was asked for when its series was not loaded. */
export interface DataNotLoadedRequest {
  readonly asset: Asset;
  readonly length: number;
  /** The timestep as the strategy gave it (or the engine's default). */
  readonly timestep: string | Timestep;
  /** The accessor called, for the message (default `getLoadedHistoricalPrices`). */
  readonly accessor?: string;
}

/**
 * The {@link DataNotLoadedError} both engines throw, so the fix the message gives is worded once. For
 * engines.
 */
export function createDataNotLoadedError(request: DataNotLoadedRequest): DataNotLoadedError {
  const key = assetKey(request.asset);
  const timestep = typeof request.timestep === 'string' ? request.timestep : request.timestep.label;
  const accessor = request.accessor ?? 'getLoadedHistoricalPrices';
  return new DataNotLoadedError(
    `${accessor}(${key}, ${request.length}, '${timestep}') needs that series in memory, and it is not loaded yet ` +
      `(or was loaded with fewer than ${request.length} bars of warm-up). Load it once with ` +
      `\`await this.getHistoricalPrices(asset, ${request.length}, '${timestep}')\` (for example in an async ` +
      'initialize()), or call the async getHistoricalPrices in this hook instead. The hook is not re-run.',
    { asset: key, timestep, length: request.length },
  );
}
