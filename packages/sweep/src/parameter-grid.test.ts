import { describe, expect, it } from 'vitest';
import { InvalidSweepError } from './errors.js';
import { canonicalJson, expandParameterGrid, type ParameterSet, parameterNames } from './parameter-grid.js';

describe('expandParameterGrid', () => {
  it('should expand a grid into its cartesian product, the last name varying fastest', () => {
    expect(expandParameterGrid({ fast: [5, 10], slow: [50, 100], mode: ['a'] })).toEqual([
      { fast: 5, slow: 50, mode: 'a' },
      { fast: 5, slow: 100, mode: 'a' },
      { fast: 10, slow: 50, mode: 'a' },
      { fast: 10, slow: 100, mode: 'a' },
    ]);
  });

  it('should keep an explicit list of parameter sets as given', () => {
    const sets: ParameterSet[] = [
      { fast: 5, slow: 50 },
      { fast: 8, short: true },
    ];
    expect(expandParameterGrid(sets)).toEqual(sets);
    expect(parameterNames(sets)).toEqual(['fast', 'slow', 'short']);
  });

  it('should reject a malformed grid with one typed error naming each problem', () => {
    const attempt = () => expandParameterGrid({ fast: [], 'bad name': [1], slow: [null] });
    expect(attempt).toThrow(InvalidSweepError);
    try {
      attempt();
    } catch (error) {
      expect(InvalidSweepError.isInstance(error)).toBe(true);
      expect((error as InvalidSweepError).issues.map((issue) => issue.path)).toContain('grid.fast');
    }
    expect(() => expandParameterGrid([])).toThrow('grid: must hold at least one parameter set');
    expect(() => expandParameterGrid('fast=5')).toThrow(InvalidSweepError);
  });

  it('should refuse grids above the size limit before expanding them', () => {
    const values = Array.from({ length: 1000 }, (_, index) => index);
    expect(() => expandParameterGrid({ a: values, b: values })).toThrow(
      'The grid has 1000000 parameter sets, more than 100000',
    );
  });
});

describe('canonicalJson', () => {
  it('should give the same text whatever the key order', () => {
    expect(canonicalJson({ slow: 50, fast: 5 })).toBe('{"fast":5,"slow":50}');
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":2,"d":1}]}');
  });
});
