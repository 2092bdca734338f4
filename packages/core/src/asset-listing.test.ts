import { describe, expect, it } from 'vitest';
import { continuousFuture, future, option, stock } from './asset.js';
import { buildAssetListing, compareSymbolCloseness, listingSymbol } from './asset-listing.js';
import { InvalidArgumentError } from './errors.js';

const held = ['NQM4', 'ESH4', 'AAPL', 'ESM4', '6EM4'].map((symbol) => ({ symbol, datasets: [] }));

describe('buildAssetListing', () => {
  it('should sort by symbol and keep every asset when there are fewer than the default limit', () => {
    expect(buildAssetListing({ assets: held })).toEqual({
      assets: ['6EM4', 'AAPL', 'ESH4', 'ESM4', 'NQM4'].map((symbol) => ({ symbol, datasets: [] })),
      truncated: false,
      totalAssets: 5,
    });
  });

  it('should put the symbols sharing the longest prefix with near first, then the fewest edits', () => {
    // ESZ4: ESH4 and ESM4 share "ES" (1 edit each); the others share no prefix: 6EM4 and NQM4 take
    // 3 edits (6EM4 before NQM4 by symbol), AAPL 4.
    const listing = buildAssetListing({ assets: held, request: { near: 'esz4', limit: 3 } });
    expect(listing).toEqual({
      assets: [
        { symbol: 'ESH4', datasets: [] },
        { symbol: 'ESM4', datasets: [] },
        { symbol: '6EM4', datasets: [] },
      ],
      truncated: true,
      totalAssets: 5,
    });
  });

  it('should merge a symbol listed twice into one asset with the union of its datasets', () => {
    const listing = buildAssetListing({
      assets: [
        { symbol: 'ESH4', datasets: ['GLBX.MDP3'] },
        { symbol: 'ESH4', datasets: ['DEMO.SET', 'GLBX.MDP3'] },
      ],
    });
    expect(listing).toEqual({
      assets: [{ symbol: 'ESH4', datasets: ['DEMO.SET', 'GLBX.MDP3'] }],
      truncated: false,
      totalAssets: 1,
    });
  });

  it('should refuse a limit that is not a positive integer', () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      expect(() => buildAssetListing({ assets: held, request: { limit } })).toThrow(
        expect.objectContaining({
          message: `An asset listing limit must be a positive integer, not ${limit}.`,
          argument: 'limit',
        }),
      );
    }
    expect(() => buildAssetListing({ assets: held, request: { limit: 0 } })).toThrow(InvalidArgumentError);
  });
});

describe('compareSymbolCloseness', () => {
  it('should rank the common prefix before the edit distance, then the symbol', () => {
    // Near ZZM4 nothing shares a prefix; edits: ESM4 2, NQM4 2 (ESM4 first by symbol), ESH4 3.
    expect(
      ['ESH4', 'NQM4', 'ESM4'].sort((left, right) => compareSymbolCloseness('ZZM4', left, right)),
    ).toEqual(['ESM4', 'NQM4', 'ESH4']);
    expect(compareSymbolCloseness('ES', 'ESH4', 'E')).toBeLessThan(0);
  });
});

describe('listingSymbol', () => {
  it('should name futures by their one-digit-year contract symbol and others by symbol or key', () => {
    expect(listingSymbol(future('ESH2024'))).toBe('ESH4');
    expect(listingSymbol(stock('aapl'))).toBe('AAPL');
    expect(listingSymbol(continuousFuture('ES'))).toBe('ES');
    expect(listingSymbol(option('SPY', '2030-01-18', 500, 'call'))).toBe('option:SPY:2030-01-18:C:500');
  });
});
