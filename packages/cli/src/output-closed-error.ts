import { LbError } from '@lb/core';

const outputClosedMarker = Symbol.for('lb.error.OutputClosedError');

/**
 * Standard output was closed by its reader (`lb dbn decode FILE | head`). Thrown by the next write so the
 * command stops producing output nobody reads; `runCli` ends with exit code 0, like other Unix tools.
 */
export class OutputClosedError extends LbError {
  private readonly [outputClosedMarker] = true;
  constructor(options: { cause?: unknown } = {}) {
    super('standard output was closed by its reader', options);
    this.name = 'OutputClosedError';
  }
  static override isInstance(error: unknown): error is OutputClosedError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[outputClosedMarker] === true
    );
  }
}
