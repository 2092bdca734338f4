import { DbnDecodeError } from './dbn-decode-error.js';

/**
 * Largest zstd window (history buffer) a frame may declare: 128 MiB, the default limit of the reference
 * decoder (`--long=27`). Databento's encoder (zstd level 3) uses at most 2 MiB. A decoder allocates the
 * window up front, so a forged header would otherwise cost up to 3.75 GiB before the first byte.
 */
export const MAX_ZSTD_WINDOW_BYTES = 128 * 1024 * 1024;

/**
 * Largest inflated size of one zstd frame: 16 GiB, far above one Databento download. Checked against
 * the frame's declared content size and against the most its blocks can produce, before they are
 * decompressed, so a zstd bomb fails at once instead of filling memory (whole-buffer decoders) or
 * running for minutes (streaming decoders).
 */
export const MAX_ZSTD_FRAME_INFLATED_BYTES = 16 * 1024 * 1024 * 1024;

/**
 * Work allowed per compressed byte, in bytes of window copied. The pure-JS decoder (fzstd) shifts its
 * whole window after every block, so each block costs the window size: a frame of tiny blocks with a
 * large window (`28 B5 2F FD 00 A7` then one-byte raw blocks) would take minutes. Real frames have
 * blocks of up to 128 KiB, a few KiB compressed each, so they stay two orders of magnitude below this.
 */
const WINDOW_COPY_BYTES_PER_COMPRESSED_BYTE = 16384;
/** Window copying (a tenth of a second) every frame may spend whatever its size: small frames, flushes. */
const WINDOW_COPY_FREE_BYTES = 1024 * 1024 * 1024;

const MAX_BLOCK_BYTES = 128 * 1024;
const MIN_WINDOW_BYTES = 1024;
const BLOCK_HEADER_BYTES = 3;
const CHECKSUM_BYTES = 4;
const BLOCK_TYPE_RAW = 0;
const BLOCK_TYPE_RLE = 1;
const BLOCK_TYPE_RESERVED = 3;

/** A zstd frame whose block headers have all been inspected. */
export interface ZstdFrameSummary {
  readonly compressedByteOffset: number;
  readonly blockCount: number;
  /** The frame content size from the header, when the encoder wrote one. */
  readonly declaredContentBytes: number | undefined;
  readonly windowBytes: number;
  /** Offset of the window descriptor byte, or undefined for single-segment frames (which have none). */
  readonly windowDescriptorOffset: number | undefined;
  /** The most the frame's blocks can inflate to. */
  readonly inflatedBoundBytes: number;
}

type GuardState = 'magic' | 'frameHeader' | 'blockHeader' | 'skip';

/**
 * Walks the structure of zstd input (frames, block headers, skippable frames) without decompressing it,
 * chunk by chunk, and throws {@link DbnDecodeError} as soon as a frame declares a window or an inflated
 * size above the limits. Feed it the same bytes as the decompressor, before the decompressor sees them.
 * Costs a few operations per block (128 KiB of output), nothing per byte.
 */
export class ZstdFrameGuard {
  /** Compressed bytes inspected so far. */
  private compressedOffset = 0;
  private state: GuardState = 'magic';
  /** Bytes of the current magic number or frame header collected so far (headers are at most 18 bytes). */
  private readonly header = new Uint8Array(18);
  private headerLength = 0;
  private headerNeeded = 4;
  /** Bytes still to skip: a block body, a checksum or a skippable frame. */
  private skipRemaining = 0;
  /** After the skip: the next block header, or the next frame. */
  private afterSkip: 'blockHeader' | 'magic' = 'magic';
  private frameStart = 0;
  private windowBytes = 0;
  private blockMaxBytes = 0;
  private hasChecksum = false;
  private declaredContentBytes: number | undefined;
  private inflatedBoundBytes = 0;
  private windowCopyBytes = 0;

  private blocksInFrame = 0;
  private singleSegment = false;

  /**
   * `decompressedOffset` tells errors the position in the decompressed stream (0 for whole buffers);
   * `onFrameEnd` hears of each frame once its last block header is inspected, before it is decompressed.
   */
  constructor(
    private readonly decompressedOffset: () => number = () => 0,
    private readonly onFrameEnd?: (frame: ZstdFrameSummary) => void,
  ) {}

  /** Inspects the next chunk of compressed input; throws {@link DbnDecodeError} on a limit or bad structure. */
  inspect(chunk: Uint8Array): void {
    let position = 0;
    const length = chunk.length;
    while (position < length) {
      if (this.state === 'skip') {
        const take = Math.min(this.skipRemaining, length - position);
        this.skipRemaining -= take;
        position += take;
        if (this.skipRemaining === 0) this.enter(this.afterSkip);
        continue;
      }
      const take = Math.min(this.headerNeeded - this.headerLength, length - position);
      this.header.set(chunk.subarray(position, position + take), this.headerLength);
      this.headerLength += take;
      position += take;
      if (this.headerLength < this.headerNeeded) continue;
      const headerOffset = this.compressedOffset + position - this.headerLength;
      if (this.state === 'magic') this.readMagic(headerOffset);
      else if (this.state === 'frameHeader') this.readFrameHeader(headerOffset);
      else this.readBlockHeader(headerOffset, this.compressedOffset + position);
    }
    this.compressedOffset += length;
  }

  private enter(state: GuardState, headerNeeded = state === 'blockHeader' ? BLOCK_HEADER_BYTES : 4): void {
    this.state = state;
    this.headerLength = 0;
    this.headerNeeded = headerNeeded;
  }

  private readMagic(offset: number): void {
    const header = this.header;
    if (header[0] === 0x28 && header[1] === 0xb5 && header[2] === 0x2f && header[3] === 0xfd) {
      this.frameStart = offset;
      // Magic plus the frame header descriptor, which tells the rest of the header's size.
      this.state = 'frameHeader';
      this.headerNeeded = 5;
      return;
    }
    if ((header[0]! & 0xf0) === 0x50 && header[1] === 0x2a && header[2] === 0x4d && header[3] === 0x18) {
      // Skippable frame: magic 0x184D2A5?, then a u32 size; read the size as an 8-byte header.
      this.state = 'frameHeader';
      this.headerNeeded = 8;
      this.frameStart = -1;
      return;
    }
    throw this.corrupt(`expected a zstd frame magic number at compressed byte ${offset}`, offset);
  }

  private readFrameHeader(offset: number): void {
    const header = this.header;
    if (this.frameStart < 0) {
      this.skipRemaining = readUint32(header, 4);
      this.afterSkip = 'magic';
      this.frameStart = 0;
      if (this.skipRemaining === 0) this.enter('magic');
      else this.state = 'skip';
      return;
    }
    const descriptor = header[4]!;
    const contentSizeFlag = descriptor >> 6;
    const singleSegment = (descriptor >> 5) & 1;
    const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 3]!;
    const contentSizeBytes = [singleSegment, 2, 4, 8][contentSizeFlag]!;
    const needed = 5 + (singleSegment ? 0 : 1) + dictionaryIdBytes + contentSizeBytes;
    if (this.headerNeeded < needed) {
      this.headerNeeded = needed;
      return;
    }
    if ((descriptor & 0x08) !== 0) {
      throw this.corrupt(`reserved bit set in the frame header at compressed byte ${offset}`, offset + 4);
    }
    let declared: number | undefined;
    if (contentSizeBytes > 0) {
      const at = needed - contentSizeBytes;
      declared =
        contentSizeBytes === 1
          ? header[at]!
          : contentSizeBytes === 2
            ? header[at]! + header[at + 1]! * 256 + 256
            : contentSizeBytes === 4
              ? readUint32(header, at)
              : readUint32(header, at) + readUint32(header, at + 4) * 4294967296;
    }
    let windowBytes: number;
    if (singleSegment) {
      windowBytes = declared!;
    } else {
      const windowDescriptor = header[5]!;
      const base = 2 ** (10 + (windowDescriptor >> 3));
      windowBytes = base + (base / 8) * (windowDescriptor & 7);
    }
    if (windowBytes > MAX_ZSTD_WINDOW_BYTES) {
      throw new DbnDecodeError(
        `zstd frame at compressed byte ${offset} declares a ${formatBytes(windowBytes)} window, above the ${formatBytes(MAX_ZSTD_WINDOW_BYTES)} limit (MAX_ZSTD_WINDOW_BYTES). Databento data uses at most 2 MiB: the input is corrupt or hostile.`,
        { byteOffset: this.decompressedOffset(), compressedByteOffset: offset + 5 },
      );
    }
    if (declared !== undefined && declared > MAX_ZSTD_FRAME_INFLATED_BYTES) {
      throw this.inflatedLimitError(`declares ${formatBytes(declared)} of content`, offset);
    }
    this.windowBytes = windowBytes;
    this.blockMaxBytes = Math.min(Math.max(windowBytes, MIN_WINDOW_BYTES), MAX_BLOCK_BYTES);
    this.hasChecksum = (descriptor & 0x04) !== 0;
    this.declaredContentBytes = declared;
    this.inflatedBoundBytes = 0;
    this.windowCopyBytes = 0;
    this.blocksInFrame = 0;
    this.singleSegment = singleSegment === 1;
    this.enter('blockHeader');
  }

  private readBlockHeader(offset: number, endOfHeader: number): void {
    const header = this.header;
    const value = header[0]! | (header[1]! << 8) | (header[2]! << 16);
    const isLast = (value & 1) === 1;
    const type = (value >> 1) & 3;
    const size = value >>> 3;
    if (type === BLOCK_TYPE_RESERVED) {
      throw this.corrupt(`reserved block type at compressed byte ${offset}`, offset);
    }
    if (size > this.blockMaxBytes) {
      throw this.corrupt(
        `block of ${size} bytes at compressed byte ${offset} exceeds the frame's ${this.blockMaxBytes}-byte block limit`,
        offset,
      );
    }
    this.blocksInFrame++;
    // Raw and RLE blocks regenerate exactly `size` bytes; a compressed block at most a full block.
    this.inflatedBoundBytes += type === BLOCK_TYPE_RAW || type === BLOCK_TYPE_RLE ? size : this.blockMaxBytes;
    if (this.inflatedBoundBytes > MAX_ZSTD_FRAME_INFLATED_BYTES) {
      throw this.inflatedLimitError(
        `inflates to more than ${formatBytes(this.inflatedBoundBytes)}`,
        this.frameStart,
      );
    }
    this.windowCopyBytes += this.windowBytes;
    const frameCompressedBytes = endOfHeader - this.frameStart + (type === BLOCK_TYPE_RLE ? 1 : size);
    if (
      this.windowCopyBytes >
      WINDOW_COPY_FREE_BYTES + WINDOW_COPY_BYTES_PER_COMPRESSED_BYTE * frameCompressedBytes
    ) {
      throw new DbnDecodeError(
        `Corrupt or hostile zstd frame at compressed byte ${this.frameStart}: its blocks are far too small for its ${formatBytes(this.windowBytes)} window (block at compressed byte ${offset}); decoding it would take minutes. Real zstd encoders never write such frames.`,
        { byteOffset: this.decompressedOffset(), compressedByteOffset: offset },
      );
    }
    if (isLast) {
      if (this.declaredContentBytes !== undefined && this.declaredContentBytes > this.inflatedBoundBytes) {
        throw this.corrupt(
          `frame at compressed byte ${this.frameStart} declares ${this.declaredContentBytes} bytes of content but its blocks hold at most ${this.inflatedBoundBytes}`,
          this.frameStart,
        );
      }
      this.onFrameEnd?.({
        compressedByteOffset: this.frameStart,
        blockCount: this.blocksInFrame,
        declaredContentBytes: this.declaredContentBytes,
        windowBytes: this.windowBytes,
        windowDescriptorOffset: this.singleSegment ? undefined : this.frameStart + 5,
        inflatedBoundBytes: this.inflatedBoundBytes,
      });
      this.afterSkip = 'magic';
    } else {
      this.afterSkip = 'blockHeader';
    }
    this.skipRemaining =
      (type === BLOCK_TYPE_RLE ? 1 : size) + (isLast && this.hasChecksum ? CHECKSUM_BYTES : 0);
    if (this.skipRemaining === 0) this.enter(this.afterSkip);
    else this.state = 'skip';
  }
  private corrupt(what: string, compressedByteOffset: number): DbnDecodeError {
    return new DbnDecodeError(`Corrupt zstd data: ${what}.`, {
      byteOffset: this.decompressedOffset(),
      compressedByteOffset,
    });
  }

  private inflatedLimitError(what: string, compressedByteOffset: number): DbnDecodeError {
    return new DbnDecodeError(
      `zstd frame at compressed byte ${compressedByteOffset} ${what}, above the ${formatBytes(MAX_ZSTD_FRAME_INFLATED_BYTES)} limit per frame (MAX_ZSTD_FRAME_INFLATED_BYTES): the input is corrupt or a zstd bomb.`,
      { byteOffset: this.decompressedOffset(), compressedByteOffset },
    );
  }
}

/**
 * Throws {@link DbnDecodeError} when whole-buffer zstd `bytes` exceed {@link MAX_ZSTD_WINDOW_BYTES} or
 * {@link MAX_ZSTD_FRAME_INFLATED_BYTES}, or declare more content than their blocks can hold. Run before a
 * whole-buffer decompressor, which allocates the declared content size up front.
 */
export function assertZstdWithinLimits(bytes: Uint8Array): void {
  new ZstdFrameGuard().inspect(bytes);
}

/**
 * The window descriptor byte that makes a decoder allocate no more than `frame` can use, or undefined when
 * the declared window is fine. fzstd allocates the declared window and copies it after every block; a
 * frame never refers further back than its own output, so a window of at least the frame's inflated
 * bound decodes the same bytes.
 */
export function shrunkWindowDescriptor(frame: ZstdFrameSummary): number | undefined {
  if (frame.windowDescriptorOffset === undefined || frame.windowBytes <= 2 * frame.inflatedBoundBytes) {
    return undefined;
  }
  // Window = 2^(10 + exponent) with a zero mantissa: the smallest power of two >= the bound, >= 1 KiB.
  return Math.max(0, Math.ceil(Math.log2(Math.max(frame.inflatedBoundBytes, 1))) - 10) << 3;
}

function readUint32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${+(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 * 1024) return `${+(bytes / 1024 ** 2).toFixed(2)} MiB`;
  return `${bytes} bytes`;
}
