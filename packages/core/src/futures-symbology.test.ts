import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expandOneDigitYear,
  formatContractSymbol,
  isFuturesRoot,
  parseContractSymbol,
} from './futures-symbology.js';

describe('parseContractSymbol', () => {
  it.each([
    ['ESH5', { root: 'ES', month: 3, year: 2025 }],
    ['ESH25', { root: 'ES', month: 3, year: 2025 }],
    ['ES.H25', { root: 'ES', month: 3, year: 2025 }],
    ['ESH2025', { root: 'ES', month: 3, year: 2025 }],
    ['MNQU5', { root: 'MNQ', month: 9, year: 2025 }],
    ['mesz5', { root: 'MES', month: 12, year: 2025 }],
    ['HGH5', { root: 'HG', month: 3, year: 2025 }],
    ['6EH5', { root: '6E', month: 3, year: 2025 }],
    ['6JM25', { root: '6J', month: 6, year: 2025 }],
    ['M6EU5', { root: 'M6E', month: 9, year: 2025 }],
    ['6bz2025', { root: '6B', month: 12, year: 2025 }],
  ])('should parse %s', (text, expected) => {
    expect(parseContractSymbol(text, { referenceYear: 2025 })).toEqual(expected);
  });

  it.each(['ES', '', 'AAPL', 'ESA5', 'ESH', 'ESH123', '6H5', '12H25', 'ES H5', 'ABCDEFGH5', 'ESH5X'])(
    'should return null for %j',
    (text) => {
      expect(parseContractSymbol(text, { referenceYear: 2025 })).toBeNull();
    },
  );

  it('should read one-digit years within four years back and five ahead of the reference', () => {
    expect(parseContractSymbol('ESH1', { referenceYear: 2025 })?.year).toBe(2021);
    expect(parseContractSymbol('ESH0', { referenceYear: 2025 })?.year).toBe(2030);
    expect(parseContractSymbol('ESH2', { referenceYear: 2026 })?.year).toBe(2022);
    expect(parseContractSymbol('ESH1', { referenceYear: 2026 })?.year).toBe(2031);
    expect(parseContractSymbol('ESZ3', { referenceYear: 2024 })?.year).toBe(2023);
  });

  it('should expand every digit into the window around the reference year', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1990, max: 2200 }),
        fc.integer({ min: 0, max: 9 }),
        (reference, digit) => {
          const year = expandOneDigitYear(digit, reference);
          return year % 10 === digit && year >= reference - 4 && year <= reference + 5;
        },
      ),
    );
  });
});

describe('isFuturesRoot', () => {
  it.each(['ES', 'M2K', '6E', '6J', 'M6E', 'ABCDEF'])('should accept %s', (root) => {
    expect(isFuturesRoot(root)).toBe(true);
  });

  it.each(['', '6', '12', 'ABCDEFG', 'E-S', 'es'])('should reject %j', (root) => {
    expect(isFuturesRoot(root)).toBe(false);
  });
});

describe('formatContractSymbol', () => {
  it('should format with 1, 2 and 4 year digits', () => {
    expect(formatContractSymbol('ES', 2025, 3, 1)).toBe('ESH5');
    expect(formatContractSymbol('es', 2025, 3, 2)).toBe('ESH25');
    expect(formatContractSymbol('MES', 2025, 12, 4)).toBe('MESZ2025');
  });

  it('should reject months outside 1-12', () => {
    expect(() => formatContractSymbol('ES', 2025, 13, 1)).toThrow(RangeError);
    expect(() => formatContractSymbol('ES', 2025, 0, 1)).toThrow(RangeError);
  });

  it('should reject year digit counts other than 1, 2 and 4 and years that are not four digits', () => {
    expect(() => formatContractSymbol('ES', 2025, 3, 3 as never)).toThrow(
      'yearDigits must be 1, 2 or 4, got 3.',
    );
    expect(() => formatContractSymbol('ES', 999, 3, 1)).toThrow(
      'Year must be a four-digit integer, got 999.',
    );
    expect(() => formatContractSymbol('ES', 2025.5, 3, 1)).toThrow(RangeError);
  });

  it('should round-trip through parseContractSymbol for every digit count', () => {
    // Roots may start with a digit (6E) but need a letter somewhere.
    const roots = fc.stringMatching(/^[A-Z0-9]{1,6}$/).filter((root) => /[A-Z]/.test(root));
    fc.assert(
      fc.property(
        roots,
        fc.integer({ min: 2000, max: 2099 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom<1 | 2 | 4>(1, 2, 4),
        (root, year, month, digits) => {
          const text = formatContractSymbol(root, year, month, digits);
          const parsed = parseContractSymbol(text, { referenceYear: year });
          expect(parsed).toEqual({ root, month, year });
        },
      ),
    );
  });
});
