import { LbError } from '@lb/core';
import { describe, expect, it } from 'vitest';
import { defineStrategy, Strategy } from './strategy.js';

describe('Strategy', () => {
  it('should refuse context calls outside a backtest', () => {
    expect(() => new Strategy().getCash()).toThrow(LbError);
    expect(() => new Strategy().getCash()).toThrow(/not running/);
  });

  it('should merge constructor parameters over defineStrategy defaults', () => {
    const Defined = defineStrategy({ name: 'Defined', sleeptime: '15M', parameters: { fast: 20, slow: 50 } });
    const strategy = new Defined({ fast: 10 });
    expect(strategy.parameters).toEqual({ fast: 10, slow: 50 });
    expect(strategy.sleeptime).toBe('15M');
    expect(Defined.name).toBe('Defined');
  });
});

describe('Strategy.isInstance', () => {
  it('should recognise strategies by marker, including from another copy of the package', () => {
    class Mine extends Strategy {}
    expect(Strategy.isInstance(new Mine())).toBe(true);
    expect(Strategy.isInstance({ onTradingIteration() {} })).toBe(false);
    expect(Strategy.isInstance(null)).toBe(false);
    // What a strategy built on a second copy of @lb/backtest looks like: only the registered marker.
    expect(Strategy.isInstance({ [Symbol.for('lb.strategy.Strategy')]: true })).toBe(true);
  });
});
