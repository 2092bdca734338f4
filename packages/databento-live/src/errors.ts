import { LbError, type LbErrorOptions } from '@lb/core';

/**
 * Why a live session failed. `authentication_failed` and `connection_limit` are fatal (no retry loop);
 * the others are retried with backoff until `maxReconnectAttempts` is exhausted.
 */
export type DatabentoLiveErrorCode =
  | 'authentication_failed'
  | 'connection_limit'
  | 'connect_timeout'
  | 'greeting_timeout'
  | 'heartbeat_timeout'
  | 'connection_closed'
  | 'protocol'
  | 'gateway_error'
  | 'reconnect_exhausted';

const marker = Symbol.for('lb.error.DatabentoLiveError');

/** A Databento Live session failed. The message never contains the API key. */
export class DatabentoLiveError extends LbError {
  private readonly [marker] = true;
  /** What went wrong, for programs (see {@link DatabentoLiveErrorCode}). */
  readonly code: DatabentoLiveErrorCode;
  /** Whether reconnecting may succeed; false for a rejected key or the connection limit. */
  readonly isRetryable: boolean;
  /** The gateway address (`host:port`), never with credentials. */
  readonly gateway: string;
  constructor(
    message: string,
    options: LbErrorOptions & { code: DatabentoLiveErrorCode; gateway: string; isRetryable?: boolean },
  ) {
    super(message, options);
    this.name = 'DatabentoLiveError';
    this.code = options.code;
    this.gateway = options.gateway;
    this.isRetryable =
      options.isRetryable ??
      !['authentication_failed', 'connection_limit', 'reconnect_exhausted'].includes(options.code);
  }
  static override isInstance(error: unknown): error is DatabentoLiveError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}
