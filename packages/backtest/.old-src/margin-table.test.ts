import { describe, expect, it } from 'vitest';
import { DEFAULT_INITIAL_MARGINS, FALLBACK_INITIAL_MARGIN, lookupInitialMargin } from './margin-table.js';

describe('DEFAULT_INITIAL_MARGINS', () => {
  it('should hold the initial margin per contract of each listed root', () => {
    expect(DEFAULT_INITIAL_MARGINS).toEqual({
      MES: 1_300,
      ES: 13_000,
      MNQ: 1_700,
      NQ: 17_000,
      MYM: 1_100,
      YM: 11_000,
      M2K: 800,
      RTY: 8_000,
      MGC: 1_200,
      GC: 10_000,
      SI: 14_000,
      CL: 8_000,
    });
  });
});

describe('lookupInitialMargin', () => {
  it('should find a listed root and flag the 5,000 fallback for others', () => {
    expect(lookupInitialMargin('mes')).toEqual({ margin: 1_300, isFallback: false });
    expect(FALLBACK_INITIAL_MARGIN).toBe(5_000);
    expect(lookupInitialMargin('ZN')).toEqual({ margin: 5_000, isFallback: true });
  });
});
