import { LbError, type LbErrorOptions } from '@lb/core';

const invalidSweepMarker = Symbol.for('lb.error.InvalidSweepError');
/** A sweep's settings or parameter grid are malformed; `issues` lists each problem with its path. */
export class InvalidSweepError extends LbError {
  private readonly [invalidSweepMarker] = true;
  /** One entry per problem: where (`grid.fast[1]`) and what. */
  readonly issues: ReadonlyArray<{ readonly path: string; readonly message: string }>;
  constructor(
    message: string,
    options: LbErrorOptions & { issues?: ReadonlyArray<{ path: string; message: string }> } = {},
  ) {
    super(message, options);
    this.name = 'InvalidSweepError';
    this.issues = options.issues ?? [];
  }
  static override isInstance(error: unknown): error is InvalidSweepError {
    return hasMarker(error, invalidSweepMarker);
  }
}

const strategyNotAllowedMarker = Symbol.for('lb.error.StrategyNotAllowedError');
/**
 * A job named strategy code this worker was not given at start, or whose content differs from what the
 * submitter hashed. Workers never import a path that comes from job data.
 */
export class StrategyNotAllowedError extends LbError {
  private readonly [strategyNotAllowedMarker] = true;
  /** The strategy name the job asked for. */
  readonly strategyName: string;
  constructor(message: string, options: LbErrorOptions & { strategyName: string }) {
    super(message, options);
    this.name = 'StrategyNotAllowedError';
    this.strategyName = options.strategyName;
  }
  static override isInstance(error: unknown): error is StrategyNotAllowedError {
    return hasMarker(error, strategyNotAllowedMarker);
  }
}

const sweepFailedMarker = Symbol.for('lb.error.SweepFailedError');
/** A parameter set failed after its retries, so the sweep could not produce every result. */
export class SweepFailedError extends LbError {
  private readonly [sweepFailedMarker] = true;
  /** Index of the failed parameter set in the sweep, when known. */
  readonly parameterSetIndex: number | undefined;
  constructor(message: string, options: LbErrorOptions & { parameterSetIndex?: number } = {}) {
    super(message, options);
    this.name = 'SweepFailedError';
    this.parameterSetIndex = options.parameterSetIndex;
  }
  static override isInstance(error: unknown): error is SweepFailedError {
    return hasMarker(error, sweepFailedMarker);
  }
}

function hasMarker(error: unknown, marker: symbol): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
}
