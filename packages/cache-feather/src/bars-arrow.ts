import { Bars, type BarsMetadata, type BarsSegment, InvalidArgumentError, parseTimestep } from '@lb/core';
import {
  type Data,
  DataType,
  makeData,
  makeVector,
  Precision,
  Schema,
  Table,
  TimestampNanosecond,
  TimeUnit,
  type Vector,
} from 'apache-arrow';

/** The float64 columns of a bars table, in file order after `ts_event`. @internal */
export const PRICE_COLUMN_NAMES = ['open', 'high', 'low', 'close', 'volume'] as const;

/**
 * An apache-arrow Table of `bars` with columns `ts_event` (timestamp[ns, UTC]), `open`, `high`, `low`,
 * `close`, `volume` (float64), sharing the bars' memory. Metadata travels in the schema's custom metadata
 * (`lb.symbol`, `lb.timestep`, `lb.segments`). Here rather than in `@lb/core` so that loading core (every
 * `lb` command, every sweep thread) does not load apache-arrow.
 */
export function barsToArrowTable(bars: Bars): Table {
  const tsEvent = makeVector(
    makeData({ type: new TimestampNanosecond('UTC'), length: bars.length, data: bars.tsEventNanos }),
  );
  const vectors: Record<string, Vector> = { ts_event: tsEvent };
  for (const name of PRICE_COLUMN_NAMES) vectors[name] = makeVector(bars[name]);
  const table = new Table(vectors);
  const schemaMetadata = new Map<string, string>([
    ['lb.symbol', bars.metadata.symbol],
    ['lb.timestep', bars.metadata.timestep.label],
  ]);
  if (bars.metadata.segments !== undefined) {
    schemaMetadata.set('lb.segments', JSON.stringify(bars.metadata.segments));
  }
  return new Table(new Schema(table.schema.fields, schemaMetadata), table.batches);
}

/**
 * Reads bars from an apache-arrow Table with the columns {@link barsToArrowTable} writes. Metadata comes
 * from `metadata` or, when absent, from the schema's custom metadata.
 * @throws InvalidArgumentError when a column is missing, has the wrong type or holds nulls, or when there is
 * no metadata.
 */
export function barsFromArrowTable(table: Table, metadata?: BarsMetadata): Bars {
  const tsColumn = table.getChild('ts_event');
  if (
    tsColumn === null ||
    !DataType.isTimestamp(tsColumn.type) ||
    tsColumn.type.unit !== TimeUnit.NANOSECOND
  ) {
    throw new InvalidArgumentError('Arrow table needs a "ts_event" column of type timestamp[ns].', {
      argument: 'table',
    });
  }
  const columns: Record<string, Float64Array> = {};
  for (const name of PRICE_COLUMN_NAMES) {
    const column = table.getChild(name);
    if (column === null || !DataType.isFloat(column.type) || column.type.precision !== Precision.DOUBLE) {
      throw new InvalidArgumentError(`Arrow table needs a "${name}" column of type float64.`, {
        argument: 'table',
      });
    }
    if (column.nullCount > 0) {
      throw new InvalidArgumentError(
        `Arrow table column "${name}" has ${column.nullCount} null values; Bars columns cannot hold nulls.`,
        { argument: 'table' },
      );
    }
    columns[name] = contiguous(column.data as Data[], Float64Array) as Float64Array;
  }
  if (tsColumn.nullCount > 0) {
    throw new InvalidArgumentError(
      `Arrow table column "ts_event" has ${tsColumn.nullCount} null values; every bar needs an open time.`,
      { argument: 'table' },
    );
  }
  const schemaMetadata = table.schema.metadata;
  const segmentsText = schemaMetadata.get('lb.segments');
  const symbol = schemaMetadata.get('lb.symbol');
  const timestepText = schemaMetadata.get('lb.timestep');
  if (metadata === undefined && (symbol === undefined || timestepText === undefined)) {
    throw new InvalidArgumentError(
      'Arrow table has no "lb.symbol"/"lb.timestep" schema metadata (it was not written by barsToArrowTable); pass metadata with symbol and timestep.',
      { argument: 'metadata' },
    );
  }
  const resolved: BarsMetadata = metadata ?? {
    symbol: symbol!,
    timestep: parseTimestep(timestepText!),
    ...(segmentsText === undefined ? {} : { segments: JSON.parse(segmentsText) as BarsSegment[] }),
  };
  return Bars.fromColumns(
    {
      tsEventNanos: contiguous(tsColumn.data as Data[], BigInt64Array) as BigInt64Array,
      open: columns.open!,
      high: columns.high!,
      low: columns.low!,
      close: columns.close!,
      volume: columns.volume!,
    },
    resolved,
  );
}

type TypedArrayConstructor = Float64ArrayConstructor | BigInt64ArrayConstructor;

// A table read from IPC may hold several record batches; a single batch is used as is (zero copy).
function contiguous(chunks: readonly Data[], Type: TypedArrayConstructor): Float64Array | BigInt64Array {
  if (chunks.length === 1) {
    const values = chunks[0]!.values as Float64Array | BigInt64Array;
    return values.subarray(0, chunks[0]!.length);
  }
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const result = new Type(total);
  let offset = 0;
  for (const chunk of chunks) {
    (result as Float64Array).set((chunk.values as Float64Array).subarray(0, chunk.length), offset);
    offset += chunk.length;
  }
  return result;
}
