import type { DatabentoRecord, DatabentoSymbolMapping } from '@lb/dbn';
import { type DatabentoMetadataInput, encodeDbn, OHLCV_RTYPE_BY_SCHEMA } from '@lb/dbn';
import { HttpError, required } from './mock-http-error.js';
import {
  compareBigint,
  dayNumber,
  maxBig,
  minBig,
  NANOS_PER_DAY,
  NANOS_PER_MS,
  nanosToIso,
  paramNanos,
  toNanos,
} from './mock-instants.js';
import {
  DEFINITION_RECORD_BYTES,
  dailyDefinitionRecords,
  encodeOhlcvRows,
  type MockOhlcvRow,
  OHLCV_RECORD_BYTES,
} from './mock-records.js';
import type { MockDatabentoData } from './mock-types.js';

/** What one data request selects: its records, their count and size (for cost), and how to encode them. */
export interface Selection {
  readonly schema: string;
  readonly start: bigint;
  readonly end: bigint;
  readonly limit: number | undefined;
  readonly recordCount: number;
  readonly recordBytes: number;
  readonly mappings: DatabentoSymbolMapping[];
  readonly notFound: string[];
  encode(metadata: DatabentoMetadataInput): Promise<Uint8Array> | Uint8Array;
}

/** The mock's in-memory data, queried the way Databento's endpoints query theirs. */
export interface MockCatalog {
  /** Datasets with any data or a given range, sorted. */
  knownDatasets(): string[];
  /** The available range of a dataset (UNIX nanoseconds, whole UTC days), or undefined for an unknown one. */
  datasetRange(dataset: string): { start: bigint; end: bigint } | undefined;
  /** The records a `timeseries.get_range` (or cost) request selects; throws HttpError for a bad request. */
  select(params: Record<string, string>): Selection;
  /** The body of `symbology.resolve`. */
  resolveSymbols(params: Record<string, string>): unknown;
}

/** Indexes the mock data (bars sorted by time) and answers the endpoints' queries. */
export function createMockCatalog(data: MockDatabentoData): MockCatalog {
  const series = data.series ?? [];
  const definitions = data.definitions ?? [];
  const continuous = data.continuous ?? [];

  const barsOf = new Map(
    series.map((item) => [
      item,
      item.bars
        .map((bar) => ({ bar, nanos: toNanos(bar.time) }))
        .sort((left, right) => compareBigint(left.nanos, right.nanos)),
    ]),
  );

  const knownDatasets = () =>
    [
      ...new Set([
        ...[...series, ...definitions, ...continuous].map((item) => item.dataset),
        ...Object.keys(data.datasetRanges ?? {}),
      ]),
    ].sort();

  const datasetRange = (dataset: string): { start: bigint; end: bigint } | undefined => {
    const given = data.datasetRanges?.[dataset];
    if (given !== undefined) return { start: toNanos(given.start), end: toNanos(given.end) };
    let start: bigint | undefined;
    let end: bigint | undefined;
    for (const item of series.filter((entry) => entry.dataset === dataset)) {
      for (const { nanos } of barsOf.get(item)!) {
        if (start === undefined || nanos < start) start = nanos;
        if (end === undefined || nanos > end) end = nanos;
      }
    }
    if (start === undefined || end === undefined) {
      return knownDatasets().includes(dataset)
        ? { start: 0n, end: BigInt(Date.now()) * NANOS_PER_MS }
        : undefined;
    }
    return {
      start: (start / NANOS_PER_DAY) * NANOS_PER_DAY,
      end: (end / NANOS_PER_DAY + 1n) * NANOS_PER_DAY,
    };
  };

  const instrumentIdOf = (dataset: string, rawSymbol: string): number | undefined =>
    series.find((item) => item.dataset === dataset && item.symbol === rawSymbol)?.instrumentId ??
    definitions.find((item) => item.dataset === dataset && item.symbol === rawSymbol)?.instrumentId;

  /** The raw symbols a requested symbol covers over [start, end), each with its own sub-range. */
  function expandSymbol(
    dataset: string,
    symbol: string,
    stypeIn: string,
    start: bigint,
    end: bigint,
  ): { rawSymbol: string; start: bigint; end: bigint }[] | undefined {
    if (stypeIn === 'continuous') {
      const mapping = continuous.find((item) => item.dataset === dataset && item.symbol === symbol);
      if (mapping === undefined) return undefined;
      return mapping.segments
        .map((segment) => ({
          rawSymbol: segment.rawSymbol,
          start: maxBig(start, toNanos(segment.start)),
          end: minBig(end, toNanos(segment.end)),
        }))
        .filter((segment) => segment.start < segment.end);
    }
    if (stypeIn !== 'raw_symbol') {
      throw new HttpError(422, `The mock supports stype_in raw_symbol and continuous, not ${stypeIn}.`);
    }
    return instrumentIdOf(dataset, symbol) === undefined ? undefined : [{ rawSymbol: symbol, start, end }];
  }

  function select(params: Record<string, string>): Selection {
    const dataset = required(params, 'dataset');
    const schema = required(params, 'schema');
    const range = datasetRange(dataset);
    if (range === undefined) {
      throw new HttpError(
        422,
        `Invalid dataset "${dataset}"; known datasets: ${knownDatasets().join(', ')}.`,
      );
    }
    const start = paramNanos(required(params, 'start'));
    const end = params.end === undefined ? range.end : paramNanos(params.end);
    if (end > range.end) {
      throw new HttpError(
        422,
        `The end of the requested range (${nanosToIso(end)}) is after the available range of ${dataset} (ends ${nanosToIso(range.end)}); see metadata.get_dataset_range.`,
      );
    }
    if (start < range.start) {
      throw new HttpError(
        422,
        `The start ${nanosToIso(start)} is before the available range of ${dataset} (starts ${nanosToIso(range.start)}).`,
      );
    }
    if (start >= end) throw new HttpError(422, 'start must be before end.');
    const stypeIn = params.stype_in ?? 'raw_symbol';
    const limit = params.limit === undefined ? undefined : Number(params.limit);
    const symbols = required(params, 'symbols')
      .split(',')
      .map((symbol) => symbol.trim())
      .filter(Boolean);
    const mappings: DatabentoSymbolMapping[] = [];
    const notFound: string[] = [];
    const pieces: { rawSymbol: string; instrumentId: number; start: bigint; end: bigint }[] = [];
    for (const symbol of symbols) {
      const expanded = expandSymbol(dataset, symbol, stypeIn, start, end);
      if (expanded === undefined) {
        notFound.push(symbol);
        continue;
      }
      const intervals = [];
      for (const piece of expanded) {
        const instrumentId = instrumentIdOf(dataset, piece.rawSymbol);
        if (instrumentId === undefined) continue;
        pieces.push({ ...piece, instrumentId });
        intervals.push({
          startDate: dayNumber(piece.start),
          endDate: dayNumber(piece.end - 1n + NANOS_PER_DAY),
          symbol: String(instrumentId),
        });
      }
      mappings.push({ rawSymbol: symbol, intervals });
    }
    const base = { schema, start, end, limit, mappings, notFound };
    if (schema === 'definition') {
      const records: DatabentoRecord[] = [];
      for (const piece of pieces) {
        const definition = definitions.find(
          (item) => item.dataset === dataset && item.symbol === piece.rawSymbol,
        );
        if (definition !== undefined) records.push(...dailyDefinitionRecords(definition, piece));
      }
      records.sort((left, right) => compareBigint(left.tsEvent, right.tsEvent));
      const limited = limit === undefined ? records : records.slice(0, limit);
      return {
        ...base,
        recordCount: limited.length,
        recordBytes: limited.length * DEFINITION_RECORD_BYTES,
        encode: (metadata) => encodeDbn({ metadata, records: limited }),
      };
    }
    if (!(schema in OHLCV_RTYPE_BY_SCHEMA)) {
      throw new HttpError(422, `The mock does not serve schema "${schema}".`);
    }
    const rows: MockOhlcvRow[] = [];
    for (const piece of pieces) {
      const item = series.find(
        (entry) => entry.dataset === dataset && entry.schema === schema && entry.symbol === piece.rawSymbol,
      );
      if (item === undefined) continue;
      for (const { bar, nanos } of barsOf.get(item)!) {
        if (nanos >= piece.start && nanos < piece.end)
          rows.push({ nanos, instrumentId: item.instrumentId, bar });
      }
    }
    rows.sort(
      (left, right) => compareBigint(left.nanos, right.nanos) || left.instrumentId - right.instrumentId,
    );
    const limited = limit === undefined ? rows : rows.slice(0, limit);
    return {
      ...base,
      recordCount: limited.length,
      recordBytes: limited.length * OHLCV_RECORD_BYTES,
      encode: (metadata) => encodeOhlcvRows(limited, metadata),
    };
  }

  function resolveSymbols(params: Record<string, string>) {
    const dataset = required(params, 'dataset');
    const stypeIn = params.stype_in ?? 'raw_symbol';
    const stypeOut = params.stype_out ?? 'instrument_id';
    const startDate = required(params, 'start_date');
    const start = toNanos(startDate);
    const endDate = params.end_date ?? nanosToIso(start + NANOS_PER_DAY).slice(0, 10);
    const end = toNanos(endDate);
    const symbols = required(params, 'symbols').split(',');
    const result: Record<string, { d0: string; d1: string; s: string }[]> = {};
    const notFound: string[] = [];
    for (const symbol of symbols) {
      const expanded = expandSymbol(dataset, symbol, stypeIn, start, end);
      if (expanded === undefined || expanded.length === 0) {
        notFound.push(symbol);
        continue;
      }
      result[symbol] = expanded.map((piece) => ({
        d0: nanosToIso(piece.start).slice(0, 10),
        d1: nanosToIso(piece.end).slice(0, 10),
        s: stypeOut === 'raw_symbol' ? piece.rawSymbol : String(instrumentIdOf(dataset, piece.rawSymbol)),
      }));
    }
    return {
      result,
      symbols,
      stype_in: stypeIn,
      stype_out: stypeOut,
      start_date: startDate,
      end_date: endDate,
      partial: [],
      not_found: notFound,
      message: notFound.length === 0 ? 'OK' : 'Not found',
      status: notFound.length === 0 ? 0 : notFound.length === symbols.length ? 2 : 1,
    };
  }

  return { knownDatasets, datasetRange, select, resolveSymbols };
}
