import { LbError, type LbErrorOptions } from '@lb/core';

const corruptStateMarker = Symbol.for('lb.error.PaperBrokerStateError');

/**
 * A paper broker's state file exists but cannot be used: not JSON, or not the shape this version writes.
 * The broker never starts from a state it cannot trust (it could fill an order twice); move the file away
 * to start a fresh account, or restore a backup.
 */
export class PaperBrokerStateError extends LbError {
  private readonly [corruptStateMarker] = true;
  /** The state file that failed to load. */
  readonly stateFile: string;
  constructor(message: string, options: LbErrorOptions & { stateFile: string }) {
    super(message, options);
    this.name = 'PaperBrokerStateError';
    this.stateFile = options.stateFile;
  }
  static override isInstance(error: unknown): error is PaperBrokerStateError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[corruptStateMarker] === true
    );
  }
}
