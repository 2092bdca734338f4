import { LbError, type LbErrorOptions } from '@lb/core';

const dbnDecodeErrorMarker = Symbol.for('lb.error.DbnDecodeError');

/**
 * DBN bytes could not be decoded: truncated or corrupt input, an unsupported version, or a record whose
 * length does not fit its record type. Carries the position in the decompressed DBN stream.
 */
export class DbnDecodeError extends LbError {
  private readonly [dbnDecodeErrorMarker] = true;
  /** Offset in the decompressed DBN byte stream where the problem was found. */
  readonly byteOffset: number;
  /** Record type (`rtype`) of the offending record, or undefined when the problem is in the metadata. */
  readonly rtype: number | undefined;
  constructor(message: string, options: LbErrorOptions & { byteOffset: number; rtype?: number }) {
    super(message, options);
    this.name = 'DbnDecodeError';
    this.byteOffset = options.byteOffset;
    this.rtype = options.rtype;
  }
  /** True when `error` is a {@link DbnDecodeError} from any copy of @lb/databento. */
  static override isInstance(error: unknown): error is DbnDecodeError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[dbnDecodeErrorMarker] === true
    );
  }
}
