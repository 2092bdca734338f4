import { DataSourceApiError, type LbErrorOptions } from '@lb/core';

const corruptResponseMarker = Symbol.for('lb.error.DatabentoCorruptResponseError');

/**
 * A response arrived complete (the transport reported no error and the length matched) but its bytes do
 * not decode. It is not retried: the same request would be billed again for the same bytes. The body is
 * kept at `bodyPath` for inspection (or a bug report).
 */
export class DatabentoCorruptResponseError extends DataSourceApiError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: read by isInstance through the symbol
  private readonly [corruptResponseMarker] = true;
  /** Where the received body was saved, or undefined when it could not be written. */
  readonly bodyPath: string | undefined;
  /** Body bytes received (as sent on the wire, compressed). */
  readonly bytes: number;
  constructor(
    message: string,
    options: LbErrorOptions & {
      url: string;
      statusCode: number;
      bodyPath: string | undefined;
      bytes: number;
    },
  ) {
    super(message, {
      ...options,
      sourceId: 'databento',
      isRetryable: false,
    });
    this.name = 'DatabentoCorruptResponseError';
    this.bodyPath = options.bodyPath;
    this.bytes = options.bytes;
  }
  /** True when `error` is a {@link DatabentoCorruptResponseError} from any copy of @lb/databento. */
  static override isInstance(error: unknown): error is DatabentoCorruptResponseError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[corruptResponseMarker] === true
    );
  }
}

const retryAfterTooLongMarker = Symbol.for('lb.error.RetryAfterTooLongError');

/**
 * Databento answered 429 with a `Retry-After` longer than the `maxRetryAfterMs` setting: the request fails
 * at once instead of sleeping silently for that long.
 */
export class RetryAfterTooLongError extends DataSourceApiError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: read by isInstance through the symbol
  private readonly [retryAfterTooLongMarker] = true;
  /** The wait Databento asked for, in ms. */
  readonly retryAfterMs: number;
  /** The configured cap, in ms. */
  readonly maxRetryAfterMs: number;
  constructor(
    message: string,
    options: LbErrorOptions & {
      url: string;
      statusCode: number;
      retryAfterMs: number;
      maxRetryAfterMs: number;
    },
  ) {
    super(message, { ...options, sourceId: 'databento', isRetryable: false });
    this.name = 'RetryAfterTooLongError';
    this.retryAfterMs = options.retryAfterMs;
    this.maxRetryAfterMs = options.maxRetryAfterMs;
  }
  /** True when `error` is a {@link RetryAfterTooLongError} from any copy of @lb/databento. */
  static override isInstance(error: unknown): error is RetryAfterTooLongError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[retryAfterTooLongMarker] === true
    );
  }
}
