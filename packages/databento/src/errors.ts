import { LbError, type LbErrorOptions } from '@lb/core';

const costLimitExceededMarker = Symbol.for('lb.error.CostLimitExceededError');

/** The request a cost estimate was made for, as sent to `metadata.get_cost` (never the API key). */
export interface DatabentoCostedRequest {
  readonly dataset: string;
  readonly schema: string;
  readonly symbols: readonly string[];
  readonly stypeIn: string;
  readonly start: Date;
  readonly end: Date;
  readonly limit?: number;
}

/**
 * A download was refused before it started because Databento's own cost estimate for it is above the
 * configured `maxCostUsd`. Nothing was downloaded and nothing was billed.
 */
export class CostLimitExceededError extends LbError {
  private readonly [costLimitExceededMarker] = true;
  /** Databento's estimate for the request, in USD. */
  readonly estimatedCostUsd: number;
  /** The configured limit, in USD. */
  readonly maxCostUsd: number;
  /** The refused request. */
  readonly request: DatabentoCostedRequest;
  constructor(
    message: string,
    options: LbErrorOptions & {
      estimatedCostUsd: number;
      maxCostUsd: number;
      request: DatabentoCostedRequest;
    },
  ) {
    super(message, options);
    this.name = 'CostLimitExceededError';
    this.estimatedCostUsd = options.estimatedCostUsd;
    this.maxCostUsd = options.maxCostUsd;
    this.request = options.request;
  }
  /** True when `error` is a {@link CostLimitExceededError} from any copy of @lb/databento. */
  static override isInstance(error: unknown): error is CostLimitExceededError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[costLimitExceededMarker] === true
    );
  }
}
