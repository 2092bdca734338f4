import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { DatabentoRecord, DatabentoSymbolMapping } from '@lb/dbn';
import {
  compressZstd,
  currentLayoutForRType,
  type DatabentoMetadataInput,
  DatabentoRType,
  encodeDbn,
  encodeOhlcvColumns,
  OHLCV_RTYPE_BY_SCHEMA,
  PRICE_UNITS_PER_ONE,
  resolvedFieldsOf,
  UNDEF_PRICE,
} from '@lb/dbn';

/** An instant in mock data: a Date, an ISO string, or UNIX nanoseconds. */
export type MockInstant = Date | string | bigint;

/** One OHLCV bar of mock data; `time` is the bar's open (Databento's `ts_event`). */
export interface MockDatabentoBar {
  readonly time: MockInstant;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** Bars of one instrument in one dataset and OHLCV schema. */
export interface MockDatabentoSeries {
  readonly dataset: string;
  /** `ohlcv-1s`, `ohlcv-1m`, `ohlcv-1h` or `ohlcv-1d`. */
  readonly schema: string;
  /** Raw symbol (`ESH5`, `AAPL`). */
  readonly symbol: string;
  readonly instrumentId: number;
  readonly bars: readonly MockDatabentoBar[];
}

/** An instrument definition, served as one `definition` record per UTC day until expiration. */
export interface MockDatabentoDefinition {
  readonly dataset: string;
  readonly symbol: string;
  readonly instrumentId: number;
  /** `unit_of_measure_qty` (50 for ES); `null` sends it unset (UNDEF_PRICE), as for a broken definition. */
  readonly multiplier: number | null;
  /** `min_price_increment` (0.25 for ES). */
  readonly tickSize: number;
  readonly expiration?: MockInstant;
  /** First instant the definition is published. Default: always. */
  readonly activation?: MockInstant;
  readonly currency?: string;
  /** `F` future, `K` stock... Default `F`. */
  readonly instrumentClass?: string;
}

/** A Databento continuous symbol (`ES.v.0`) and the raw contract it maps to per UTC date range. */
export interface MockDatabentoContinuous {
  readonly dataset: string;
  readonly symbol: string;
  /** `[start, end)` as `YYYY-MM-DD` dates, in order. */
  readonly segments: readonly { readonly rawSymbol: string; readonly start: string; readonly end: string }[];
}

/** What the mock serves. */
export interface MockDatabentoData {
  readonly series?: readonly MockDatabentoSeries[];
  readonly definitions?: readonly MockDatabentoDefinition[];
  readonly continuous?: readonly MockDatabentoContinuous[];
  /** Available range per dataset (end exclusive). Default: from the first bar's day to the day after the last. */
  readonly datasetRanges?: Readonly<
    Record<string, { readonly start: MockInstant; readonly end: MockInstant }>
  >;
  /** Price per GB of billable (uncompressed DBN record) bytes. Default 10 USD. */
  readonly pricePerGbUsd?: number;
}

/** Endpoint names the mock implements. */
export type MockDatabentoEndpoint =
  | 'timeseries.get_range'
  | 'symbology.resolve'
  | 'metadata.get_cost'
  | 'metadata.get_billable_size'
  | 'metadata.get_record_count'
  | 'metadata.get_dataset_range'
  | 'metadata.list_datasets'
  | 'metadata.list_schemas';

/** A fault injected into the next request of an endpoint (each fault is used once, in order). */
export type MockDatabentoFault =
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly retryAfterSeconds?: number;
      /** A raw `Retry-After` value, e.g. an HTTP date; wins over `retryAfterSeconds`. */
      readonly retryAfter?: string;
      readonly detail?: string;
    }
  /** Destroy the connection before any response. */
  | { readonly kind: 'reset' }
  /** Send the headers (with the full content-length) and part of the body, then destroy the connection. */
  | { readonly kind: 'cut'; readonly afterBytes?: number }
  /** End the response cleanly but early: only the first bytes, with a matching content-length. */
  | { readonly kind: 'truncate'; readonly afterBytes?: number }
  /** Wait before the first byte, then answer normally. */
  | { readonly kind: 'delay'; readonly ms: number };

/** Options of {@link startMockDatabento}. */
export interface MockDatabentoOptions {
  readonly data?: MockDatabentoData;
  readonly faults?: Partial<Record<MockDatabentoEndpoint, readonly MockDatabentoFault[]>>;
  /** The only key accepted (401 otherwise). Default: any non-empty key. */
  readonly apiKey?: string;
}

/** A request the mock received (parameters only: the key is never stored). */
export interface MockDatabentoRequest {
  readonly endpoint: string;
  readonly method: string;
  readonly params: Readonly<Record<string, string>>;
  readonly userAgent: string | undefined;
  /** `performance.now()` when the request arrived. */
  readonly receivedAtMs: number;
}

/** A running mock Databento historical API. */
export interface MockDatabentoServer {
  /** Base URL to pass as `baseURL` / `DATABENTO_BASE_URL`, e.g. `http://127.0.0.1:53211`. */
  readonly baseURL: string;
  /** Requests received for `endpoint` (all endpoints when omitted), faulted ones included. */
  requestCount(endpoint?: MockDatabentoEndpoint): number;
  /** Every request in arrival order. */
  readonly requests: readonly MockDatabentoRequest[];
  /** Queues faults for the next requests of `endpoint`. */
  addFaults(endpoint: MockDatabentoEndpoint, ...faults: MockDatabentoFault[]): void;
  /** Forgets recorded requests. */
  resetRequests(): void;
  close(): Promise<void>;
}

const NANOS_PER_MS = 1_000_000n;
const NANOS_PER_DAY = 86_400_000_000_000n;
const OHLCV_RECORD_BYTES = 56;
const DEFINITION_RECORD_BYTES = 520;
const UNDEF_TIMESTAMP = 18446744073709551615n;

/** Parses Databento datetime text: ISO dates or times, UTC when naive. */
function parseInstant(text: string): Date {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return new Date(`${trimmed}T00:00:00Z`);
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(trimmed);
  return new Date(hasZone ? trimmed : `${trimmed}Z`);
}

function toNanos(value: MockInstant): bigint {
  if (typeof value === 'bigint') return value;
  const date = value instanceof Date ? value : parseInstant(value);
  return BigInt(date.getTime()) * NANOS_PER_MS;
}

/** A datetime parameter: integer nanoseconds or ISO text. */
function paramNanos(text: string): bigint {
  if (/^\d+$/.test(text.trim())) return BigInt(text.trim());
  const date = parseInstant(text);
  if (Number.isNaN(date.getTime())) throw new HttpError(422, `Could not parse datetime "${text}".`);
  return BigInt(date.getTime()) * NANOS_PER_MS;
}

function nanosToIso(nanos: bigint): string {
  return new Date(Number(nanos / NANOS_PER_MS)).toISOString();
}

function dayNumber(nanos: bigint): number {
  return Number(nanosToIso(nanos).slice(0, 10).replaceAll('-', ''));
}

const compareBigint = (left: bigint, right: bigint) => (left < right ? -1 : left > right ? 1 : 0);
const maxBig = (left: bigint, right: bigint) => (left > right ? left : right);
const minBig = (left: bigint, right: bigint) => (left < right ? left : right);

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A v3 record of `rtype` with every field zeroed, to be filled in. */
function blankRecord(rtype: number): Record<string, unknown> {
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

const toFixedPoint = (value: number) => BigInt(Math.round(value * PRICE_UNITS_PER_ONE));

interface Selection {
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

function required(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw new HttpError(400, `Missing required parameter "${name}".`);
  return value;
}

/**
 * Starts a mock of Databento's historical HTTP API on 127.0.0.1 (a free port), serving real DBN+zstd
 * bodies built with this package's encoder from in-memory data. For tests and examples: no internet.
 *
 * ```ts
 * const server = await startMockDatabento({ data: { series: [{ dataset: 'GLBX.MDP3', schema: 'ohlcv-1m',
 *   symbol: 'ESH5', instrumentId: 42, bars: [{ time: '2025-01-02T14:30:00Z', open: 1, high: 2, low: 1, close: 2, volume: 10 }] }] } });
 * const client = createDatabento({ apiKey: 'db-test', baseURL: server.baseURL });
 * ```
 */
export async function startMockDatabento(options: MockDatabentoOptions = {}): Promise<MockDatabentoServer> {
  const data = options.data ?? {};
  const series = data.series ?? [];
  const definitions = data.definitions ?? [];
  const continuous = data.continuous ?? [];
  const pricePerGbUsd = data.pricePerGbUsd ?? 10;
  const faults = new Map<string, MockDatabentoFault[]>();
  for (const [endpoint, queue] of Object.entries(options.faults ?? {})) {
    faults.set(endpoint, [...(queue ?? [])]);
  }
  const requests: MockDatabentoRequest[] = [];
  const sockets = new Set<Socket>();

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
        if (definition === undefined) continue;
        const activation = definition.activation === undefined ? 0n : toNanos(definition.activation);
        const expiration = definition.expiration === undefined ? undefined : toNanos(definition.expiration);
        // One definition per UTC day, as Databento republishes definitions at each session start.
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
            unitOfMeasureQty:
              definition.multiplier === null ? UNDEF_PRICE : toFixedPoint(definition.multiplier),
            displayFactor: toFixedPoint(1),
            expiration: expiration ?? UNDEF_TIMESTAMP,
            activation,
            currency: definition.currency ?? 'USD',
            instrumentClass: definition.instrumentClass ?? 'F',
            securityUpdateAction: 'A',
          });
          records.push(record as unknown as DatabentoRecord);
        }
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
    const rows: { nanos: bigint; instrumentId: number; bar: MockDatabentoBar }[] = [];
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
      encode: (metadata) =>
        encodeOhlcvColumns(
          {
            tsEventNanos: BigInt64Array.from(limited.map((row) => row.nanos)),
            instrumentId: Uint32Array.from(limited.map((row) => row.instrumentId)),
            open: Float64Array.from(limited.map((row) => row.bar.open)),
            high: Float64Array.from(limited.map((row) => row.bar.high)),
            low: Float64Array.from(limited.map((row) => row.bar.low)),
            close: Float64Array.from(limited.map((row) => row.bar.close)),
            volume: Float64Array.from(limited.map((row) => row.bar.volume)),
          },
          { metadata },
        ),
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

  async function handle(
    endpoint: string,
    params: Record<string, string>,
  ): Promise<{ body: Uint8Array; type: string }> {
    const json = (value: unknown) => ({ body: Buffer.from(JSON.stringify(value)), type: 'application/json' });
    switch (endpoint) {
      case 'timeseries.get_range': {
        const selection = select(params);
        const raw = await selection.encode({
          dataset: required(params, 'dataset'),
          schema: selection.schema as DatabentoMetadataInput['schema'],
          startNanos: selection.start,
          endNanos: selection.end,
          limit: selection.limit === undefined ? null : BigInt(selection.limit),
          stypeIn: (params.stype_in ?? 'raw_symbol') as DatabentoMetadataInput['stypeOut'],
          symbols: required(params, 'symbols').split(','),
          notFound: selection.notFound,
          mappings: selection.mappings,
        });
        const body = params.compression === 'zstd' ? await compressZstd(raw) : raw;
        return { body, type: 'application/octet-stream' };
      }
      case 'metadata.get_cost':
        return json((select(params).recordBytes / 1e9) * pricePerGbUsd);
      case 'metadata.get_billable_size':
        return json(select(params).recordBytes);
      case 'metadata.get_record_count':
        return json(select(params).recordCount);
      case 'metadata.get_dataset_range': {
        const dataset = required(params, 'dataset');
        const range = datasetRange(dataset);
        if (range === undefined) throw new HttpError(422, `Invalid dataset "${dataset}".`);
        const schemas = [
          ...new Set(series.filter((item) => item.dataset === dataset).map((item) => item.schema)),
        ];
        const iso = { start: nanosToIso(range.start), end: nanosToIso(range.end) };
        return json({ ...iso, schema: Object.fromEntries(schemas.map((schema) => [schema, iso])) });
      }
      case 'metadata.list_datasets':
        return json(knownDatasets());
      case 'metadata.list_schemas': {
        const dataset = required(params, 'dataset');
        const schemas = new Set(series.filter((item) => item.dataset === dataset).map((item) => item.schema));
        if (definitions.some((item) => item.dataset === dataset)) schemas.add('definition');
        return json([...schemas].sort());
      }
      case 'symbology.resolve':
        return json(resolveSymbols(params));
      default:
        throw new HttpError(404, `Unknown endpoint ${endpoint}.`);
    }
  }

  const isAuthorized = (header: string | undefined): boolean => {
    if (header === undefined || !header.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    const key = separator === -1 ? decoded : decoded.slice(0, separator);
    return options.apiKey === undefined ? key.length > 0 : key === options.apiKey;
  };

  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const endpoint = url.pathname.replace(/^\/v0\//, '');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    if (request.method === 'POST') {
      Object.assign(params, Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    }
    requests.push({
      endpoint,
      method: request.method ?? 'GET',
      params,
      userAgent: request.headers['user-agent'],
      receivedAtMs: performance.now(),
    });
    const sendJson = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      response.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        ...headers,
      });
      response.end(text);
    };
    if (!isAuthorized(request.headers.authorization)) {
      sendJson(401, { detail: 'Authentication failed: the API key is invalid or missing.' });
      return;
    }
    const fault = faults.get(endpoint)?.shift();
    if (fault?.kind === 'reset') {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      sendJson(
        fault.status,
        { detail: fault.detail ?? (fault.status === 429 ? 'Too many requests.' : 'Internal server error.') },
        fault.retryAfter !== undefined
          ? { 'retry-after': fault.retryAfter }
          : fault.retryAfterSeconds === undefined
            ? {}
            : { 'retry-after': String(fault.retryAfterSeconds) },
      );
      return;
    }
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    let result: { body: Uint8Array; type: string };
    try {
      result = await handle(endpoint, params);
    } catch (error) {
      if (error instanceof HttpError) sendJson(error.status, { detail: error.message });
      else sendJson(500, { detail: error instanceof Error ? error.message : String(error) });
      return;
    }
    if (response.destroyed || request.socket.destroyed) return;
    if (fault?.kind === 'truncate') {
      const body = result.body.subarray(0, fault.afterBytes ?? Math.floor(result.body.byteLength / 2));
      response.writeHead(200, { 'content-type': result.type, 'content-length': body.byteLength });
      response.end(body);
      return;
    }
    response.writeHead(200, { 'content-type': result.type, 'content-length': result.body.byteLength });
    if (fault?.kind === 'cut') {
      const cutAt = Math.max(
        1,
        Math.min(fault.afterBytes ?? Math.floor(result.body.byteLength / 2), result.body.byteLength - 1),
      );
      response.write(result.body.subarray(0, cutAt), () => {
        setTimeout(() => request.socket.destroy(), 5);
      });
      return;
    }
    response.end(result.body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}`,
    requestCount: (endpoint) =>
      endpoint === undefined ? requests.length : requests.filter((item) => item.endpoint === endpoint).length,
    get requests() {
      return requests;
    },
    addFaults(endpoint, ...added) {
      const queue = faults.get(endpoint) ?? [];
      queue.push(...added);
      faults.set(endpoint, queue);
    },
    resetRequests() {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
