import {
  type AssetListing,
  type AvailableRange,
  type DataSourceV1,
  future,
  type InstrumentSpec,
  parseTimestep,
  stock,
} from '@lb/core';
import { MockDataSource, type MockDataSourceSettings } from '@lb/core/testing';
import { describe, expect, it } from 'vitest';
import { dailySessionCalendar, flatRows, minuteBars } from './__fixtures__/minute-bars.js';
import { confirmAssetInSource } from './asset-existence.js';
import { backtest } from './backtest.js';
import { AssetNotInSourceError } from './errors.js';
import { defineStrategy } from './strategy.js';

const minute = parseTimestep('1m');
const fetchStartMs = Date.parse('2024-03-04T14:00:00Z');
const endMs = Date.parse('2024-03-04T15:00:00Z');
const ZZ = future('ZZM2024');
const spec = (symbol: string): InstrumentSpec => ({
  symbol,
  multiplier: 50,
  tickSize: 0.25,
  currency: 'USD',
});
const bars = (symbol: string) => minuteBars(symbol, '2024-03-04T14:25:00Z', flatRows([100, 101]));

/** What every message starts with: the asset, the window searched and the instrument lookup's error. */
const MISSING =
  'Source "mock" does not have ZZM4: no 1m bars from 2024-03-04T14:00:00.000Z to 2024-03-04T15:00:00.000Z and no instrument definition (Source "mock" has no instrument spec for future:ZZM2024; add one with setInstrument.).';
const FIX = " Check the symbol and the source's dataset.";

async function errorOf(source: DataSourceV1 | MockDataSourceSettings): Promise<unknown> {
  const dataSource = 'specificationVersion' in source ? source : new MockDataSource(source);
  return confirmAssetInSource({ dataSource, asset: ZZ, timestep: minute, fetchStartMs, endMs }).then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** A mock that also reports an available range, as sources with datasets do. */
class RangedMockDataSource extends MockDataSource {
  async doFetchAvailableRange(): Promise<AvailableRange> {
    return { start: new Date('2024-03-04T14:25:00Z'), end: new Date('2024-03-05T15:00:00Z') };
  }
}

describe('confirmAssetInSource', () => {
  it('should name the asset and every symbol of a small source, closest first', async () => {
    // Near ZZM4 no symbol shares a prefix; edits: ESM4 2, NQM4 2 (ESM4 first by symbol), ESH4 3.
    const error = await errorOf({
      bars: [[future('ESM2024'), bars('ESM4')]],
      instruments: [
        [future('NQM2024'), spec('NQM4')],
        [future('ESH2024'), spec('ESH4')],
      ],
    });
    expect(AssetNotInSourceError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ asset: 'future:ZZM2024', sourceId: 'mock' });
    expect((error as Error).message).toBe(
      `${MISSING} It has 3 symbols, closest first: ESM4, NQM4, ESH4.${FIX}`,
    );
    // The listing is on the error too, for programs that offer a fix.
    const listing = (error as AssetNotInSourceError).listing;
    expect(listing?.assets.map((listed) => listed.symbol)).toEqual(['ESM4', 'NQM4', 'ESH4']);
    expect(listing?.truncated).toBe(false);
  });

  it('should name twenty symbols, those sharing the root first, and how many more there are', async () => {
    // Near ZZM4: ZZH4, ZZU4, ZZZ4 share the root (1 edit each); S04 and S14 keep the trailing 4 (3 edits);
    // the other stocks take 4 edits and follow by symbol, up to twenty; 25 - 20 = 5 more.
    const stocks = Array.from({ length: 22 }, (_, index) => stock(`S${String(index).padStart(2, '0')}`));
    const error = await errorOf({
      instruments: [
        ...stocks.map((asset) => [asset, spec(asset.symbol)] as const),
        [future('ZZZ2024'), spec('ZZZ4')],
        [future('ZZH2024'), spec('ZZH4')],
        [future('ZZU2024'), spec('ZZU4')],
      ],
    });
    expect((error as Error).message).toBe(
      `${MISSING} It has 25 symbols, closest first: ZZH4, ZZU4, ZZZ4, S04, S14, S00, S01, S02, S03, S05, S06, S07, S08, S09, S10, S11, S12, S13, S15, S16 and 5 more.${FIX}`,
    );
  });

  it('should say the source has nothing when its listing is empty', async () => {
    expect(((await errorOf({})) as Error).message).toBe(`${MISSING} It has no symbols at all.${FIX}`);
  });

  it('should give the range and say so when the source cannot list its symbols', async () => {
    const source = new RangedMockDataSource({
      bars: [[future('ESM2024'), bars('ESM4')]],
      capabilities: { assetListing: false },
    });
    const error = await errorOf(source);
    expect((error as Error).message).toBe(
      `${MISSING} It has 1m data from 2024-03-04T14:25:00.000Z to 2024-03-05T15:00:00.000Z for other symbols. It cannot list its symbols.${FIX}`,
    );
    expect((error as AssetNotInSourceError).listing).toBeUndefined();
    const withoutRange = new MockDataSource({ capabilities: { assetListing: false } });
    expect(((await errorOf(withoutRange)) as Error).message).toBe(
      `${MISSING} It cannot list its symbols.${FIX}`,
    );
  });

  it('should fall back to the range when listing fails, and say why', async () => {
    const inner = new RangedMockDataSource();
    const failing = Object.assign(inner, {
      doListAssets: async (): Promise<AssetListing> => {
        throw new Error('index unreadable');
      },
    });
    expect(((await errorOf(failing)) as Error).message).toBe(
      `${MISSING} Listing its symbols failed (index unreadable). It has 1m data from 2024-03-04T14:25:00.000Z to 2024-03-05T15:00:00.000Z for other symbols.${FIX}`,
    );
  });

  it('should say "and more" when the source does not know its total', async () => {
    const paged = Object.assign(new MockDataSource(), {
      doListAssets: async (): Promise<AssetListing> => ({
        assets: [
          { symbol: 'ZZH4', datasets: ['GLBX.MDP3'] },
          { symbol: 'ZZU4', datasets: ['GLBX.MDP3'] },
        ],
        truncated: true,
      }),
    });
    expect(((await errorOf(paged)) as Error).message).toBe(
      `${MISSING} It has more than 2 symbols, closest first: ZZH4, ZZU4 and more.${FIX}`,
    );
  });

  it('should ask the source for the twenty symbols closest to the contract symbol', async () => {
    const source = new MockDataSource();
    await errorOf(source);
    expect(source.calls.listings).toEqual([{ near: 'ZZM4', limit: 20 }]);
  });

  it('should pass when the source knows the instrument, without listing', async () => {
    const source = new MockDataSource({ instruments: [[ZZ, spec('ZZM4')]] });
    expect(await errorOf(source)).toBeUndefined();
    expect(source.calls.listings).toEqual([]);
  });
});

describe('backtest with an asset the source does not have', () => {
  it('should fail the run with the asset and the symbols the source has', async () => {
    const Typo = defineStrategy({
      async onTradingIteration() {
        await this.getLastPrice(ZZ);
      },
    });
    const dataSource = new MockDataSource({
      bars: [[future('ESM2024'), bars('ESM4')]],
      instruments: [[future('ESM2024'), spec('ESM4')]],
    });
    const run = backtest({
      strategy: new Typo(),
      dataSource,
      start: '2024-03-04T14:30:00Z',
      end: '2024-03-04T15:00:00Z',
      calendar: dailySessionCalendar('14:30', '15:00'),
    });
    const error = await run.catch((thrown: unknown) => thrown);
    expect(AssetNotInSourceError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ asset: 'future:ZZM2024', sourceId: 'mock' });
    // The window's start is the data feed's warm-up, not this rule's: only its end is pinned here.
    const message = (error as Error).message;
    expect(message.startsWith('Source "mock" does not have ZZM4: no 1m bars from ')).toBe(true);
    expect(
      message.endsWith(
        ' to 2024-03-04T15:00:00.000Z and no instrument definition (Source "mock" has no instrument spec for future:ZZM2024; add one with setInstrument.). It has 1 symbol: ESM4. Check the symbol and the source\'s dataset.',
      ),
    ).toBe(true);
  });
});
