import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Asset, option } from '../asset.js';
import { listingSymbol } from '../asset-listing.js';
import type { Bars } from '../bars.js';
import { type DataSourceV1, DEFAULT_ASSET_LISTING_LIMIT, type DownloadReport } from '../data-source.js';
import { UnsupportedFunctionalityError } from '../errors.js';
import { parseTimestep, type Timestep } from '../timestep.js';

/** What a source package hands the contract suite: a source and a window where it has data. */
export interface DataSourceContractFixture {
  /** The source under test. */
  readonly source: DataSourceV1;
  /** A request that returns at least four bars. */
  readonly bars: {
    readonly asset: Asset;
    readonly timestep: Timestep | string;
    readonly start: Date;
    readonly end: Date;
  };
  /** A window (same asset and timestep) in which the source has no bars. */
  readonly emptyWindow?: { readonly start: Date; readonly end: Date };
  /** An asset the source cannot serve; defaults to an option when the source does not list options. */
  readonly unsupportedAsset?: Asset;
  /** An instrument the source knows, when `capabilities.instruments` is true. */
  readonly instrument?: { readonly asset: Asset; readonly at: Date };
  /**
   * The symbol `doListAssets` names the `bars` asset by, when the source lists assets; defaults to
   * `listingSymbol(bars.asset)` (`ESH4`).
   */
  readonly listedSymbol?: string;
  /** Releases servers, temp folders... after the suite. */
  readonly teardown?: () => Promise<void> | void;
}

/**
 * The conformance suite every `DataSourceV1` implementation runs in its own tests:
 *
 * ```ts
 * describeDataSourceContract('databento', async () => ({ source, bars: { asset, timestep: '1m', start, end } }));
 * ```
 *
 * Imported from `@lb/core/testing/contract`, the only `@lb/core` entry that needs vitest. Cases whose
 * capability the source lacks (no empty window, no instruments...) are reported as skipped with the reason.
 */
export function describeDataSourceContract(
  name: string,
  setup: () => Promise<DataSourceContractFixture> | DataSourceContractFixture,
): void {
  describe(`DataSourceV1 contract: ${name}`, () => {
    let fixture: DataSourceContractFixture;
    let timestep: Timestep;

    beforeAll(async () => {
      fixture = await setup();
      timestep = parseTimestep(fixture.bars.timestep);
    });

    afterAll(async () => {
      await fixture?.teardown?.();
    });

    const fetchWindow = (start: Date, end: Date, signal?: AbortSignal): Promise<Bars> =>
      fixture.source.doFetchBars(
        { asset: fixture.bars.asset, timestep, start, end },
        signal === undefined ? {} : { signal },
      );

    it('should declare specification v1, a sourceId and its capabilities', () => {
      const { source } = fixture;
      expect(source.specificationVersion).toBe('v1');
      expect(source.sourceId).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      expect(Array.isArray(source.capabilities.assetTypes)).toBe(true);
      expect(source.capabilities.assetTypes.length).toBeGreaterThan(0);
      expect(source.capabilities.timestepUnits.length).toBeGreaterThan(0);
      expect(typeof source.capabilities.continuousFutures).toBe('boolean');
      expect(source.capabilities.instruments).toBe(typeof source.doFetchInstrument === 'function');
      expect(source.capabilities.downloadApproval === true).toBe(
        typeof source.doApproveDownloads === 'function',
      );
      expect(source.capabilities.assetListing === true).toBe(typeof source.doListAssets === 'function');
    });

    it('should return sorted bars of the requested timestep inside [start, end)', async () => {
      const bars = await fetchWindow(fixture.bars.start, fixture.bars.end);
      expect(bars.length).toBeGreaterThanOrEqual(4);
      expect(bars.metadata.timestep.durationMs).toBe(timestep.durationMs);
      const startNanos = BigInt(fixture.bars.start.getTime()) * 1_000_000n;
      const endNanos = BigInt(fixture.bars.end.getTime()) * 1_000_000n;
      for (let index = 0; index < bars.length; index++) {
        const time = bars.tsEventNanos[index]!;
        expect(time >= startNanos && time < endNanos).toBe(true);
        if (index > 0) expect(time > bars.tsEventNanos[index - 1]!).toBe(true);
        expect(bars.low[index]! <= bars.high[index]!).toBe(true);
      }
    });

    it('should return the same rows for two halves as for the whole window', async () => {
      const whole = await fetchWindow(fixture.bars.start, fixture.bars.end);
      const middleNanos = whole.tsEventNanos[Math.floor(whole.length / 2)]!;
      const middle = new Date(Number(middleNanos / 1_000_000n));
      const first = await fetchWindow(fixture.bars.start, middle);
      const second = await fetchWindow(middle, fixture.bars.end);
      expect(first.length + second.length).toBe(whole.length);
      expect([...first.tsEventNanos, ...second.tsEventNanos]).toEqual([...whole.tsEventNanos]);
      expect([...first.close, ...second.close]).toEqual([...whole.close]);
    });

    // A case whose precondition the fixture or source lacks is reported as skipped, never as passed.
    it('should return empty bars, not an error, for a window without data', async (context) => {
      const window = fixture.emptyWindow;
      if (window === undefined) return context.skip('the fixture gives no emptyWindow');
      const bars = await fetchWindow(window.start, window.end);
      expect(bars.length).toBe(0);
      expect(bars.metadata.timestep.durationMs).toBe(timestep.durationMs);
    });

    it('should return empty bars for an empty range (start equal to end)', async () => {
      const bars = await fetchWindow(fixture.bars.start, fixture.bars.start);
      expect(bars.length).toBe(0);
    });

    it('should reject when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort(new Error('cancelled by the contract suite'));
      await expect(fetchWindow(fixture.bars.start, fixture.bars.end, controller.signal)).rejects.toThrow(
        'cancelled by the contract suite',
      );
    });

    it('should throw UnsupportedFunctionalityError for an asset type it does not serve', async (context) => {
      const asset =
        fixture.unsupportedAsset ??
        (fixture.source.capabilities.assetTypes.includes('option')
          ? undefined
          : option('SPY', '2030-01-18', 500, 'call'));
      if (asset === undefined) {
        return context.skip('the source serves options and the fixture gives no unsupportedAsset');
      }
      let thrown: unknown;
      try {
        await fixture.source.doFetchBars({
          asset,
          timestep,
          start: fixture.bars.start,
          end: fixture.bars.end,
        });
      } catch (error) {
        thrown = error;
      }
      expect(UnsupportedFunctionalityError.isInstance(thrown)).toBe(true);
    });

    it('should give positive multiplier and tick size for a known instrument', async (context) => {
      const { instrument } = fixture;
      if (!fixture.source.capabilities.instruments)
        return context.skip('the source has no instruments capability');
      if (instrument === undefined) return context.skip('the fixture gives no instrument');
      const spec = await fixture.source.doFetchInstrument!({ asset: instrument.asset, at: instrument.at });
      expect(spec.multiplier).toBeGreaterThan(0);
      expect(spec.tickSize).toBeGreaterThan(0);
      expect(spec.currency).toMatch(/^[A-Z]{3}$/);
      expect(spec.symbol.length).toBeGreaterThan(0);
    });

    const listAssets = (context: { skip: (note: string) => void }) => {
      const { source } = fixture;
      if (source.capabilities.assetListing !== true || source.doListAssets === undefined) {
        context.skip('the source has no assetListing capability');
        return undefined;
      }
      return source.doListAssets.bind(source);
    };

    it('should list the fixture asset first when asked near its symbol, without downloading', async (context) => {
      const list = listAssets(context);
      if (list === undefined) return;
      const symbol = fixture.listedSymbol ?? listingSymbol(fixture.bars.asset);
      const downloads: DownloadReport[] = [];
      const listing = await list(
        { near: symbol, limit: 1 },
        { onDownload: (report) => downloads.push(report) },
      );
      expect(listing.assets.map((asset) => asset.symbol)).toEqual([symbol]);
      expect(downloads).toEqual([]);
      if (listing.totalAssets !== undefined) expect(listing.truncated).toBe(listing.totalAssets > 1);
    });

    it('should bound an asset listing by its limit and name each symbol once', async (context) => {
      const list = listAssets(context);
      if (list === undefined) return;
      const whole = await list();
      expect(whole.assets.length).toBeLessThanOrEqual(DEFAULT_ASSET_LISTING_LIMIT);
      const symbols = whole.assets.map((asset) => asset.symbol);
      expect(new Set(symbols).size).toBe(symbols.length);
      for (const asset of whole.assets) expect(Array.isArray(asset.datasets)).toBe(true);
      if (whole.totalAssets !== undefined) {
        expect(whole.totalAssets).toBeGreaterThanOrEqual(whole.assets.length);
        expect(whole.truncated).toBe(whole.totalAssets > whole.assets.length);
      }
      const one = await list({ limit: 1 });
      expect(one.assets.length).toBe(1);
      expect(one.truncated).toBe(whole.assets.length > 1 || whole.truncated);
    });

    it('should reject an asset listing when the signal is already aborted', async (context) => {
      const list = listAssets(context);
      if (list === undefined) return;
      const controller = new AbortController();
      controller.abort(new Error('listing cancelled by the contract suite'));
      await expect(list({}, { signal: controller.signal })).rejects.toThrow(
        'listing cancelled by the contract suite',
      );
    });
  });
}
