import { type DatabentoAnyVersionRecord, type DatabentoMetadata, DbnParser, decodeDbn } from '@lb/dbn';
import { DatabentoLiveError } from './errors.js';

/**
 * Live metadata carries no symbol lists, so it is a few hundred bytes; anything claiming more than this
 * is hostile or corrupt and must not make the parser buffer it.
 */
const MAX_LIVE_METADATA_BYTES = 1024 * 1024;

/**
 * Incremental DBN decoding for a socket: `push` bytes as they arrive and get the records completed by
 * them, upgraded to the v3 layouts. Wraps the codec's push parser (`DbnParser`); the codec exports no
 * per-record decoder, so each run of whole records is decoded as a fragment.
 */
export class LiveRecordDecoder {
  readonly #parser: DbnParser;
  #records: DatabentoAnyVersionRecord[] = [];
  #checkedPrelude = false;
  #prelude = new Uint8Array(0);
  readonly #gateway: string;

  constructor(gateway: string) {
    this.#gateway = gateway;
    this.#parser = new DbnParser({
      onRecords: (bytes, _view, start, end, _streamOffset, tsOut) => {
        // The gateway sends DBN v3; older versions are upgraded so consumers see one set of layouts.
        const upgrade = (this.#parser.metadata?.version ?? 3) < 3;
        const { records } = decodeDbn(bytes.subarray(start, end), { fragment: true, tsOut, upgrade });
        for (const record of records) this.#records.push(record);
      },
    });
  }

  /** The session's metadata header once decoded. */
  get metadata(): DatabentoMetadata | undefined {
    return this.#parser.metadata;
  }

  /**
   * Decodes `chunk` and returns the records it completed (possibly none).
   * @throws DatabentoLiveError (code `protocol`) for bytes that are not a DBN stream.
   */
  push(chunk: Uint8Array): DatabentoAnyVersionRecord[] {
    if (!this.#checkedPrelude) this.#checkPrelude(chunk);
    try {
      this.#parser.push(chunk);
    } catch (error) {
      this.#records = [];
      throw new DatabentoLiveError(
        `The live gateway sent bytes that are not valid DBN: ${error instanceof Error ? error.message : String(error)}`,
        { code: 'protocol', gateway: this.#gateway, cause: error },
      );
    }
    const records = this.#records;
    this.#records = [];
    return records;
  }

  #checkPrelude(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.#prelude.length + chunk.length);
    joined.set(this.#prelude, 0);
    joined.set(chunk, this.#prelude.length);
    if (joined.length < 8) {
      this.#prelude = joined;
      return;
    }
    this.#checkedPrelude = true;
    this.#prelude = new Uint8Array(0);
    const isDbn = joined[0] === 0x44 && joined[1] === 0x42 && joined[2] === 0x4e;
    const length = new DataView(joined.buffer, joined.byteOffset, 8).getUint32(4, true);
    if (!isDbn || length > MAX_LIVE_METADATA_BYTES) {
      throw new DatabentoLiveError(
        isDbn
          ? `The live gateway announced a ${length}-byte DBN metadata header (at most ${MAX_LIVE_METADATA_BYTES} expected).`
          : 'The live gateway did not start its stream with a DBN metadata header.',
        { code: 'protocol', gateway: this.#gateway },
      );
    }
  }
}
