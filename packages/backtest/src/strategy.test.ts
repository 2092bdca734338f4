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
