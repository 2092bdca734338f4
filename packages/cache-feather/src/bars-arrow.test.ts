import { type Bar, Bars, parseTimestep } from '@lb/core';
import {
  makeData,
  makeVector,
  Schema,
  Table,
  TimestampNanosecond,
  tableFromArrays,
  tableFromIPC,
  tableToIPC,
} from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barsFromArrowTable, barsToArrowTable } from './bars-arrow.js';

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

describe('barsToArrowTable / barsFromArrowTable', () => {
  it('should round-trip through an Arrow IPC file', () => {
    const bars = Bars.concat([makeBars(3, 'ESH4'), makeBars(6, 'ESM4').slice(3)], { symbol: 'ES' });
    const table = tableFromIPC(tableToIPC(barsToArrowTable(bars), 'file'));
    expect(table.schema.fields.map((field) => `${field.name}:${field.type}`)).toEqual([
      'ts_event:Timestamp<NANOSECOND, UTC>',
      'open:Float64',
      'high:Float64',
      'low:Float64',
      'close:Float64',
      'volume:Float64',
    ]);
    const back = barsFromArrowTable(table);
    expect(Array.from(back.tsEventNanos)).toEqual(Array.from(bars.tsEventNanos));
    expect(Array.from(back.close)).toEqual(Array.from(bars.close));
    expect(back.metadata.symbol).toBe('ES');
    expect(back.metadata.timestep.label).toBe('1m');
    expect(back.metadata.segments).toEqual(bars.metadata.segments);
  });

  it('should round-trip an empty series', () => {
    const empty = Bars.empty({ symbol: 'ESH4', timestep: minute });
    const back = barsFromArrowTable(barsToArrowTable(empty));
    expect(back.length).toBe(0);
    expect(back.metadata.timestep.label).toBe('1m');
  });

  it('should refuse Arrow tables without metadata or with nulls', () => {
    const table = barsToArrowTable(makeBars(3));
    const bare = new Table(new Schema(table.schema.fields), table.batches);
    expect(() => barsFromArrowTable(bare)).toThrow(/no "lb.symbol"\/"lb.timestep" schema metadata/);
    expect(barsFromArrowTable(bare, { symbol: 'ESH4', timestep: minute }).length).toBe(3);
    const withNull = tableFromArrays({
      ts_event: BigInt64Array.of(t0, t0 + minuteNanos),
      open: [1, null],
      high: Float64Array.of(1, 1),
      low: Float64Array.of(1, 1),
      close: Float64Array.of(1, 1),
      volume: Float64Array.of(1, 1),
    });
    const typed = new Table({
      ts_event: makeVector(
        makeData({
          type: new TimestampNanosecond('UTC'),
          length: 2,
          data: BigInt64Array.of(t0, t0 + minuteNanos),
        }),
      ),
      open: withNull.getChild('open')!,
      high: withNull.getChild('high')!,
      low: withNull.getChild('low')!,
      close: withNull.getChild('close')!,
      volume: withNull.getChild('volume')!,
    });
    expect(() => barsFromArrowTable(typed, { symbol: 'X', timestep: minute })).toThrow(
      'Arrow table column "open" has 1 null values; Bars columns cannot hold nulls.',
    );
  });

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

  it('should round-trip any slice through Arrow IPC, in one record batch or several', () => {
    fc.assert(
      fc.property(
        seriesArbitrary,
        fc.integer({ min: -50, max: 250 }),
        fc.integer({ min: -50, max: 250 }),
        (bars, start, end) => {
          const view = bars.slice(start, end);
          const single = barsFromArrowTable(tableFromIPC(tableToIPC(barsToArrowTable(view), 'file')));
          const results = [single];
          if (view.length >= 2) {
            // Two non-empty record batches, as an IPC stream written in chunks reads back.
            const middle = Math.floor(view.length / 2);
            const first = barsToArrowTable(view.slice(0, middle));
            const second = barsToArrowTable(view.slice(middle));
            results.push(barsFromArrowTable(new Table(first.schema, [...first.batches, ...second.batches])));
          }
          for (const back of results) {
            expect(back.metadata.symbol).toBe('ESH4');
            expect(back.metadata.timestep.label).toBe('1m');
            for (const name of ['tsEventNanos', 'open', 'high', 'low', 'close', 'volume'] as const) {
              expect(Array.from(back[name] as ArrayLike<unknown>), name).toEqual(
                Array.from(view[name] as ArrayLike<unknown>),
              );
            }
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});
