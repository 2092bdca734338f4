import { Bars, parseTimestep } from '@lb/core';
import { describe, expect, it } from 'vitest';
import { createBarsWindow } from './bars-window.js';

const source = Bars.fromRows(
  [0, 1, 2, 3, 4].map((index) => ({
    tsEventNanos: BigInt(60_000 * index) * 1_000_000n,
    open: 10 + index,
    high: 11 + index,
    low: 9 + index,
    close: 10.5 + index,
    volume: 100,
  })),
  { symbol: 'MESH5', timestep: parseTimestep('1m') },
);

describe('createBarsWindow', () => {
  it('should behave like a slice of the same rows', () => {
    const window = createBarsWindow(source, 1, 4);
    const slice = source.slice(1, 4);
    expect(window).toBeInstanceOf(Bars);
    expect(window.length).toBe(3);
    expect(Array.from(window.close)).toEqual(Array.from(slice.close));
    expect(Array.from(window.timestampsMs)).toEqual([60_000, 120_000, 180_000]);
    expect(window.close.at(-1)).toBe(13.5);
    expect(window.at(0)).toEqual(slice.at(0));
    expect(window.metadata).toBe(source.metadata);
    expect(Array.from(window.slice(-2).open)).toEqual([12, 13]);
    expect(window.between(new Date(120_000), new Date(600_000)).length).toBe(2);
    expect(window.indexAtOrAfter(new Date(120_000))).toBe(1);
  });

  it('should share memory with the source', () => {
    const window = createBarsWindow(source, 2, 5);
    expect(window.close.buffer).toBe(source.close.buffer);
  });
});
