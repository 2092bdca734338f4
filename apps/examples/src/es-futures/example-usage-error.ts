import { LbError } from '@lb/core';

const exampleUsageErrorMarker = Symbol.for('lb.error.ExampleUsageError');

/** Something the person running the example must change (a package to add, `--yes` to pass): exit 2. */
export class ExampleUsageError extends LbError {
  private readonly [exampleUsageErrorMarker] = true;
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'ExampleUsageError';
  }
  static override isInstance(error: unknown): error is ExampleUsageError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[exampleUsageErrorMarker] === true
    );
  }
}
