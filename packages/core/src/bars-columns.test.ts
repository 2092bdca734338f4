import { describe, expect, it } from 'vitest';
import { Bars } from './bars.js';
import { allocateBarsColumns, type BarsColumns, copyBarsColumns } from './bars-columns.js';
import { parseTimestep } from './timestep.js';

function columnsOf(times: readonly number[], base: number): BarsColumns & { instrumentId: Uint32Array } {
  return {
    tsEventNanos: BigInt64Array.from(times, (time) => BigInt(time)),
    open: Float64Array.from(times, (_, index) => base + index),
    high: Float64Array.from(times, (_, index) => base + index + 0.5),
    low: Float64Array.from(times, (_, index) => base + index - 0.5),
    close: Float64Array.from(times, (_, index) => base + index + 0.25),
    volume: Float64Array.from(times, (_, index) => 10 * (index + 1)),
    // An extra column, as the DBN codec's columns carry: copyBarsColumns leaves it to the caller.
    instrumentId: Uint32Array.from(times, () => 7),
  };
}

const rowsOf = (columns: BarsColumns) =>
  Array.from(columns.tsEventNanos, (time, index) => [
    time,
    columns.open[index],
    columns.high[index],
    columns.low[index],
    columns.close[index],
    columns.volume[index],
  ]);

describe('copyBarsColumns', () => {
  it('should append whole batches one after the other and return the next offset', () => {
    const into = allocateBarsColumns(5);
    let offset = copyBarsColumns(into, 0, columnsOf([100, 200], 4000));
    expect(offset).toBe(2);
    offset = copyBarsColumns(into, offset, columnsOf([300, 400, 500], 5000));
    expect(offset).toBe(5);
    expect(rowsOf(into)).toEqual([
      [100n, 4000, 4000.5, 3999.5, 4000.25, 10],
      [200n, 4001, 4001.5, 4000.5, 4001.25, 20],
      [300n, 5000, 5000.5, 4999.5, 5000.25, 10],
      [400n, 5001, 5001.5, 5000.5, 5001.25, 20],
      [500n, 5002, 5002.5, 5001.5, 5002.25, 30],
    ]);
  });

  it('should copy only the listed rows, in the listed order, at the offset', () => {
    const into = allocateBarsColumns(4);
    const offset = copyBarsColumns(into, 1, columnsOf([100, 200, 300, 400], 4000), Int32Array.of(3, 0, 2));
    expect(offset).toBe(4);
    expect(rowsOf(into)).toEqual([
      [0n, 0, 0, 0, 0, 0],
      [400n, 4003, 4003.5, 4002.5, 4003.25, 40],
      [100n, 4000, 4000.5, 3999.5, 4000.25, 10],
      [300n, 4002, 4002.5, 4001.5, 4002.25, 30],
    ]);
  });

  it('should read from a Bars series as well as from plain columns', () => {
    const bars = Bars.fromColumns(columnsOf([100, 200], 4000), {
      symbol: 'ESH4',
      timestep: parseTimestep('1m'),
    });
    const into = allocateBarsColumns(1);
    expect(copyBarsColumns(into, 0, bars, [1])).toBe(1);
    expect(rowsOf(into)).toEqual([[200n, 4001, 4001.5, 4000.5, 4001.25, 20]]);
  });

  it('should throw a RangeError instead of dropping rows past the end of the target', () => {
    const message = 'copyBarsColumns: 2 rows at offset 1 do not fit in 2 rows';
    expect(() => copyBarsColumns(allocateBarsColumns(2), 1, columnsOf([100, 200], 4000))).toThrow(message);
    expect(() => copyBarsColumns(allocateBarsColumns(2), 1, columnsOf([100, 200], 4000), [0, 1])).toThrow(
      message,
    );
  });
});
