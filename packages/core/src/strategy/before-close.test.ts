import { describe, expect, it } from 'vitest';
import { beforeCloseTiming } from './before-close.js';

describe('beforeCloseTiming', () => {
  it('should stop iterations minutesBeforeClosing before a market close, except at 0 and on 24/7', () => {
    expect(beforeCloseTiming(5, 'us_futures')).toEqual({ beforeCloseMs: 300_000, stopsIterating: true });
    expect(beforeCloseTiming(5, undefined)).toEqual({ beforeCloseMs: 300_000, stopsIterating: true });
    expect(beforeCloseTiming(0, 'nyse')).toEqual({ beforeCloseMs: 0, stopsIterating: false });
    expect(beforeCloseTiming(-3, 'nyse')).toEqual({ beforeCloseMs: 0, stopsIterating: false });
    expect(beforeCloseTiming(15, '24/7')).toEqual({ beforeCloseMs: 900_000, stopsIterating: false });
  });
});
