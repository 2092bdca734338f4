import { type DbnSource, iterateSourceChunks } from './byte-source.js';
import { DbnDecodeError } from './dbn-decode-error.js';
import { DbnParser, type DbnParserOptions, type DbnRecordSink } from './dbn-parser.js';
import type { DatabentoMetadata } from './metadata.js';
import { type DecodedRecord, decodeRecordAt } from './record-decoder.js';
import type { DatabentoAnyVersionRecord } from './record-types.js';
import { upgradeDecodedRecord, upgradeMetadata } from './upgrade.js';
import { decompressZstdSync, startsWithZstdMagic } from './zstd.js';

/** Options of the record decoders. */
export interface DbnDecodeOptions extends DbnParserOptions {
  /**
   * Upgrade v1/v2 records and metadata to the v3 layouts, as `dbn --upgrade` does. Defaults to false:
   * records come out as stored.
   */
  upgrade?: boolean;
}

/** Collects decoded records (with their layouts) from the parser into a batch. */
export class RecordBatchSink implements DbnRecordSink {
  batch: DecodedRecord[] = [];
  constructor(private readonly upgrade: boolean) {}

  onRecords(
    bytes: Uint8Array,
    view: DataView,
    start: number,
    end: number,
    streamOffset: number,
    tsOut: boolean,
  ): void {
    for (let position = start; position < end; ) {
      const size = bytes[position]! * 4;
      const decoded = decodeRecordAt(bytes, view, position, tsOut, streamOffset + position - start);
      if (decoded !== undefined) this.batch.push(this.upgrade ? upgradeDecodedRecord(decoded) : decoded);
      position += size;
    }
  }

  take(): DecodedRecord[] {
    const batch = this.batch;
    this.batch = [];
    return batch;
  }
}

/**
 * Decodes a whole in-memory DBN buffer (raw or zstd) synchronously. Unknown record types are skipped.
 * Throws {@link DbnDecodeError} on truncated or corrupt input.
 */
export function decodeDbn(
  bytes: Uint8Array,
  options: DbnDecodeOptions = {},
): { metadata: DatabentoMetadata | undefined; records: DatabentoAnyVersionRecord[] } {
  const { metadata, records } = decodeDbnWithLayouts(bytes, options);
  return { metadata, records: records.map((decoded) => decoded.record) };
}

/** Like {@link decodeDbn} but keeps each record's layout (used for JSON output). */
export function decodeDbnWithLayouts(
  bytes: Uint8Array,
  options: DbnDecodeOptions = {},
): { metadata: DatabentoMetadata | undefined; records: DecodedRecord[] } {
  const sink = new RecordBatchSink(options.upgrade ?? false);
  const parser = new DbnParser(sink, options);
  parser.push(startsWithZstdMagic(bytes) ? decompressWholeBuffer(bytes) : bytes);
  parser.finish();
  const metadata = parser.metadata && options.upgrade ? upgradeMetadata(parser.metadata) : parser.metadata;
  return { metadata, records: sink.take() };
}

function decompressWholeBuffer(bytes: Uint8Array): Uint8Array {
  try {
    return decompressZstdSync(bytes);
  } catch (error) {
    throw new DbnDecodeError(`Corrupt zstd data: ${error instanceof Error ? error.message : String(error)}`, {
      byteOffset: 0,
      cause: error,
    });
  }
}

/** An open DBN stream: the metadata is decoded; records are read on demand, one consumer only. */
export interface DbnRecordStream {
  /** The metadata (upgraded when `upgrade` is set), or undefined for fragments. */
  readonly metadata: DatabentoMetadata | undefined;
  /** Records one by one. */
  records(): AsyncGenerator<DatabentoAnyVersionRecord>;
  /** Records in batches (one per decoded input chunk), cheaper than one await per record. */
  batches(): AsyncGenerator<DatabentoAnyVersionRecord[]>;
  /** Batches with each record's layout, for byte-exact JSON output. */
  decodedBatches(): AsyncGenerator<DecodedRecord[]>;
  /** Stops reading and releases the source (e.g. closes the file) without consuming the records. */
  close(): Promise<void>;
}

/**
 * Opens a DBN stream from a file path, buffer, Node `Readable`, web `ReadableStream` or async iterable of
 * chunks, raw or zstd (any number of frames). Resolves once the metadata is decoded. Memory stays bounded
 * by the chunk size: records are decoded chunk by chunk as the caller iterates.
 */
export async function openDbnStream(
  source: DbnSource,
  options: DbnDecodeOptions = {},
): Promise<DbnRecordStream> {
  const sink = new RecordBatchSink(options.upgrade ?? false);
  const opened = await openWithSink(source, options, sink, () => sink.take());
  const metadata = opened.metadata && options.upgrade ? upgradeMetadata(opened.metadata) : opened.metadata;
  async function* decodedBatches(): AsyncGenerator<DecodedRecord[]> {
    for await (const batch of opened.batches) if (batch.length > 0) yield batch;
  }
  return {
    metadata,
    decodedBatches,
    close: opened.close,
    async *batches() {
      for await (const batch of decodedBatches()) yield batch.map((decoded) => decoded.record);
    },
    async *records() {
      for await (const batch of decodedBatches()) for (const decoded of batch) yield decoded.record;
    },
  };
}

/**
 * Drives a {@link DbnParser} over a source with any sink: reads chunks until the metadata is decoded, then
 * exposes the remaining input as an async generator of batches taken from the sink after each chunk.
 */
export async function openWithSink<Batch>(
  source: DbnSource,
  options: DbnParserOptions,
  sink: DbnRecordSink,
  takeBatch: () => Batch,
): Promise<{
  metadata: DatabentoMetadata | undefined;
  batches: AsyncGenerator<Batch>;
  close(): Promise<void>;
}> {
  const parser = new DbnParser(sink, options);
  const chunks = iterateSourceChunks(source)[Symbol.asyncIterator]();
  let finished = false;
  try {
    // Read until the metadata is known (fragments need no reading up front).
    while (!options.fragment && parser.metadata === undefined) {
      const next = await chunks.next();
      if (next.done) {
        finished = true;
        parser.finish();
        break;
      }
      parser.push(next.value);
    }
  } catch (error) {
    if (!finished) await chunks.return?.(undefined);
    throw error;
  }
  async function* batches(): AsyncGenerator<Batch> {
    try {
      // Records that arrived in the same chunk as the end of the metadata.
      yield takeBatch();
      while (!finished) {
        const next = await chunks.next();
        if (next.done) {
          finished = true;
          parser.finish();
        } else {
          parser.push(next.value);
        }
        yield takeBatch();
      }
    } finally {
      if (!finished) await chunks.return?.(undefined);
    }
  }
  return {
    metadata: parser.metadata,
    batches: batches(),
    close: async () => {
      if (!finished) {
        finished = true;
        await chunks.return?.(undefined);
      }
    },
  };
}
