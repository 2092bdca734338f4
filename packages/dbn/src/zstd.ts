import { createRequire } from 'node:module';
import { debuglog } from 'node:util';
import { Decompress, decompress as decompressPureJs } from 'fzstd';

/**
 * zstd support. Node 20's zlib has no zstd, so two libraries share the work:
 * - `fzstd` (pure JS) is the only streaming decompressor that installs everywhere without a build step;
 *   every streaming decode uses it.
 * - `@mongodb-js/zstd` (napi-rs prebuilt binary, no install script) is 4-5x faster but whole-buffer and
 *   async; it serves {@link decompressZstd} and {@link compressZstd} when its binary loads, with fzstd as
 *   the decompression fallback. Set `NODE_DEBUG=lb-databento` to see which one is active.
 */
const log = debuglog('lb-databento');

/** The 4-byte magic number every zstd frame starts with. */
export const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd] as const;

/** True when `bytes` starts with the zstd frame magic `28 B5 2F FD`. */
export function startsWithZstdMagic(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === ZSTD_MAGIC[0] &&
    bytes[1] === ZSTD_MAGIC[1] &&
    bytes[2] === ZSTD_MAGIC[2] &&
    bytes[3] === ZSTD_MAGIC[3]
  );
}

interface NativeZstd {
  compress(buffer: Buffer, level?: number): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

let nativeZstd: NativeZstd | null | undefined;

/** The native binding, or null when its prebuilt binary is unavailable on this platform. */
export function loadNativeZstd(): NativeZstd | null {
  if (nativeZstd === undefined) {
    try {
      nativeZstd = createRequire(import.meta.url)('@mongodb-js/zstd') as NativeZstd;
      log('zstd: native @mongodb-js/zstd for whole buffers, fzstd (pure JS) for streams');
    } catch (error) {
      nativeZstd = null;
      log('zstd: native binding unavailable (%s); fzstd (pure JS) for everything', String(error));
    }
  }
  return nativeZstd;
}

/** Which zstd implementation each path uses on this machine. */
export function zstdImplementations(): { streaming: 'fzstd'; wholeBuffer: 'native' | 'fzstd' } {
  return { streaming: 'fzstd', wholeBuffer: loadNativeZstd() ? 'native' : 'fzstd' };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decompresses a whole zstd buffer (all concatenated frames), natively when possible. */
export async function decompressZstd(bytes: Uint8Array): Promise<Uint8Array> {
  const native = loadNativeZstd();
  if (native) return native.decompress(asBuffer(bytes));
  return decompressPureJs(bytes);
}

/** Decompresses a whole zstd buffer synchronously with the pure-JS decoder. */
export function decompressZstdSync(bytes: Uint8Array): Uint8Array {
  return decompressPureJs(bytes);
}

/**
 * Compresses `bytes` into one zstd frame with the native binding (default level 3). Without the binding,
 * falls back to a valid but uncompressed frame made of raw blocks, so callers always get readable zstd.
 */
export async function compressZstd(bytes: Uint8Array, level = 3): Promise<Uint8Array> {
  const native = loadNativeZstd();
  if (native) return native.compress(asBuffer(bytes), level);
  return encodeRawZstdFrame(bytes);
}

// A zstd frame with raw (stored) blocks: magic, a frame header descriptor of 0 (no checksum, no content
// size, window descriptor follows), window descriptor for 128 KiB, then blocks of at most 128 KiB with a
// 3-byte header: bit 0 = last block, bits 1-2 = block type 0 (raw), bits 3-23 = size.
function encodeRawZstdFrame(bytes: Uint8Array): Uint8Array {
  const maxBlockSize = 128 * 1024;
  const blockCount = Math.max(1, Math.ceil(bytes.length / maxBlockSize));
  const output = new Uint8Array(6 + blockCount * 3 + bytes.length);
  output.set(ZSTD_MAGIC, 0);
  output[4] = 0x00;
  // Window descriptor: exponent 7 -> window 2^(10+7) = 128 KiB.
  output[5] = 7 << 3;
  let position = 6;
  for (let block = 0; block < blockCount; block++) {
    const start = block * maxBlockSize;
    const size = Math.min(maxBlockSize, bytes.length - start);
    const header = (size << 3) | (block === blockCount - 1 ? 1 : 0);
    output[position] = header & 0xff;
    output[position + 1] = (header >>> 8) & 0xff;
    output[position + 2] = (header >>> 16) & 0xff;
    output.set(bytes.subarray(start, start + size), position + 3);
    position += 3 + size;
  }
  return output;
}

/** Incremental zstd decompressor (pure JS, multi-frame). Output is delivered to `onData` synchronously. */
export interface ZstdStreamDecompressor {
  push(chunk: Uint8Array): void;
  finish(): void;
}

/** Creates a streaming decompressor that calls `onData` for each decompressed chunk. */
export function createZstdStreamDecompressor(onData: (chunk: Uint8Array) => void): ZstdStreamDecompressor {
  const decompressor = new Decompress((chunk) => {
    if (chunk.length > 0) onData(chunk);
  });
  return {
    push: (chunk) => decompressor.push(chunk),
    finish: () => decompressor.push(new Uint8Array(0), true),
  };
}
