import { LbError } from '@lb/core';

const packageNotAvailableMarker = Symbol.for('lb.error.PackageNotAvailableError');

/** A data-source (or other optional) package the command needs is not installed. */
export class PackageNotAvailableError extends LbError {
  private readonly [packageNotAvailableMarker] = true;
  /** The npm package to add, e.g. `@lb/databento`. */
  readonly packageName: string;
  constructor(message: string, options: { packageName: string; cause?: unknown }) {
    super(message, options);
    this.name = 'PackageNotAvailableError';
    this.packageName = options.packageName;
  }
  static override isInstance(error: unknown): error is PackageNotAvailableError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[packageNotAvailableMarker] === true
    );
  }
}
