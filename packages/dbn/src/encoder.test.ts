import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DbnDecodeError } from './dbn-decode-error.js';
import { encodeDbn, encodeDbnStream, encodeDbnSync, encodedRecordSize, encodeRecords } from './encoder.js';
import type { DatabentoMetadata } from './metadata.js';
import { decodeDbn, openDbnStream } from './stream-decoder.js';
import { anyRecordArbitrary, recordArbitrary, rtypesByLayout } from './test-arbitraries.js';

const metadata: DatabentoMetadata = {
  version: 3,
  dataset: 'GLBX.MDP3',
  schema: 'ohlcv-1m',
  startNanos: 1609160400000000000n,
  endNanos: 1609200000000000000n,
  limit: null,
  stypeIn: 'raw_symbol',
  stypeOut: 'instrument_id',
  tsOut: false,
  symbolStringLength: 71,
  symbols: ['ESH1', 'NQH1'],
  partial: [],
  notFound: ['XYZ'],
  mappings: [{ rawSymbol: 'ESH1', intervals: [{ startDate: 20201228, endDate: 20201229, symbol: '5482' }] }],
};

describe('encodeDbn', () => {
  for (const [layout, rtypes] of rtypesByLayout()) {
    it(`should round-trip random ${layout.id} records exactly`, () => {
      fc.assert(
        fc.property(fc.array(recordArbitrary(layout, rtypes), { maxLength: 5 }), (records) => {
          const decoded = decodeDbn(encodeDbnSync({ metadata, records }));
          expect(decoded.metadata).toEqual(metadata);
          expect(decoded.records).toEqual(records);
        }),
        { numRuns: 50 },
      );
    });
  }

  it('should round-trip records with ts_out', () => {
    fc.assert(
      fc.property(fc.array(anyRecordArbitrary(true), { maxLength: 5 }), (records) => {
        const withTsOut = { ...metadata, tsOut: true };
        expect(decodeDbn(encodeDbnSync({ metadata: withTsOut, records })).records).toEqual(records);
      }),
      { numRuns: 50 },
    );
  });

  it('should round-trip through zstd compression', async () => {
    const records = fc.sample(anyRecordArbitrary(), { numRuns: 200, seed: 7 });
    const compressed = await encodeDbn({ metadata, records }, { compress: true });
    expect([...compressed.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
    expect(decodeDbn(compressed).records).toEqual(records);
  });

  it('should stream records as concatenated zstd frames that decode back', async () => {
    const records = fc.sample(anyRecordArbitrary(), { numRuns: 300, seed: 11 });
    const chunks: Uint8Array[] = [];
    for await (const chunk of encodeDbnStream(metadata, records, { compress: true, chunkSizeBytes: 4096 })) {
      chunks.push(chunk);
    }
    expect(chunks.length).toBeGreaterThan(3);
    const stream = await openDbnStream(chunks);
    const decoded = [];
    for await (const record of stream.records()) decoded.push(record);
    expect(stream.metadata).toEqual(metadata);
    expect(decoded).toEqual(records);
  });

  it('should decode fragments written by encodeRecords', () => {
    const records = fc.sample(anyRecordArbitrary(), { numRuns: 20, seed: 3 });
    expect(decodeDbn(encodeRecords(records), { fragment: true })).toEqual({ metadata: undefined, records });
  });
});

describe('decodeDbn on corrupt input', () => {
  const isDecodeErrorOrRecords = (bytes: Uint8Array, fragment: boolean) => {
    try {
      const decoded = decodeDbn(bytes, { fragment });
      expect(Array.isArray(decoded.records)).toBe(true);
    } catch (error) {
      if (!DbnDecodeError.isInstance(error)) throw error;
      expect(error.byteOffset).toBeGreaterThanOrEqual(0);
    }
  };

  it('should end in DbnDecodeError or valid records after random byte flips', () => {
    fc.assert(
      fc.property(
        fc.array(anyRecordArbitrary(), { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (records, flips, fragment) => {
          const bytes = fragment ? encodeRecords(records) : encodeDbnSync({ metadata, records });
          for (const [position, value] of flips) bytes[position % bytes.length] = value;
          isDecodeErrorOrRecords(bytes, fragment);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('should raise DbnDecodeError with offset and rtype for every truncation', () => {
    const records = fc.sample(anyRecordArbitrary(), { numRuns: 10, seed: 5 });
    const bytes = encodeDbnSync({ metadata, records });
    const metadataSize = encodeDbnSync({ metadata, records: [] }).length;
    // Record starts: a cut one byte after one leaves only the length byte, so no rtype is known.
    const recordStarts = new Set<number>();
    let start = metadataSize;
    for (const record of records) {
      recordStarts.add(start);
      start += encodedRecordSize(record);
    }
    for (let length = 0; length < bytes.length; length++) {
      let caught: unknown;
      try {
        decodeDbn(bytes.subarray(0, length));
      } catch (error) {
        caught = error;
      }
      // A cut exactly between records is a valid, shorter stream.
      if (caught === undefined) continue;
      expect(DbnDecodeError.isInstance(caught)).toBe(true);
      const error = caught as DbnDecodeError;
      if (length > metadataSize && !recordStarts.has(length - 1)) expect(error.rtype).toBeTypeOf('number');
      if (length < metadataSize) expect(error.rtype).toBeUndefined();
      // A cut record is reported at its own first byte.
      if (length > metadataSize) {
        expect(error.byteOffset).toBe(Math.max(...[...recordStarts].filter((start) => start < length)));
      }
    }
  });

  it('should end in DbnDecodeError or valid records for corrupted zstd input', async () => {
    const records = fc.sample(anyRecordArbitrary(), { numRuns: 20, seed: 9 });
    const compressed = await encodeDbn({ metadata, records }, { compress: true });
    fc.assert(
      fc.property(
        fc.nat(compressed.length - 1),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(compressed.length),
        (position, value, cut) => {
          const bytes = compressed.slice(0, Math.max(cut, 5));
          if (position < bytes.length) bytes[position] = value;
          isDecodeErrorOrRecords(bytes, false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('should skip records of unknown rtype using the header length', () => {
    const records = fc.sample(anyRecordArbitrary(), { numRuns: 3, seed: 1 });
    const known = encodeRecords(records);
    // An unknown rtype 0x7f record of 24 bytes between the known ones.
    const unknown = new Uint8Array(24);
    unknown[0] = 6;
    unknown[1] = 0x7f;
    const bytes = new Uint8Array(known.length + unknown.length);
    bytes.set(unknown, 0);
    bytes.set(known, unknown.length);
    expect(decodeDbn(bytes, { fragment: true }).records).toEqual(records);
  });
});

function* chunksOf(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

async function collectStream(chunks: Iterable<Uint8Array>, fragment = false) {
  const stream = await openDbnStream(chunks, { fragment });
  const records = [];
  for await (const record of stream.records()) records.push(record);
  return { metadata: stream.metadata, records };
}

// Runs without the shared fixtures folder too: every layout, raw and zstd, split at every possible place.
describe('openDbnStream on encoder output', () => {
  const records = fc.sample(anyRecordArbitrary(), { numRuns: 60, seed: 13 });

  for (const compress of [false, true]) {
    it(`should yield the same records from 1-byte and 7-byte chunks (${compress ? 'zstd' : 'raw'})`, async () => {
      const bytes = await encodeDbn({ metadata, records }, { compress });
      const expected = decodeDbn(bytes);
      expect(expected.records).toEqual(records);
      for (const size of [1, 7]) expect(await collectStream(chunksOf(bytes, size))).toEqual(expected);
    });
  }

  it('should end in DbnDecodeError or valid records for random flips and cuts of a chunked stream', async () => {
    const raw = encodeDbnSync({ metadata, records: records.slice(0, 8) });
    const compressed = await encodeDbn({ metadata, records: records.slice(0, 8) }, { compress: true });
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(),
        fc.integer({ min: 1, max: 64 }),
        async (useZstd, flips, cut, chunkSize) => {
          const source = useZstd ? compressed : raw;
          const bytes = source.slice(0, Math.max(5, cut % (source.length + 1)));
          for (const [position, value] of flips) bytes[position % bytes.length] = value;
          try {
            const decoded = await collectStream(chunksOf(bytes, chunkSize));
            expect(Array.isArray(decoded.records)).toBe(true);
          } catch (error) {
            if (!DbnDecodeError.isInstance(error)) throw error;
            expect(error.byteOffset).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
