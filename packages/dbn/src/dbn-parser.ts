import { DbnDecodeError } from './dbn-decode-error.js';
import type { DatabentoMetadata } from './metadata.js';
import { decodeMetadata, METADATA_PRELUDE_SIZE, readMetadataPrelude } from './metadata-decoder.js';
import { RECORD_HEADER_SIZE } from './record-decoder.js';
import { createZstdStreamDecompressor, startsWithZstdMagic, type ZstdStreamDecompressor } from './zstd.js';

/**
 * Receives decoded DBN bytes from {@link DbnParser}: each call covers whole records only, every record
 * at least 16 bytes long (its header length has been checked).
 */
export interface DbnRecordSink {
  /**
   * Records occupy `bytes[start..end)`; `streamOffset` is the position of `bytes[start]` in the
   * decompressed DBN stream (for error messages). `tsOut` tells whether records end with a u64 ts_out.
   */
  onRecords(
    bytes: Uint8Array,
    view: DataView,
    start: number,
    end: number,
    streamOffset: number,
    tsOut: boolean,
  ): void;
}

/** Options shared by every decoder. */
export interface DbnParserOptions {
  /** Input is a fragment: records without a metadata header. */
  fragment?: boolean;
  /** For fragments only (no metadata to say so): records end with a u64 ts_out. */
  tsOut?: boolean;
}

// The largest record is 255 words; a partial record never needs more than this.
const MAX_RECORD_SIZE = 255 * 4;

/**
 * Push-based DBN decoder: feed it chunks of any size (raw or zstd, detected from the first bytes) and it
 * hands whole records to a sink. Memory is bounded: only the metadata and at most one partial record
 * (< 1 KiB) are buffered between chunks; records inside a chunk are processed in place.
 */
export class DbnParser {
  /** The metadata, once decoded (always undefined for fragments). */
  metadata: DatabentoMetadata | undefined;
  private readonly sink: DbnRecordSink;
  private readonly fragment: boolean;
  private tsOut: boolean;
  private inputStage: 'sniffing' | 'raw' | 'zstd' = 'sniffing';
  private sniffBuffer: Uint8Array = new Uint8Array(0);
  private decompressor: ZstdStreamDecompressor | undefined;
  private compressedOffset = 0;
  private metadataChunks: Uint8Array[] = [];
  private metadataBytes = 0;
  private metadataSize = -1;
  private readonly partialRecord = new Uint8Array(MAX_RECORD_SIZE);
  private readonly partialView = new DataView(this.partialRecord.buffer);
  private partialLength = 0;
  /** Offset in the decompressed stream of the next byte not yet handed to the sink. */
  private streamOffset = 0;

  constructor(sink: DbnRecordSink, options: DbnParserOptions = {}) {
    this.sink = sink;
    this.fragment = options.fragment ?? false;
    this.tsOut = options.tsOut ?? false;
  }

  /** Feeds the next chunk of input (compressed or not). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.inputStage === 'sniffing') {
      // Four bytes decide between zstd and raw DBN; keep them until they arrive.
      const joined = concatBytes(this.sniffBuffer, chunk);
      if (joined.length < 4) {
        this.sniffBuffer = joined;
        return;
      }
      this.sniffBuffer = new Uint8Array(0);
      if (startsWithZstdMagic(joined)) {
        this.inputStage = 'zstd';
        this.decompressor = createZstdStreamDecompressor((decompressed) => this.pushDecoded(decompressed));
      } else {
        this.inputStage = 'raw';
      }
      chunk = joined;
    }
    if (this.inputStage === 'zstd') {
      try {
        this.decompressor!.push(chunk);
      } catch (error) {
        throw this.wrapZstdError(error);
      }
      this.compressedOffset += chunk.length;
    } else {
      this.pushDecoded(chunk);
    }
  }

  /** Signals the end of input; throws {@link DbnDecodeError} if the input ended mid-metadata or mid-record. */
  finish(): void {
    if (this.inputStage === 'sniffing') {
      const pending = this.sniffBuffer;
      this.inputStage = 'raw';
      this.sniffBuffer = new Uint8Array(0);
      this.pushDecoded(pending);
    } else if (this.inputStage === 'zstd') {
      try {
        this.decompressor!.finish();
      } catch (error) {
        throw this.wrapZstdError(error);
      }
    }
    if (!this.fragment && this.metadata === undefined) {
      throw new DbnDecodeError(
        this.metadataBytes === 0
          ? 'Empty DBN input: no metadata header. Pass `fragment: true` for record fragments.'
          : `Truncated DBN metadata: input ended after ${this.metadataBytes} bytes.`,
        { byteOffset: this.metadataBytes },
      );
    }
    if (this.partialLength > 0) {
      throw new DbnDecodeError(
        `Truncated DBN record: input ended ${this.partialLength} bytes into a record of ${this.partialRecord[0]! * 4} bytes.`,
        { byteOffset: this.streamOffset, rtype: this.partialLength > 1 ? this.partialRecord[1] : undefined },
      );
    }
  }

  private wrapZstdError(error: unknown): DbnDecodeError {
    if (DbnDecodeError.isInstance(error)) return error;
    return new DbnDecodeError(
      `Corrupt zstd data near compressed byte ${this.compressedOffset}: ${error instanceof Error ? error.message : String(error)}`,
      { byteOffset: this.streamOffset, cause: error },
    );
  }

  private pushDecoded(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (!this.fragment && this.metadata === undefined) {
      const rest = this.collectMetadata(chunk);
      if (rest === undefined) return;
      chunk = rest;
    }
    this.pushRecords(chunk);
  }

  /** Buffers metadata bytes; once complete, decodes them and returns the bytes after the metadata. */
  private collectMetadata(chunk: Uint8Array): Uint8Array | undefined {
    this.metadataChunks.push(chunk);
    this.metadataBytes += chunk.length;
    if (this.metadataSize < 0 && this.metadataBytes >= METADATA_PRELUDE_SIZE) {
      this.metadataChunks = [concatAll(this.metadataChunks, this.metadataBytes)];
      this.metadataSize = readMetadataPrelude(this.metadataChunks[0]!);
    }
    if (this.metadataSize < 0 || this.metadataBytes < this.metadataSize) return undefined;
    const all = concatAll(this.metadataChunks, this.metadataBytes);
    this.metadataChunks = [];
    this.metadata = decodeMetadata(all.subarray(0, this.metadataSize));
    this.tsOut = this.metadata.tsOut;
    this.streamOffset = this.metadataSize;
    return all.subarray(this.metadataSize);
  }

  private pushRecords(chunk: Uint8Array): void {
    let offset = 0;
    if (this.partialLength > 0) {
      // Complete the record split across chunks in the small side buffer, then hand it over alone.
      const size = this.partialRecord[0]! * 4;
      const take = Math.min(size - this.partialLength, chunk.length);
      this.partialRecord.set(chunk.subarray(0, take), this.partialLength);
      this.partialLength += take;
      offset = take;
      if (this.partialLength < size) return;
      this.sink.onRecords(this.partialRecord, this.partialView, 0, size, this.streamOffset, this.tsOut);
      this.streamOffset += size;
      this.partialLength = 0;
    }
    let position = offset;
    const length = chunk.length;
    while (position < length) {
      const size = chunk[position]! * 4;
      if (size < RECORD_HEADER_SIZE) {
        throw new DbnDecodeError(
          `Corrupt DBN record: header length ${size} bytes is shorter than the 16-byte record header.`,
          {
            byteOffset: this.streamOffset + (position - offset),
            rtype: position + 1 < length ? chunk[position + 1] : undefined,
          },
        );
      }
      if (position + size > length) break;
      position += size;
    }
    if (position > offset) {
      const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.sink.onRecords(chunk, view, offset, position, this.streamOffset, this.tsOut);
      this.streamOffset += position - offset;
    }
    if (position < length) {
      this.partialRecord.set(chunk.subarray(position), 0);
      this.partialLength = length - position;
    }
  }
}

function concatBytes(first: Uint8Array, second: Uint8Array): Uint8Array {
  if (first.length === 0) return second;
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first, 0);
  joined.set(second, first.length);
  return joined;
}

function concatAll(chunks: Uint8Array[], totalLength: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const joined = new Uint8Array(totalLength);
  let position = 0;
  for (const chunk of chunks) {
    joined.set(chunk, position);
    position += chunk.length;
  }
  return joined;
}
