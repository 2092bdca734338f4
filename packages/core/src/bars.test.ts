import { tableFromIPC, tableToIPC } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Bar, Bars, nanosToMilliseconds } from './bars.js';
import { InvalidArgumentError } from './errors.js';
import { parseTimestep } from './timestep.js';

const minute = parseTimestep('1m');
const t0 = BigInt(Date.UTC(2024, 0, 2, 14, 30)) * 1_000_000n;
const minuteNanos = 60_000_000_000n;

function makeBars(count: number, symbol = 'ESH4'): Bars {
  const rows: Bar[] = [];
  for (let index = 0; index < count; index++) {
    const base = 4700 + index * 0.25;
    rows.push({
      tsEventNanos: t0 + BigInt(index) * minuteNanos,
      open: base,
      high: base + 1,
      low: base - 1,
      close: base + 0.5,
      volume: 10 + index,
    });
  }
  return Bars.fromRows(rows, { symbol, timestep: minute });
}

describe('Bars', () => {
  it('should expose columns, length, at and last', () => {
    const bars = makeBars(5);
    expect(bars.length).toBe(5);
    expect(bars.close.at(-1)).toBe(4701.5);
    expect(bars.last()).toEqual({
      tsEventNanos: t0 + 4n * minuteNanos,
      open: 4701,
      high: 4702,
      low: 4700,
      close: 4701.5,
      volume: 14,
    });
    expect(bars.at(-5)?.open).toBe(4700);
    expect(bars.at(5)).toBeUndefined();
  });

  it('should reject unsorted rows and ragged columns', () => {
    const rows = [makeBars(2).at(1)!, makeBars(2).at(0)!];
    expect(() => Bars.fromRows(rows, { symbol: 'X', timestep: minute })).toThrow(InvalidArgumentError);
    expect(() =>
      Bars.fromColumns(
        {
          tsEventNanos: new BigInt64Array(2),
          open: new Float64Array(2),
          high: new Float64Array(2),
          low: new Float64Array(1),
          close: new Float64Array(2),
          volume: new Float64Array(2),
        },
        { symbol: 'X', timestep: minute },
      ),
    ).toThrow(/column "low" has 1 rows/);
  });

  it('should slice as a view sharing memory', () => {
    const bars = makeBars(10);
    const view = bars.slice(2, 5);
    expect(view.length).toBe(3);
    expect(view.open.buffer).toBe(bars.open.buffer);
    expect(view.open[0]).toBe(bars.open[2]);
    expect(bars.slice(-2).length).toBe(2);
    expect(bars.slice(8, 3).length).toBe(0);
  });

  it('should select a [start, end) time window by binary search', () => {
    const bars = makeBars(10);
    const window = bars.between(t0 + 3n * minuteNanos, t0 + 6n * minuteNanos);
    expect(Array.from(window.tsEventNanos)).toEqual([3n, 4n, 5n].map((k) => t0 + k * minuteNanos));
    expect(bars.indexAtOrAfter(t0 + 30_000_000_000n)).toBe(1);
    expect(bars.indexAtOrAfter(new Date(0))).toBe(0);
    expect(bars.indexAtOrAfter(t0 + 100n * minuteNanos)).toBe(10);
  });

  it('should resample minute bars into 5-minute bars aligned to the epoch', () => {
    const bars = makeBars(12).slice(1); // starts at 14:31, so the first bucket is partial
    const five = bars.resample('5m');
    expect(five.metadata.timestep.label).toBe('5m');
    expect(Array.from(five.tsEventNanos)).toEqual([0n, 5n, 10n].map((k) => t0 + k * minuteNanos));
    expect(Array.from(five.open)).toEqual([4700.25, 4701.25, 4702.5]);
    expect(Array.from(five.high)).toEqual([4702, 4703.25, 4703.75]);
    expect(Array.from(five.low)).toEqual([4699.25, 4700.25, 4701.5]);
    expect(Array.from(five.close)).toEqual([4701.5, 4702.75, 4703.25]);
    expect(Array.from(five.volume)).toEqual([11 + 12 + 13 + 14, 15 + 16 + 17 + 18 + 19, 20 + 21]);
  });

  it('should refuse to resample into a timestep that is not a whole multiple', () => {
    expect(() => makeBars(3).resample('90s')).toThrow(/whole multiple/);
  });

  it('should preserve totals when resampling random series', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 2, max: 60 }), (count, multiple) => {
        const bars = makeBars(count);
        const coarse = bars.resample(`${multiple}m`);
        const sum = (values: Float64Array) => values.reduce((total, value) => total + value, 0);
        expect(sum(coarse.volume)).toBe(sum(bars.volume));
        if (count > 0) {
          expect(Math.max(...coarse.high)).toBe(Math.max(...bars.high));
          expect(coarse.close.at(-1)).toBe(bars.close.at(-1));
          expect(coarse.open[0]).toBe(bars.open[0]);
        }
      }),
    );
  });

  it('should concatenate contracts into segments and slice them', () => {
    const first = makeBars(3, 'ESH4');
    const secondRows: Bar[] = [];
    for (let index = 3; index < 6; index++) secondRows.push({ ...makeBars(6).at(index)!, open: 1 });
    const second = Bars.fromRows(secondRows, { symbol: 'ESM4', timestep: minute });
    const stitched = Bars.concat([first, second], { symbol: 'ES' });
    expect(stitched.length).toBe(6);
    expect(stitched.metadata.segments).toEqual([
      { symbol: 'ESH4', startIndex: 0 },
      { symbol: 'ESM4', startIndex: 3 },
    ]);
    expect(stitched.symbolAt(2)).toBe('ESH4');
    expect(stitched.symbolAt(3)).toBe('ESM4');
    expect(stitched.slice(4).metadata.segments).toEqual([{ symbol: 'ESM4', startIndex: 0 }]);
    expect(stitched.slice(1, 4).symbolAt(2)).toBe('ESM4');
    expect(() => Bars.concat([second, first])).toThrow(/strictly increasing/);
  });

  it('should round-trip through an Arrow IPC file', () => {
    const bars = Bars.concat([makeBars(3, 'ESH4'), makeBars(6, 'ESM4').slice(3)], { symbol: 'ES' });
    const table = tableFromIPC(tableToIPC(bars.toArrowTable(), 'file'));
    expect(table.schema.fields.map((field) => `${field.name}:${field.type}`)).toEqual([
      'ts_event:Timestamp<NANOSECOND, UTC>',
      'open:Float64',
      'high:Float64',
      'low:Float64',
      'close:Float64',
      'volume:Float64',
    ]);
    const back = Bars.fromArrowTable(table);
    expect(Array.from(back.tsEventNanos)).toEqual(Array.from(bars.tsEventNanos));
    expect(Array.from(back.close)).toEqual(Array.from(bars.close));
    expect(back.metadata.symbol).toBe('ES');
    expect(back.metadata.timestep.label).toBe('1m');
    expect(back.metadata.segments).toEqual(bars.metadata.segments);
  });
});

describe('nanosToMilliseconds', () => {
  it('should match BigInt division to the microsecond', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n), max: 4n * 10n ** 18n }), (nanos) => {
        const [milliseconds] = nanosToMilliseconds(BigInt64Array.of(nanos));
        const micros = nanos >= 0n ? nanos / 1000n : -((-nanos + 999n) / 1000n);
        expect(milliseconds).toBe(Number(micros) / 1000);
      }),
    );
  });
});
