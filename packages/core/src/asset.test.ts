import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assetKey,
  continuousFuture,
  createAsset,
  future,
  option,
  stock,
  toDatabentoRawSymbol,
} from './asset.js';
import { InvalidAssetError, LbError } from './errors.js';
import { formatContractSymbol, parseContractSymbol } from './futures-symbology.js';

describe('createAsset', () => {
  it('should upper-case symbols', () => {
    expect(stock(' aapl ')).toEqual({ type: 'stock', symbol: 'AAPL' });
    expect(continuousFuture('es')).toEqual({ type: 'continuous_future', symbol: 'ES' });
  });

  it('should keep an explicit expiration and derive the contract month from it', () => {
    expect(future('ES', '2025-03-21')).toEqual({
      type: 'future',
      symbol: 'ES',
      year: 2025,
      month: 3,
      expiration: '2025-03-21',
    });
    expect(future('mes', new Date(Date.UTC(2025, 11, 19))).month).toBe(12);
  });

  it('should recognise an embedded contract code as that contract, not a root', () => {
    expect(future('ESH5')).toMatchObject({ symbol: 'ES', year: 2025, month: 3 });
    expect(future('ESH25')).toMatchObject({ symbol: 'ES', year: 2025, month: 3 });
    expect(createAsset({ type: 'future', symbol: 'ESH25', expiration: '2025-03-21' })).toMatchObject({
      symbol: 'ES',
      expiration: '2025-03-21',
    });
  });

  it.each([
    [{ type: 'stock', symbol: '' }, /symbol must not be empty/],
    [{ type: 'future', symbol: 'ES', expiration: '2025-02-30' }, /expiration must be a Date or a YYYY-MM-DD/],
    [{ type: 'future', symbol: 'ES', expiration: 'soon' }, /expiration/],
    [{ type: 'future', symbol: 'ES' }, /needs an expiration/],
    [{ type: 'future', symbol: 'ESH5', expiration: '2025-06-20' }, /another month/],
    [
      { type: 'continuous_future', symbol: 'ES', expiration: '2025-03-21' },
      /continuous future has no expiration/,
    ],
    [{ type: 'continuous_future', symbol: 'ESH5' }, /contract code, not a root/],
    [{ type: 'option', symbol: 'SPY', expiration: '2025-03-21', strike: -1, right: 'call' }, /strike/],
    [{ type: 'option', symbol: 'SPY', expiration: '2025-03-21', strike: 500, right: 'x' }, /right/],
    [{ type: 'bond', symbol: 'X' }, /type must be one of/],
  ])('should reject %j with a clear InvalidAssetError', (input, message) => {
    let thrown: unknown;
    try {
      createAsset(input as never);
    } catch (error) {
      thrown = error;
    }
    expect(InvalidAssetError.isInstance(thrown)).toBe(true);
    expect(LbError.isInstance(thrown)).toBe(true);
    expect((thrown as Error).message).toMatch(message);
  });
});

describe('toDatabentoRawSymbol', () => {
  it('should use a one-digit year', () => {
    expect(toDatabentoRawSymbol(future('ES', '2025-03-21'))).toBe('ESH5');
    expect(toDatabentoRawSymbol(future('MES', '2025-12-19'))).toBe('MESZ5');
    expect(toDatabentoRawSymbol(stock('aapl'))).toBe('AAPL');
  });

  it('should refuse a continuous future', () => {
    expect(() => toDatabentoRawSymbol(continuousFuture('ES'))).toThrow(/resolve it to a contract/);
  });
});

describe('futures symbology round trips', () => {
  // Letters only: a root with digits can itself read as a contract code (`A1H5`), which createAsset would
  // rightly take as that contract.
  const rootArbitrary = fc.stringMatching(/^[A-Z]{1,4}$/);
  const contractArbitrary = fc.record({
    root: rootArbitrary,
    year: fc.integer({ min: 2000, max: 2099 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
  });

  it('should give the one-digit raw symbol of the expiration month, whatever the day', () => {
    fc.assert(
      fc.property(contractArbitrary, ({ root, year, month, day }) => {
        const expiration = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        const raw = toDatabentoRawSymbol(future(root.toLowerCase(), expiration));
        expect(raw).toBe(formatContractSymbol(root, year, month, 1));
        expect(parseContractSymbol(raw, { referenceYear: year })).toEqual({ root, month, year });
      }),
    );
  });

  it('should read every contract code form back as the same contract and raw symbol', () => {
    fc.assert(
      fc.property(
        contractArbitrary,
        fc.constantFrom<2 | 4>(2, 4),
        fc.boolean(),
        ({ root, year, month }, digits, dotted) => {
          const code = formatContractSymbol(root, year, month, digits);
          const text = dotted ? `${root}.${code.slice(root.length)}` : code;
          const asset = future(text);
          expect(asset).toEqual({ type: 'future', symbol: root, year, month, expiration: undefined });
          expect(toDatabentoRawSymbol(asset)).toBe(formatContractSymbol(root, year, month, 1));
          expect(assetKey(asset)).toBe(`future:${formatContractSymbol(root, year, month, 4)}`);
        },
      ),
    );
  });
});

describe('assetKey', () => {
  it('should give distinct stable keys', () => {
    expect(assetKey(future('ESH5'))).toBe('future:ESH2025');
    expect(assetKey(continuousFuture('ES'))).toBe('continuous_future:ES');
    expect(assetKey(option('spy', '2025-03-21', 500, 'put'))).toBe('option:SPY:2025-03-21:P:500');
  });
});
