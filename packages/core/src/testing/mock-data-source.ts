import { type Asset, assetKey } from '../asset.js';
import { buildAssetListing, listingSymbol } from '../asset-listing.js';
import { Bars } from '../bars.js';
import type {
  AssetListing,
  BarsRequest,
  DataSourceCallOptions,
  DataSourceCapabilities,
  DataSourceV1,
  InstrumentRequest,
  InstrumentSpec,
  ListAssetsRequest,
} from '../data-source.js';
import { UnsupportedFunctionalityError } from '../errors.js';
import { isMultipleOf } from '../timestep.js';

/** Settings of {@link MockDataSource}. */
export interface MockDataSourceSettings {
  /** `sourceId` to report; `mock` by default. */
  readonly sourceId?: string;
  /** Bars served per asset. Requests for other assets get empty bars. */
  readonly bars?: ReadonlyArray<readonly [Asset, Bars]>;
  /** Instrument specs per asset; `doFetchInstrument` throws for assets not listed. */
  readonly instruments?: ReadonlyArray<readonly [Asset, InstrumentSpec]>;
  /**
   * Overrides of the default capabilities (stocks and futures, every timestep unit, instruments, asset
   * listing). `assetListing: false` removes `doListAssets`, as for a source that cannot list.
   */
  readonly capabilities?: Partial<DataSourceCapabilities>;
}

/**
 * An in-memory {@link DataSourceV1} for tests: serves the bars it was given (resampling to coarser
 * timesteps), records every call, and honours abort signals. It passes `describeDataSourceContract`.
 */
export class MockDataSource implements DataSourceV1 {
  /** Always `'v1'`. */
  readonly specificationVersion = 'v1' as const;
  /** From the settings; `mock` by default. */
  readonly sourceId: string;
  /** Defaults merged with the settings' overrides. */
  readonly capabilities: DataSourceCapabilities;
  /** Every request received, in order. */
  readonly calls: { bars: BarsRequest[]; instruments: InstrumentRequest[]; listings: ListAssetsRequest[] } = {
    bars: [],
    instruments: [],
    listings: [],
  };
  /**
   * Lists the symbols of every asset given bars or an instrument spec; absent when the settings'
   * capabilities set `assetListing: false`.
   */
  readonly doListAssets?: (
    request?: ListAssetsRequest,
    options?: DataSourceCallOptions,
  ) => Promise<AssetListing>;
  readonly #bars = new Map<string, Bars>();
  readonly #instruments = new Map<string, InstrumentSpec>();
  // Symbol per asset key, for the listing: the maps above are keyed by asset key.
  readonly #symbols = new Map<string, string>();

  constructor(settings: MockDataSourceSettings = {}) {
    this.sourceId = settings.sourceId ?? 'mock';
    this.capabilities = {
      assetTypes: ['stock', 'future'],
      timestepUnits: ['second', 'minute', 'hour', 'day'],
      continuousFutures: false,
      instruments: true,
      assetListing: true,
      ...settings.capabilities,
    };
    if (this.capabilities.assetListing === true) {
      this.doListAssets = async (request = {}, options = {}) => {
        options.signal?.throwIfAborted();
        this.calls.listings.push(request);
        return buildAssetListing({
          assets: [...this.#symbols.values()].map((symbol) => ({ symbol, datasets: [] })),
          request,
        });
      };
    }
    for (const [asset, bars] of settings.bars ?? []) this.setBars(asset, bars);
    for (const [asset, spec] of settings.instruments ?? []) this.setInstrument(asset, spec);
  }

  /** Replaces the bars served for `asset`. */
  setBars(asset: Asset, bars: Bars): void {
    this.#bars.set(assetKey(asset), bars);
    this.#symbols.set(assetKey(asset), listingSymbol(asset));
  }

  /** Replaces the instrument spec served for `asset`. */
  setInstrument(asset: Asset, spec: InstrumentSpec): void {
    this.#instruments.set(assetKey(asset), spec);
    this.#symbols.set(assetKey(asset), listingSymbol(asset));
  }

  /**
   * The stored bars of `request.asset` opening in `[start, end)`, resampled to a coarser timestep when
   * asked; empty bars for an asset it holds nothing for.
   */
  async doFetchBars(request: BarsRequest, options: DataSourceCallOptions = {}): Promise<Bars> {
    options.signal?.throwIfAborted();
    this.calls.bars.push(request);
    if (!this.capabilities.assetTypes.includes(request.asset.type)) {
      throw new UnsupportedFunctionalityError(
        `Source "${this.sourceId}" does not serve ${request.asset.type} bars; it serves ${this.capabilities.assetTypes.join(', ')}.`,
        { functionality: `doFetchBars:${request.asset.type}` },
      );
    }
    const stored = this.#bars.get(assetKey(request.asset));
    if (stored === undefined) return Bars.empty({ symbol: request.asset.symbol, timestep: request.timestep });
    const window = stored.between(request.start, request.end);
    if (stored.metadata.timestep.durationMs === request.timestep.durationMs) return window;
    if (!isMultipleOf(request.timestep, stored.metadata.timestep)) {
      throw new UnsupportedFunctionalityError(
        `Source "${this.sourceId}" holds ${stored.metadata.timestep.label} bars for ${assetKey(request.asset)} and cannot build ${request.timestep.label} bars from them.`,
        { functionality: `doFetchBars:${request.timestep.label}` },
      );
    }
    return window.resample(request.timestep);
  }

  /** The stored spec of `request.asset`; throws `UnsupportedFunctionalityError` for any other asset. */
  async doFetchInstrument(
    request: InstrumentRequest,
    options: DataSourceCallOptions = {},
  ): Promise<InstrumentSpec> {
    options.signal?.throwIfAborted();
    this.calls.instruments.push(request);
    const spec = this.#instruments.get(assetKey(request.asset));
    if (spec === undefined) {
      throw new UnsupportedFunctionalityError(
        `Source "${this.sourceId}" has no instrument spec for ${assetKey(request.asset)}; add one with setInstrument.`,
        { functionality: 'doFetchInstrument' },
      );
    }
    return spec;
  }
}
