import type { DatabentoErrorRecord, DatabentoSystemRecord } from '@lb/dbn';

/** Kinds of gateway system messages (DBN `SystemMsg` codes 0-4). */
export type DatabentoLiveSystemKind =
  | 'heartbeat'
  | 'subscription_ack'
  | 'slow_reader_warning'
  | 'replay_completed'
  | 'end_of_interval'
  | 'unknown';

/** Kinds of gateway error messages (DBN `ErrorMsg` codes 1-7). */
export type DatabentoLiveGatewayErrorKind =
  | 'auth_failed'
  | 'api_key_deactivated'
  | 'connection_limit_exceeded'
  | 'symbol_resolution_failed'
  | 'invalid_subscription'
  | 'internal_error'
  | 'skipped_records_after_slow_reading'
  | 'unknown';

/** A system message from the gateway. */
export interface DatabentoLiveSystemMessage {
  readonly kind: DatabentoLiveSystemKind;
  /** The gateway's text; match on `kind`, never on text. */
  readonly message: string;
  /** For `end_of_interval`: the interval's exclusive end, UTC ns. */
  readonly tsEventNanos: bigint;
}

/** An error message from the gateway (the session may continue, e.g. after a symbol resolution failure). */
export interface DatabentoLiveGatewayError {
  readonly kind: DatabentoLiveGatewayErrorKind;
  readonly message: string;
}

const SYSTEM_KINDS: readonly DatabentoLiveSystemKind[] = [
  'heartbeat',
  'subscription_ack',
  'slow_reader_warning',
  'replay_completed',
  'end_of_interval',
];

const ERROR_KINDS: readonly DatabentoLiveGatewayErrorKind[] = [
  'unknown',
  'auth_failed',
  'api_key_deactivated',
  'connection_limit_exceeded',
  'symbol_resolution_failed',
  'invalid_subscription',
  'internal_error',
  'skipped_records_after_slow_reading',
];

/** Classifies a system record; code 255 (v1 style) is a heartbeat iff its text is `Heartbeat`. */
export function toSystemMessage(record: DatabentoSystemRecord): DatabentoLiveSystemMessage {
  const code = (record as { code?: number }).code ?? 255;
  const kind = SYSTEM_KINDS[code] ?? (record.msg === 'Heartbeat' ? 'heartbeat' : 'unknown');
  return { kind, message: record.msg, tsEventNanos: record.tsEvent };
}

/** Classifies an error record by its code. */
export function toGatewayError(record: DatabentoErrorRecord): DatabentoLiveGatewayError {
  const code = (record as { code?: number }).code ?? 255;
  return { kind: ERROR_KINDS[code] ?? 'unknown', message: record.err };
}

/** The rtype of each live schema's data records, to find where a resubscription's replay starts. */
export const RTYPE_BY_SCHEMA: Readonly<Record<string, number>> = {
  mbo: 0xa0,
  'mbp-1': 0x01,
  'mbp-10': 0x0a,
  tbbo: 0x01,
  trades: 0x00,
  'ohlcv-1s': 0x20,
  'ohlcv-1m': 0x21,
  'ohlcv-1h': 0x22,
  'ohlcv-1d': 0x23,
  'ohlcv-eod': 0x24,
  definition: 0x13,
  statistics: 0x18,
  status: 0x12,
  imbalance: 0x14,
  'cmbp-1': 0xb1,
  'cbbo-1s': 0xc0,
  'cbbo-1m': 0xc1,
  tcbbo: 0xc2,
  'bbo-1s': 0xc3,
  'bbo-1m': 0xc4,
};
