import { createRequire } from 'node:module';
import { debuglog } from 'node:util';
import { Decompress } from 'fzstd';
import { DbnDecodeError } from './dbn-decode-error.js';
import {
  assertZstdWithinLimits,
  shrunkWindowDescriptor,
  ZstdFrameGuard,
  type ZstdFrameSummary,
} from './zstd-frame-guard.js';

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

/**
 * Decompresses a whole zstd buffer (all concatenated frames), natively when possible. Throws
 * `DbnDecodeError` on corrupt data, and before decompressing when a frame exceeds `MAX_ZSTD_WINDOW_BYTES`
 * or `MAX_ZSTD_FRAME_INFLATED_BYTES`.
 */
export async function decompressZstd(bytes: Uint8Array): Promise<Uint8Array> {
  const native = loadNativeZstd();
  if (!native) return decompressZstdSync(bytes);
  assertZstdWithinLimits(bytes);
  try {
    return await native.decompress(asBuffer(bytes));
  } catch (error) {
    throw corruptZstdError(error);
  }
}

/**
 * Decompresses a whole zstd buffer synchronously with the pure-JS decoder; limits as {@link decompressZstd}.
 * Runs the streaming decompressor, which checks each frame's declared content size: fzstd's whole-buffer
 * function trusts that size and silently truncates or zero-pads corrupt frames, and accepts truncated
 * input.
 */
export function decompressZstdSync(bytes: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  let totalBytes = 0;
  const decompressor = createZstdStreamDecompressor((chunk) => {
    chunks.push(chunk);
    totalBytes += chunk.length;
  });
  decompressor.push(bytes);
  decompressor.finish();
  if (chunks.length === 1) return chunks[0]!;
  const output = new Uint8Array(totalBytes);
  let position = 0;
  for (const chunk of chunks) {
    output.set(chunk, position);
    position += chunk.length;
  }
  return output;
}

/** Both libraries throw plain errors (or worse) on corrupt input: give callers the typed decode error. */
function corruptZstdError(error: unknown): DbnDecodeError {
  return new DbnDecodeError(`Corrupt zstd data: ${error instanceof Error ? error.message : String(error)}`, {
    byteOffset: 0,
    cause: error,
  });
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

/**
 * Creates a streaming decompressor that calls `onData` for each decompressed chunk. Each chunk's frame
 * structure is checked against the limits of {@link decompressZstd} before it is decompressed, and each
 * frame's declared content size against what it holds. A frame that lies wholly inside one pushed chunk
 * and declares a window far larger than it can fill is decoded with a window that fits.
 */
export function createZstdStreamDecompressor(onData: (chunk: Uint8Array) => void): ZstdStreamDecompressor {
  let decompressedBytes = 0;
  // fzstd emits one chunk per block, in order; the guard, which runs ahead, says where each frame ends.
  const endedFrames: ZstdFrameSummary[] = [];
  let frameBlocks = 0;
  let frameBytes = 0;
  let compressedBytes = 0;
  // Frames that start and end inside the chunk being pushed: their window can be shrunk before fzstd
  // allocates it (a small frame declaring 128 MiB would otherwise cost 128 MiB and a copy per block).
  let chunkStart = 0;
  let shrinks: Array<{ at: number; descriptor: number }> = [];
  const guard = new ZstdFrameGuard(
    () => decompressedBytes,
    (frame) => {
      endedFrames.push(frame);
      const descriptor = shrunkWindowDescriptor(frame);
      if (descriptor !== undefined && frame.windowDescriptorOffset! >= chunkStart) {
        shrinks.push({ at: frame.windowDescriptorOffset! - chunkStart, descriptor });
      }
    },
  );
  const decompressor = new Decompress((chunk, isFinal) => {
    decompressedBytes += chunk.length;
    if (!isFinal) {
      frameBlocks++;
      frameBytes += chunk.length;
      const frame = endedFrames[0];
      if (frame !== undefined && frameBlocks === frame.blockCount) {
        endedFrames.shift();
        if (frame.declaredContentBytes !== undefined && frame.declaredContentBytes !== frameBytes) {
          throw new DbnDecodeError(
            `Corrupt zstd data: frame at compressed byte ${frame.compressedByteOffset} declares ${frame.declaredContentBytes} bytes of content but holds ${frameBytes}.`,
            { byteOffset: decompressedBytes, compressedByteOffset: frame.compressedByteOffset },
          );
        }
        frameBlocks = 0;
        frameBytes = 0;
      }
    }
    if (chunk.length > 0) onData(chunk);
  });
  const wrap = (error: unknown): unknown =>
    DbnDecodeError.isInstance(error) ? error : corruptZstdError(error);
  return {
    push: (chunk) => {
      chunkStart = compressedBytes;
      compressedBytes += chunk.length;
      shrinks = [];
      guard.inspect(chunk);
      if (shrinks.length > 0) {
        chunk = new Uint8Array(chunk);
        for (const { at, descriptor } of shrinks) chunk[at] = descriptor;
      }
      try {
        decompressor.push(chunk);
      } catch (error) {
        throw wrap(error);
      }
    },
    finish: () => {
      try {
        decompressor.push(new Uint8Array(0), true);
      } catch (error) {
        throw wrap(error);
      }
    },
  };
}
