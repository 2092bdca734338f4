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
});

describe('Bars edge cases', () => {
  const empty = Bars.empty({ symbol: 'ESH4', timestep: minute });

  it('should handle an empty series everywhere', () => {
    expect(empty.length).toBe(0);
    expect(empty.last()).toBeUndefined();
    expect(empty.at(0)).toBeUndefined();
    expect(empty.at(-1)).toBeUndefined();
    expect(empty.slice(-3, 5).length).toBe(0);
    expect(empty.between(new Date(0), new Date('2100-01-01T00:00:00Z')).length).toBe(0);
    expect(empty.indexAtOrAfter(t0)).toBe(0);
    expect(empty.symbolAt(0)).toBe('ESH4');
    const resampled = empty.resample('15m');
    expect(resampled.length).toBe(0);
    expect(resampled.metadata).toEqual({ symbol: 'ESH4', timestep: parseTimestep('15m') });
  });

  it('should read negative, out-of-range and fractional indexes like Array', () => {
    const bars = makeBars(10);
    const opens = Array.from(bars.open);
    for (const [start, end] of [
      [-3, undefined],
      [-3, -1],
      [-100, 2],
      [2, -100],
      [7, 100],
      [1.9, 4.2],
      [-2.5, undefined],
      [Number.NaN, 3],
    ] as const) {
      expect(Array.from(bars.slice(start, end).open), `slice(${start}, ${end})`).toEqual(
        opens.slice(start, end),
      );
    }
    expect(bars.at(-1)?.open).toBe(opens[9]);
    expect(bars.at(1.7)?.open).toBe(opens[1]);
    expect(bars.at(-11)).toBeUndefined();
  });

  it('should select a time window with Date bounds and reject invalid Dates', () => {
    const bars = makeBars(10);
    const start = new Date(Date.UTC(2024, 0, 2, 14, 32));
    const end = new Date(Date.UTC(2024, 0, 2, 14, 35, 30));
    expect(Array.from(bars.between(start, end).tsEventNanos)).toEqual(
      [2n, 3n, 4n, 5n].map((k) => t0 + k * minuteNanos),
    );
    expect(bars.between(end, start).length).toBe(0);
    expect(bars.between(start, start).length).toBe(0);
    expect(() => bars.between(new Date('nope'), end)).toThrow(
      'A Bars time bound must be a valid Date or bigint nanoseconds, got Invalid Date.',
    );
    expect(() => bars.indexAtOrAfter(new Date(Number.NaN))).toThrow(InvalidArgumentError);
  });

  it('should keep contract segments when resampling a stitched series', () => {
    // ESH4 covers 14:30-14:36, ESM4 14:37-14:44: the 14:35 bucket straddles the roll and goes to ESM4.
    const stitched = Bars.concat([makeBars(7, 'ESH4'), makeBars(15, 'ESM4').slice(7)], { symbol: 'ES' });
    const five = stitched.resample('5m');
    expect(five.length).toBe(3);
    expect(five.metadata.segments).toEqual([
      { symbol: 'ESH4', startIndex: 0 },
      { symbol: 'ESM4', startIndex: 1 },
    ]);
    expect(five.symbolAt(0)).toBe('ESH4');
    expect(five.symbolAt(2)).toBe('ESM4');
    // A roll on a bucket boundary keeps both contracts whole.
    const aligned = Bars.concat([makeBars(5, 'ESH4'), makeBars(10, 'ESM4').slice(5)], { symbol: 'ES' });
    expect(aligned.resample('5m').metadata.segments).toEqual([
      { symbol: 'ESH4', startIndex: 0 },
      { symbol: 'ESM4', startIndex: 1 },
    ]);
    // Every contract inside one bucket: the last one wins.
    expect(aligned.resample('1h').metadata.segments).toEqual([{ symbol: 'ESM4', startIndex: 0 }]);
  });
});

describe('Bars properties', () => {
  const seriesArbitrary = fc
    .uniqueArray(fc.integer({ min: 0, max: 5_000 }), { maxLength: 200 })
    .map((offsets) => offsets.sort((a, b) => a - b))
    .map((offsets) =>
      Bars.fromRows(
        offsets.map((offset, index) => ({
          tsEventNanos: t0 + BigInt(offset) * minuteNanos,
          open: 100 + index,
          high: 110 + index + (offset % 7),
          low: 90 - index - (offset % 5),
          close: 105 + ((index * 7) % 11),
          volume: 1 + (offset % 13),
        })),
        { symbol: 'ESH4', timestep: minute },
      ),
    );

  it('should slice like Array#slice', () => {
    fc.assert(
      fc.property(
        seriesArbitrary,
        fc.option(fc.integer({ min: -250, max: 250 }), { nil: undefined }),
        fc.option(fc.integer({ min: -250, max: 250 }), { nil: undefined }),
        (bars, start, end) => {
          const view = bars.slice(start, end);
          expect(Array.from(view.tsEventNanos)).toEqual(Array.from(bars.tsEventNanos).slice(start, end));
          expect(Array.from(view.close)).toEqual(Array.from(bars.close).slice(start, end));
        },
      ),
    );
  });

  it('should select exactly the bars opening in [start, end)', () => {
    fc.assert(
      fc.property(
        seriesArbitrary,
        fc.integer({ min: -10, max: 5_010 }),
        fc.integer({ min: -10, max: 5_010 }),
        (bars, startOffset, endOffset) => {
          const start = t0 + BigInt(startOffset) * minuteNanos;
          const end = t0 + BigInt(endOffset) * minuteNanos;
          const expected = Array.from(bars.tsEventNanos).filter((time) => time >= start && time < end);
          expect(Array.from(bars.between(start, end).tsEventNanos)).toEqual(expected);
          const asDates = bars.between(
            new Date(Number(start / 1_000_000n)),
            new Date(Number(end / 1_000_000n)),
          );
          expect(Array.from(asDates.tsEventNanos)).toEqual(expected);
        },
      ),
    );
  });

  it('should resample like a naive group-by over epoch-aligned buckets', () => {
    fc.assert(
      fc.property(seriesArbitrary, fc.constantFrom('2m', '5m', '15m', '1h', '4h', '1d'), (bars, target) => {
        const timestep = parseTimestep(target);
        const bucketNanos = timestep.durationNanos;
        const groups = new Map<bigint, number[]>();
        for (let index = 0; index < bars.length; index++) {
          const time = bars.tsEventNanos[index]!;
          const bucket = time - (((time % bucketNanos) + bucketNanos) % bucketNanos);
          groups.set(bucket, [...(groups.get(bucket) ?? []), index]);
        }
        const resampled = bars.resample(timestep);
        expect(Array.from(resampled.tsEventNanos)).toEqual([...groups.keys()]);
        const rows = [...groups.values()];
        expect(Array.from(resampled.open)).toEqual(rows.map((indexes) => bars.open[indexes[0]!]));
        expect(Array.from(resampled.close)).toEqual(rows.map((indexes) => bars.close[indexes.at(-1)!]));
        expect(Array.from(resampled.high)).toEqual(
          rows.map((indexes) => Math.max(...indexes.map((i) => bars.high[i]!))),
        );
        expect(Array.from(resampled.low)).toEqual(
          rows.map((indexes) => Math.min(...indexes.map((i) => bars.low[i]!))),
        );
        expect(Array.from(resampled.volume)).toEqual(
          rows.map((indexes) => indexes.reduce((sum, i) => sum + bars.volume[i]!, 0)),
        );
      }),
    );
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
