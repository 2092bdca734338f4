import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeOhlcvColumns, readOhlcvColumns } from './columnar-ohlcv.js';
import { DbnDecodeError } from './dbn-decode-error.js';
import { decodeDbn, openDbnStream } from './stream-decoder.js';
import { decompressZstd, decompressZstdSync } from './zstd.js';
import { MAX_ZSTD_FRAME_INFLATED_BYTES, MAX_ZSTD_WINDOW_BYTES } from './zstd-frame-guard.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixturesDirectory = [
  process.env.LB_DBN_FIXTURES,
  path.resolve(repositoryRoot, '../shared/fixtures/dbn'),
  path.resolve(repositoryRoot, '../../shared/fixtures/dbn'),
].find((candidate) => candidate !== undefined && existsSync(candidate));
const ohlcvFixture = fixturesDirectory && path.join(fixturesDirectory, 'test_data.ohlcv-1m.dbn');
const fixtureReason = 'DBN fixtures not found (set LB_DBN_FIXTURES)';

/** Runs every decode entry point on `bytes` and returns what each threw (or 'decoded'). */
async function outcomesOf(bytes: Uint8Array): Promise<Record<string, unknown>> {
  const attempt = async (decode: () => unknown): Promise<unknown> => {
    try {
      await decode();
      return 'decoded';
    } catch (error) {
      return error;
    }
  };
  return {
    decodeDbn: await attempt(() => decodeDbn(bytes)),
    openDbnStream: await attempt(async () => {
      const stream = await openDbnStream([bytes.subarray(0, 7), bytes.subarray(7)]);
      for await (const _record of stream.records());
    }),
    decodeOhlcvColumns: await attempt(() => decodeOhlcvColumns(bytes)),
    readOhlcvColumns: await attempt(() => readOhlcvColumns([bytes])),
  };
}

/** A zstd frame without content size: magic, descriptor 0, `windowDescriptor`, then `blockCount` raw blocks of one byte. */
function tinyBlockFrame(windowDescriptor: number, blockCount: number): Uint8Array {
  const bytes = new Uint8Array(6 + blockCount * 4);
  bytes.set([0x28, 0xb5, 0x2f, 0xfd, 0x00, windowDescriptor]);
  for (let block = 0; block < blockCount; block++) {
    // Block header: size 1 << 3, type raw (0), last-block bit on the final one; then the byte 'D'.
    bytes.set([block === blockCount - 1 ? 0x09 : 0x08, 0x00, 0x00, 0x44], 6 + block * 4);
  }
  return bytes;
}

describe('decoders on hostile input', () => {
  describe('metadata length shorter than the fixed metadata fields', () => {
    for (const declaredLength of [100, 101, 102, 103]) {
      it(`should throw DbnDecodeError at byte 108 from every entry point for length ${declaredLength}`, async (context) => {
        if (ohlcvFixture === undefined) return context.skip(fixtureReason);
        const bytes = new Uint8Array(readFileSync(ohlcvFixture));
        new DataView(bytes.buffer).setUint32(4, declaredLength, true);
        const outcomes = await outcomesOf(bytes);
        for (const [entryPoint, outcome] of Object.entries(outcomes)) {
          expect(DbnDecodeError.isInstance(outcome), entryPoint).toBe(true);
          expect((outcome as DbnDecodeError).byteOffset, entryPoint).toBe(108);
          expect((outcome as DbnDecodeError).message, entryPoint).toBe(
            `Corrupt DBN metadata: length ${declaredLength} leaves no room for the schema definition length at byte 108.`,
          );
        }
      });
    }
  });

  describe('zstd frames above the limits', () => {
    it('should reject the 1,866-byte frame declaring a 1.88 GiB window at once, on every path', async () => {
      const frame = tinyBlockFrame(0xa7, 465);
      expect(frame.length).toBe(1866);
      const outcomes = {
        ...(await outcomesOf(frame)),
        decompressZstd: await decompressZstd(frame).catch((error: unknown) => error),
        decompressZstdSync: (() => {
          try {
            return decompressZstdSync(frame);
          } catch (error) {
            return error;
          }
        })(),
      };
      for (const [entryPoint, outcome] of Object.entries(outcomes)) {
        expect(DbnDecodeError.isInstance(outcome), entryPoint).toBe(true);
        expect((outcome as DbnDecodeError).compressedByteOffset, entryPoint).toBe(5);
        expect((outcome as DbnDecodeError).message, entryPoint).toContain(
          'declares a 1.88 GiB window, above the 128 MiB limit (MAX_ZSTD_WINDOW_BYTES)',
        );
      }
      expect(MAX_ZSTD_WINDOW_BYTES).toBe(134_217_728);
    });

    it('should reject a frame of one-byte blocks behind a 128 MiB window before copying the window for each', async () => {
      // 0x88: window 2^27 = 128 MiB, the largest allowed; fzstd would copy it 465 times (~60 GB).
      const error = await decompressZstd(tinyBlockFrame(0x88, 465)).catch((caught: unknown) => caught);
      expect(DbnDecodeError.isInstance(error)).toBe(true);
      expect((error as DbnDecodeError).message).toContain(
        'its blocks are far too small for its 128 MiB window',
      );
      // The first 8 blocks (1 GiB of window copies) are allowed; the 9th, at byte 6 + 8 * 4, is not.
      expect((error as DbnDecodeError).compressedByteOffset).toBe(38);
    });

    it('should still decode a valid frame of one-byte blocks behind a 2 MiB window', () => {
      // 0x58: window 2^21 = 2 MiB, what Databento's encoder uses; tiny blocks are legal (flushes).
      expect(decompressZstdSync(tinyBlockFrame(0x58, 465))).toEqual(new Uint8Array(465).fill(0x44));
    });

    it('should decode a small frame declaring a 128 MiB window to the same bytes, on every zstd path', async () => {
      // Three raw blocks "DBN", "\x01", "!" behind a 128 MiB window (descriptor 0x88), no content size.
      const frame = new Uint8Array([
        0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x88, 0x18, 0, 0, 0x44, 0x42, 0x4e, 0x08, 0, 0, 0x01, 0x09, 0, 0, 0x21,
      ]);
      const expected = new Uint8Array([0x44, 0x42, 0x4e, 0x01, 0x21]);
      expect(decompressZstdSync(frame)).toEqual(expected);
      expect(new Uint8Array(await decompressZstd(frame))).toEqual(expected);
    });

    it('should reject a frame whose declared content size differs from what it holds', async () => {
      // Descriptor 0x40: 2-byte content size (value + 256) after a 1 KiB window; declares 299 bytes, then
      // one raw block (header 0x000961: 300 bytes, last) of 300 bytes.
      const frame = new Uint8Array(6 + 2 + 3 + 300);
      frame.set([0x28, 0xb5, 0x2f, 0xfd, 0x40, 0x00, 299 - 256, 0, 0x61, 0x09, 0x00]);
      const error = (() => {
        try {
          return decompressZstdSync(frame);
        } catch (caught) {
          return caught;
        }
      })();
      expect(DbnDecodeError.isInstance(error)).toBe(true);
      expect((error as DbnDecodeError).message).toBe(
        'Corrupt zstd data: frame at compressed byte 0 declares 299 bytes of content but holds 300.',
      );
      expect(DbnDecodeError.isInstance(await decompressZstd(frame).catch((caught: unknown) => caught))).toBe(
        true,
      );
    });

    it('should reject a declared content size above MAX_ZSTD_FRAME_INFLATED_BYTES before allocating it', () => {
      // Descriptor 0xc0: 8-byte content size, window descriptor follows (0x00: 1 KiB).
      const frame = new Uint8Array([
        0x28, 0xb5, 0x2f, 0xfd, 0xc0, 0x00, 0, 0, 0, 0, 0x08, 0, 0, 0, 0x01, 0, 0,
      ]);
      const error = (() => {
        try {
          return decompressZstdSync(frame);
        } catch (caught) {
          return caught;
        }
      })();
      expect(DbnDecodeError.isInstance(error)).toBe(true);
      expect((error as DbnDecodeError).message).toBe(
        'zstd frame at compressed byte 0 declares 32 GiB of content, above the 16 GiB limit per frame (MAX_ZSTD_FRAME_INFLATED_BYTES): the input is corrupt or a zstd bomb.',
      );
      expect(MAX_ZSTD_FRAME_INFLATED_BYTES).toBe(17_179_869_184);
    });

    it('should reject a declared content size its blocks cannot hold (a 1 GiB allocation for one byte)', async () => {
      // 8-byte content size 2^30 with a 1 KiB window, then one raw block of one byte.
      const frame = new Uint8Array([
        0x28, 0xb5, 0x2f, 0xfd, 0xc0, 0x00, 0, 0, 0, 0x40, 0, 0, 0, 0, 0x09, 0, 0, 0x44,
      ]);
      const error = await decompressZstd(frame).catch((caught: unknown) => caught);
      expect(DbnDecodeError.isInstance(error)).toBe(true);
      expect((error as DbnDecodeError).message).toBe(
        'Corrupt zstd data: frame at compressed byte 0 declares 1073741824 bytes of content but its blocks hold at most 1.',
      );
    });
  });

  describe('records that do not start on a 4-byte boundary', () => {
    const expectedBars = [
      { tsEvent: 1609160400000000000n, open: 372025, high: 372150, low: 372025, close: 372100, volume: 353 },
      { tsEvent: 1609160460000000000n, open: 372100, high: 372150, low: 372100, close: 372150, volume: 152 },
    ];

    /** The fixture with `padding` zero bytes appended to its metadata (legal: the length may include padding). */
    function paddedFixture(padding: number): Buffer {
      const original = readFileSync(ohlcvFixture!);
      const metadataEnd = 8 + original.readUInt32LE(4);
      const padded = Buffer.concat([
        original.subarray(0, metadataEnd),
        Buffer.alloc(padding),
        original.subarray(metadataEnd),
      ]);
      padded.writeUInt32LE(metadataEnd - 8 + padding, 4);
      return padded;
    }

    for (const padding of [0, 1, 2, 3]) {
      it(`should decode the ohlcv-1m fixture from a Buffer with ${padding} bytes of metadata padding`, async (context) => {
        if (ohlcvFixture === undefined) return context.skip(fixtureReason);
        const bytes = paddedFixture(padding);
        // 345 bytes of metadata + 8 of prelude: the records start at 353 + padding.
        expect((353 + padding) % 4 === 0).toBe(padding === 3);
        for (const columns of [
          decodeOhlcvColumns(bytes).columns,
          (await readOhlcvColumns([bytes])).columns,
        ]) {
          expect(
            Array.from({ length: columns.length }, (_, index) => ({
              tsEvent: columns.tsEventNanos[index],
              open: columns.open[index],
              high: columns.high[index],
              low: columns.low[index],
              close: columns.close[index],
              volume: columns.volume[index],
            })),
          ).toEqual(expectedBars);
        }
      });
    }
  });
});
