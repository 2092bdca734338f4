import { DataSourceError, type LbErrorOptions } from '@lb/core';

const dbnFileErrorMarker = Symbol.for('lb.error.DbnFileError');

/**
 * A file of a DBN folder could not be read or decoded (corrupt, truncated, not DBN, unreadable). The
 * message and `filePath` name the file; `cause` is the underlying error (often a `DbnDecodeError`).
 */
export class DbnFileError extends DataSourceError {
  private readonly [dbnFileErrorMarker] = true;
  /** Absolute path of the offending file (or folder, when the folder itself cannot be read). */
  readonly filePath: string;
  constructor(message: string, options: LbErrorOptions & { sourceId: string; filePath: string }) {
    super(message, { ...options, isRetryable: false });
    this.name = 'DbnFileError';
    this.filePath = options.filePath;
  }
  /** True when `error` is a {@link DbnFileError} from any copy of @lb/dbn-files. */
  static override isInstance(error: unknown): error is DbnFileError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[dbnFileErrorMarker] === true
    );
  }
}
