import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeOhlcvColumns,
  encodeOhlcvColumns,
  type OhlcvColumns,
  openOhlcvColumnStream,
  readOhlcvColumns,
} from './columnar-ohlcv.js';
import { UNDEF_PRICE } from './constants.js';
import type { DatabentoOhlcvRecord } from './record-types.js';
import { decodeDbn } from './stream-decoder.js';
import { compressZstd } from './zstd.js';

const metadata = { dataset: 'GLBX.MDP3', schema: 'ohlcv-1h' as const, startNanos: 1609160400000000000n };

// Prices as float64 of raw / 1e9 with |raw| < 2^50: exactly representable round trips.
const rawPrice = fc.integer({ min: -(2 ** 50), max: 2 ** 50 });
const price = fc.oneof(
  { weight: 9, arbitrary: rawPrice.map((raw) => raw / 1e9) },
  { weight: 1, arbitrary: fc.constant(Number.NaN) },
);

const barsArbitrary = fc.array(
  fc.record({
    tsEvent: fc.bigInt(0n, 2n ** 63n - 1n),
    instrumentId: fc.integer({ min: 0, max: 4294967295 }),
    open: price,
    high: price,
    low: price,
    close: price,
    volume: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  }),
  { maxLength: 40 },
);

function toColumns(
  bars: Array<{
    tsEvent: bigint;
    instrumentId: number;
    open: number;
    high: number;
    low: number;
    close: number;
    volume: number;
  }>,
): OhlcvColumns {
  return {
    length: bars.length,
    priceScale: 1,
    tsEventNanos: BigInt64Array.from(bars.map((bar) => bar.tsEvent)),
    instrumentId: Uint32Array.from(bars.map((bar) => bar.instrumentId)),
    open: Float64Array.from(bars.map((bar) => bar.open)),
    high: Float64Array.from(bars.map((bar) => bar.high)),
    low: Float64Array.from(bars.map((bar) => bar.low)),
    close: Float64Array.from(bars.map((bar) => bar.close)),
    volume: Float64Array.from(bars.map((bar) => bar.volume)),
  };
}

describe('encodeOhlcvColumns / decodeOhlcvColumns', () => {
  it('should round-trip random bars exactly, NaN standing for UNDEF_PRICE', () => {
    fc.assert(
      fc.property(barsArbitrary, (bars) => {
        const columns = toColumns(bars);
        const decoded = decodeOhlcvColumns(encodeOhlcvColumns(columns, { metadata }));
        expect(decoded.columns).toEqual(columns);
        expect(decoded.metadata?.schema).toBe('ohlcv-1h');
      }),
      { numRuns: 200 },
    );
  });

  it('should keep raw fixed-point prices exactly with rawPrices', () => {
    fc.assert(
      fc.property(barsArbitrary, (bars) => {
        const columns = toColumns(bars);
        const raw = decodeOhlcvColumns(encodeOhlcvColumns(columns, { metadata }), {
          rawPrices: true,
        }).columns;
        expect(raw.priceScale).toBe(1e-9);
        expect(Array.from(raw.open, (value) => (Number.isNaN(value) ? value : value / 1e9))).toEqual(
          Array.from(columns.open),
        );
        expect(decodeOhlcvColumns(encodeOhlcvColumns(raw, { metadata })).columns).toEqual(columns);
      }),
      { numRuns: 100 },
    );
  });

  it('should agree with the record decoder on raw fixed-point values', () => {
    const columns = toColumns([
      {
        tsEvent: 1609160400000000000n,
        instrumentId: 5482,
        open: 3720.25,
        high: Number.NaN,
        low: 3719.5,
        close: 3720,
        volume: 353,
      },
    ]);
    const records = decodeDbn(encodeOhlcvColumns(columns, { metadata })).records as DatabentoOhlcvRecord[];
    expect(records).toEqual([
      {
        rtype: 0x22,
        publisherId: 1,
        instrumentId: 5482,
        tsEvent: 1609160400000000000n,
        open: 3720250000000n,
        high: UNDEF_PRICE,
        low: 3719500000000n,
        close: 3720000000000n,
        volume: 353n,
      },
    ]);
  });

  it('should decode the same columns from zstd streams in small chunks', async () => {
    const bars = fc.sample(barsArbitrary, { numRuns: 5, seed: 42 }).flat();
    const columns = toColumns(bars);
    const compressed = await compressZstd(encodeOhlcvColumns(columns, { metadata }));
    const chunks = Array.from({ length: Math.ceil(compressed.length / 13) }, (_, index) =>
      compressed.subarray(index * 13, index * 13 + 13),
    );
    const stream = await openOhlcvColumnStream(chunks);
    let total = 0;
    for await (const batch of stream.batches()) total += batch.length;
    expect(total).toBe(bars.length);
    expect((await readOhlcvColumns(chunks)).columns).toEqual(columns);
  });
});
