// Reads the row count of an Arrow IPC file from its footer and record batch headers without decoding the
// file: a few flatbuffer lookups per batch, so every warm read can check the manifest's rowCount against
// the file itself. Layouts (Arrow format, File.fbs / Message.fbs / Schema.fbs):
//   file   = "ARROW1" 00 00 | messages... | footer flatbuffer | int32 footer length | "ARROW1"
//   Footer { version: short (0); schema (1); dictionaries: [Block] (2); recordBatches: [Block] (3) }
//   Block  = struct { offset: long; metaDataLength: int; (4 bytes padding) bodyLength: long }  (24 bytes)
//   at Block.offset: 0xFFFFFFFF continuation, int32 metadata size, then a Message flatbuffer
//   Message { version (0); header_type: ubyte (1); header (2); bodyLength (3) }, RecordBatch { length: long (0) }

const MAGIC_LENGTH = 6;
const BLOCK_SIZE = 24;
const RECORD_BATCH_HEADER_TYPE = 3;
const CONTINUATION = 0xffffffff;

/** Bounds-checked flatbuffer reads over one byte range; any out-of-range read throws {@link OutOfRange}. */
class FlatbufferView {
  readonly #view: DataView;
  constructor(bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.#view.byteLength;
  }

  #check(position: number, size: number): void {
    if (!Number.isInteger(position) || position < 0 || position + size > this.#view.byteLength) {
      throw new OutOfRange();
    }
  }
  uint8(position: number): number {
    this.#check(position, 1);
    return this.#view.getUint8(position);
  }
  uint16(position: number): number {
    this.#check(position, 2);
    return this.#view.getUint16(position, true);
  }
  int32(position: number): number {
    this.#check(position, 4);
    return this.#view.getInt32(position, true);
  }
  uint32(position: number): number {
    this.#check(position, 4);
    return this.#view.getUint32(position, true);
  }
  int64(position: number): number {
    this.#check(position, 8);
    const value = this.#view.getBigInt64(position, true);
    if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new OutOfRange();
    return Number(value);
  }

  /** Position of the root table of a flatbuffer starting at `start`. */
  root(start: number): number {
    return start + this.uint32(start);
  }
  /** Absolute position of field `index` of the table at `table`, or undefined when absent. */
  field(table: number, index: number): number | undefined {
    const vtable = table - this.int32(table);
    const vtableSize = this.uint16(vtable);
    const slot = 4 + 2 * index;
    if (slot + 2 > vtableSize) return undefined;
    const offset = this.uint16(vtable + slot);
    return offset === 0 ? undefined : table + offset;
  }
  /** Follows the reference (table or vector) stored at `position`. */
  reference(position: number): number {
    return position + this.uint32(position);
  }
}

class OutOfRange extends Error {}

/**
 * The number of rows in an Arrow IPC file (the sum of its record batches' lengths), or undefined when the
 * footer or a batch header is missing, out of bounds or inconsistent. Never throws on hostile bytes.
 */
export function readArrowRowCount(bytes: Uint8Array): number | undefined {
  try {
    const view = new FlatbufferView(bytes);
    const footerLengthAt = view.length - MAGIC_LENGTH - 4;
    const footerLength = view.int32(footerLengthAt);
    const footerStart = footerLengthAt - footerLength;
    if (footerLength <= 0 || footerStart < 8) return undefined;
    const footer = view.root(footerStart);
    const batchesField = view.field(footer, 3);
    if (batchesField === undefined) return 0;
    const batches = view.reference(batchesField);
    const count = view.uint32(batches);
    if (count * BLOCK_SIZE > view.length) return undefined;
    let rows = 0;
    for (let index = 0; index < count; index++) {
      const block = batches + 4 + index * BLOCK_SIZE;
      const offset = view.int64(block);
      const rowsInBatch = readRecordBatchLength(view, offset);
      if (rowsInBatch === undefined) return undefined;
      rows += rowsInBatch;
    }
    return rows;
  } catch (error) {
    if (error instanceof OutOfRange) return undefined;
    throw error;
  }
}

function readRecordBatchLength(view: FlatbufferView, offset: number): number | undefined {
  if (view.uint32(offset) !== CONTINUATION) return undefined;
  const metadataLength = view.int32(offset + 4);
  if (metadataLength <= 0 || offset + 8 + metadataLength > view.length) return undefined;
  const message = view.root(offset + 8);
  const headerTypeField = view.field(message, 1);
  if (headerTypeField === undefined || view.uint8(headerTypeField) !== RECORD_BATCH_HEADER_TYPE)
    return undefined;
  const headerField = view.field(message, 2);
  if (headerField === undefined) return undefined;
  const recordBatch = view.reference(headerField);
  const lengthField = view.field(recordBatch, 0);
  return lengthField === undefined ? 0 : view.int64(lengthField);
}
