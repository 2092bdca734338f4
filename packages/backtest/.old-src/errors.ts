import { LbError, type LbErrorOptions } from '@lb/core';

// Same convention as @lb/core: a Symbol.for marker so isInstance works across duplicate installs.
const missingInstrumentMarker = Symbol.for('lb.error.MissingInstrumentSpecError');

function hasMarker(error: unknown, marker: symbol): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
}

/**
 * A futures contract's multiplier or tick size is unknown: the data source has no instrument spec for it and
 * no `instruments` override was given. Never defaulted to 1, which would silently scale P&L wrongly.
 */
export class MissingInstrumentSpecError extends LbError {
  private readonly [missingInstrumentMarker] = true;
  /** The asset key (`future:MESH2025`, `continuous_future:MES`). */
  readonly asset: string;
  constructor(message: string, options: LbErrorOptions & { asset: string }) {
    super(message, options);
    this.name = 'MissingInstrumentSpecError';
    this.asset = options.asset;
  }
  static override isInstance(error: unknown): error is MissingInstrumentSpecError {
    return hasMarker(error, missingInstrumentMarker);
  }
}
