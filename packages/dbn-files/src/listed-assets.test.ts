import type { DatabentoMetadata } from '@lb/dbn';
import { describe, expect, it } from 'vitest';
import { rawSymbolsInHeader } from './listed-assets.js';

const base: DatabentoMetadata = {
  version: 3,
  dataset: 'GLBX.MDP3',
  schema: 'ohlcv-1m',
  startNanos: 0n,
  endNanos: null,
  limit: null,
  stypeIn: 'raw_symbol',
  stypeOut: 'instrument_id',
  tsOut: false,
  symbolStringLength: 71,
  symbols: [],
  partial: [],
  notFound: [],
  mappings: [],
};
const interval = (symbol: string) => ({ startDate: 20231205, endDate: 20231206, symbol });

describe('rawSymbolsInHeader', () => {
  it('should name the requested raw symbols that mapped to an instrument', () => {
    expect(
      rawSymbolsInHeader({
        ...base,
        symbols: ['ESH4', 'ZZZ9'],
        notFound: ['ZZZ9'],
        mappings: [
          { rawSymbol: 'ESH4', intervals: [interval('102')] },
          { rawSymbol: 'ZZZ9', intervals: [] },
        ],
      }),
    ).toEqual(['ESH4']);
  });

  it('should name the mapped-to symbols of a download that asked for raw symbols out', () => {
    expect(
      rawSymbolsInHeader({
        ...base,
        stypeIn: 'instrument_id',
        stypeOut: 'raw_symbol',
        mappings: [{ rawSymbol: '102', intervals: [interval('ESH4'), interval('ESM4')] }],
      }),
    ).toEqual(['ESH4', 'ESM4']);
  });

  it('should name nothing for a parent download or a header without mappings', () => {
    expect(
      rawSymbolsInHeader({
        ...base,
        stypeIn: 'parent',
        mappings: [{ rawSymbol: 'ES.FUT', intervals: [interval('102')] }],
      }),
    ).toBeUndefined();
    expect(rawSymbolsInHeader({ ...base, symbols: ['ALL_SYMBOLS'] })).toBeUndefined();
  });
});
