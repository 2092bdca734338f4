import {
  currentLayoutForRType,
  type DatabentoMetadataInput,
  type DatabentoRecord,
  DatabentoRType,
  encodeOhlcvColumns,
  PRICE_UNITS_PER_ONE,
  resolvedFieldsOf,
  UNDEF_PRICE,
} from '@lb/dbn';
import { NANOS_PER_DAY, toNanos } from './mock-instants.js';
import type { MockDatabentoBar, MockDatabentoDefinition } from './mock-types.js';

export const OHLCV_RECORD_BYTES = 56;
export const DEFINITION_RECORD_BYTES = 520;
export const UNDEF_TIMESTAMP = 18446744073709551615n;

/** A v3 record of `rtype` with every field zeroed, to be filled in. */
export function blankRecord(rtype: number): Record<string, unknown> {
  const layout = currentLayoutForRType(rtype)!;
  const record: Record<string, unknown> = { rtype, publisherId: 1, instrumentId: 0, tsEvent: 0n };
  for (const field of resolvedFieldsOf(layout)) {
    switch (field.kind) {
      case 'price':
      case 'i64':
      case 'timestamp':
      case 'u64':
        record[field.property] = 0n;
        break;
      case 'char':
        record[field.property] = null;
        break;
      case 'enumChar':
        record[field.property] = ' ';
        break;
      case 'string':
        record[field.property] = '';
        break;
      case 'bidAskLevels':
      case 'consolidatedLevels':
        record[field.property] = [];
        break;
      default:
        record[field.property] = 0;
    }
  }
  return record;
}

export const toFixedPoint = (value: number) => BigInt(Math.round(value * PRICE_UNITS_PER_ONE));

/**
 * The definition records of `definition` over `[piece.start, piece.end)`: one per UTC day while the
 * instrument is listed, as Databento republishes definitions at each session start.
 */
export function dailyDefinitionRecords(
  definition: MockDatabentoDefinition,
  piece: { readonly start: bigint; readonly end: bigint },
): DatabentoRecord[] {
  const records: DatabentoRecord[] = [];
  const activation = definition.activation === undefined ? 0n : toNanos(definition.activation);
  const expiration = definition.expiration === undefined ? undefined : toNanos(definition.expiration);
  const firstDay = ((piece.start + NANOS_PER_DAY - 1n) / NANOS_PER_DAY) * NANOS_PER_DAY;
  for (let day = firstDay; day < piece.end; day += NANOS_PER_DAY) {
    if (day < activation || (expiration !== undefined && day > expiration)) continue;
    const record = blankRecord(DatabentoRType.InstrumentDefinition);
    Object.assign(record, {
      instrumentId: definition.instrumentId,
      tsEvent: day,
      tsRecv: day,
      rawSymbol: definition.symbol,
      minPriceIncrement: toFixedPoint(definition.tickSize),
      unitOfMeasureQty: definition.multiplier === null ? UNDEF_PRICE : toFixedPoint(definition.multiplier),
      displayFactor: toFixedPoint(1),
      expiration: expiration ?? UNDEF_TIMESTAMP,
      activation,
      currency: definition.currency ?? 'USD',
      instrumentClass: definition.instrumentClass ?? 'F',
      securityUpdateAction: 'A',
    });
    records.push(record as unknown as DatabentoRecord);
  }
  return records;
}

/** One OHLCV row selected for a response: its open time, instrument and bar. */
export interface MockOhlcvRow {
  readonly nanos: bigint;
  readonly instrumentId: number;
  readonly bar: MockDatabentoBar;
}

/** Encodes sorted OHLCV rows as a DBN body with the given metadata. */
export function encodeOhlcvRows(
  rows: readonly MockOhlcvRow[],
  metadata: DatabentoMetadataInput,
): Promise<Uint8Array> | Uint8Array {
  return encodeOhlcvColumns(
    {
      tsEventNanos: BigInt64Array.from(rows.map((row) => row.nanos)),
      instrumentId: Uint32Array.from(rows.map((row) => row.instrumentId)),
      open: Float64Array.from(rows.map((row) => row.bar.open)),
      high: Float64Array.from(rows.map((row) => row.bar.high)),
      low: Float64Array.from(rows.map((row) => row.bar.low)),
      close: Float64Array.from(rows.map((row) => row.bar.close)),
      volume: Float64Array.from(rows.map((row) => row.bar.volume)),
    },
    { metadata },
  );
}
