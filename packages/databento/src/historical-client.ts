import { DataSourceApiError, formatIssues } from '@lb/core';
import type { DatabentoAnyVersionRecord, DatabentoMetadata } from '@lb/dbn';
import { concatOhlcvColumns, type OhlcvColumns, openDbnStream, openOhlcvColumnStream } from '@lb/dbn';
import { z } from 'zod';
import { createDatabentoHttpClient, type DatabentoParams, type ResponseBody } from './http-client.js';
import { createRedactingLogger, createStderrLogger, type Logger } from './logger.js';
import { createSlidingWindowRateLimiter, type DatabentoEndpointGroup } from './rate-limiter.js';
import {
  type DatabentoSettings,
  loadDatabentoApiKey,
  type ResolvedDatabentoSettings,
  resolveDatabentoSettings,
  validateDatabentoSettings,
} from './settings.js';

/** An instant as Databento accepts it: a Date, an ISO-8601 string, or integer UNIX nanoseconds. */
export type DatabentoDateTime = Date | string | bigint;

/** Per-call options of every client method. */
export interface DatabentoCallOptions {
  readonly signal?: AbortSignal;
}

/** Parameters shared by `timeseries.get_range` and the cost/size/count endpoints. */
export interface DatabentoRangeParams {
  readonly dataset: string;
  readonly schema: string;
  /** One symbol, a list, or `ALL_SYMBOLS`. */
  readonly symbols: string | readonly string[];
  readonly start: DatabentoDateTime;
  /** Exclusive; omitted means the end of available data. */
  readonly end?: DatabentoDateTime;
  /** Default `raw_symbol`. Use `continuous` for `ES.v.0`, `parent` for `ES.FUT`. */
  readonly stypeIn?: string;
  readonly limit?: number;
}

/** A fully received and decoded `timeseries.get_range` response. */
export interface DatabentoRangeResult {
  readonly metadata: DatabentoMetadata | undefined;
  readonly records: DatabentoAnyVersionRecord[];
  /** Compressed bytes received (the successful attempt only). */
  readonly bytes: number;
  readonly attempts: number;
  readonly durationMs: number;
}

/** A fully received `timeseries.get_range` response for an OHLCV schema, decoded into columns. */
export interface DatabentoColumnsResult {
  readonly metadata: DatabentoMetadata | undefined;
  readonly columns: OhlcvColumns;
  readonly bytes: number;
  readonly attempts: number;
  readonly durationMs: number;
}

/** `symbology.resolve` parameters. */
export interface DatabentoResolveParams {
  readonly dataset: string;
  readonly symbols: string | readonly string[];
  readonly stypeIn?: string;
  readonly stypeOut?: string;
  /** `YYYY-MM-DD` or a Date (its UTC day). */
  readonly startDate: string | Date;
  readonly endDate?: string | Date;
}

const resolveIntervalSchema = z.object({ d0: z.string(), d1: z.string(), s: z.string() });
const resolveResponseSchema = z.object({
  result: z.record(z.string(), z.array(resolveIntervalSchema)),
  symbols: z.array(z.string()).optional(),
  stype_in: z.string().optional(),
  stype_out: z.string().optional(),
  start_date: z.string().optional(),
  end_date: z.string().nullable().optional(),
  partial: z.array(z.string()).default([]),
  not_found: z.array(z.string()).default([]),
  message: z.string().optional(),
  status: z.number().optional(),
});

/** `symbology.resolve` result: each input symbol's `[d0, d1)` date intervals with the output symbol `s`. */
export type DatabentoResolution = z.infer<typeof resolveResponseSchema>;

const rangeSchema = z.object({ start: z.string(), end: z.string() });
const datasetRangeSchema = rangeSchema.extend({
  schema: z.record(z.string(), rangeSchema).optional(),
});

/** `metadata.get_dataset_range`: the available range, overall and per schema (entitlement-dependent). */
export interface DatabentoDatasetRange {
  readonly start: Date;
  readonly end: Date;
  readonly schemas: Readonly<Record<string, { readonly start: Date; readonly end: Date }>>;
}

/** A Databento historical API client. Create one with {@link createDatabento}. */
export interface DatabentoClient {
  readonly timeseries: {
    /** Streams a DBN+zstd range, decoding as bytes arrive; resolves only once the whole body decoded. */
    getRange(params: DatabentoRangeParams, options?: DatabentoCallOptions): Promise<DatabentoRangeResult>;
    /** Like `getRange` for OHLCV schemas, decoded straight into typed-array columns (no per-record objects). */
    getRangeColumns(
      params: DatabentoRangeParams,
      options?: DatabentoCallOptions,
    ): Promise<DatabentoColumnsResult>;
  };
  readonly symbology: {
    resolve(params: DatabentoResolveParams, options?: DatabentoCallOptions): Promise<DatabentoResolution>;
  };
  readonly metadata: {
    /** Estimated cost in USD of exactly this request. */
    getCost(params: DatabentoRangeParams, options?: DatabentoCallOptions): Promise<number>;
    /** Uncompressed DBN bytes the request would bill. */
    getBillableSize(params: DatabentoRangeParams, options?: DatabentoCallOptions): Promise<number>;
    getRecordCount(params: DatabentoRangeParams, options?: DatabentoCallOptions): Promise<number>;
    getDatasetRange(dataset: string, options?: DatabentoCallOptions): Promise<DatabentoDatasetRange>;
    listDatasets(
      params?: { startDate?: string | Date; endDate?: string | Date },
      options?: DatabentoCallOptions,
    ): Promise<string[]>;
    listSchemas(dataset: string, options?: DatabentoCallOptions): Promise<string[]>;
  };
  /** Settings after environment defaults (the key is not included). */
  readonly settings: () => ResolvedDatabentoSettings;
  /** The logger in use, with the API key redacted. */
  readonly logger: Logger;
}

/** Formats an instant for Databento: ISO-8601 UTC, or integer nanoseconds passed through. */
export function formatDatabentoDateTime(value: DatabentoDateTime): string {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  return value;
}

function formatDate(value: string | Date): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : value;
}

function joinSymbols(symbols: string | readonly string[]): string {
  return typeof symbols === 'string' ? symbols : symbols.join(',');
}

function rangeParams(params: DatabentoRangeParams): DatabentoParams {
  return {
    dataset: params.dataset,
    symbols: joinSymbols(params.symbols),
    schema: params.schema,
    start: formatDatabentoDateTime(params.start),
    end: params.end === undefined ? undefined : formatDatabentoDateTime(params.end),
    stype_in: params.stypeIn ?? 'raw_symbol',
    stype_out: 'instrument_id',
    limit: params.limit,
  };
}

function rangeLogFields(params: DatabentoRangeParams) {
  return {
    dataset: params.dataset,
    schema: params.schema,
    symbols: joinSymbols(params.symbols),
    stypeIn: params.stypeIn ?? 'raw_symbol',
    start: formatDatabentoDateTime(params.start),
    end: params.end === undefined ? undefined : formatDatabentoDateTime(params.end),
  };
}

/**
 * Creates a Databento historical client. Settings are validated now; environment defaults and the API key
 * are read when the first request is made, so creating (or importing the default instance) never throws
 * for a missing key.
 *
 * ```ts
 * const client = createDatabento({ apiKey: process.env.DATABENTO_API_KEY, maxRetries: 3 });
 * const cost = await client.metadata.getCost({ dataset: 'GLBX.MDP3', schema: 'ohlcv-1m', symbols: 'ESH5', start: '2025-01-02', end: '2025-01-03' });
 * ```
 * @throws InvalidSettingsError naming each bad field.
 */
export function createDatabento(settings: DatabentoSettings = {}): DatabentoClient {
  validateDatabentoSettings(settings);
  let resolved: ResolvedDatabentoSettings | undefined;
  let http: ReturnType<typeof createDatabentoHttpClient> | undefined;
  const secrets = (): string[] => {
    try {
      const key = loadDatabentoApiKey(settings);
      return [key, Buffer.from(`${key}:`).toString('base64')];
    } catch {
      return [];
    }
  };
  const logger = createRedactingLogger(settings.logger ?? createStderrLogger(), secrets);
  const resolve = () => {
    resolved ??= resolveDatabentoSettings(settings);
    return resolved;
  };
  const httpClient = () => {
    http ??= createDatabentoHttpClient({
      settings: resolve(),
      getApiKey: () => loadDatabentoApiKey(settings),
      logger,
      rateLimiter: createSlidingWindowRateLimiter(resolve().rateLimits),
    });
    return http;
  };

  async function requestJson<T>(
    method: 'GET' | 'POST',
    endpoint: string,
    group: DatabentoEndpointGroup,
    params: DatabentoParams,
    schema: z.ZodType<T>,
    options: DatabentoCallOptions,
    logFields?: Record<string, unknown>,
  ): Promise<T> {
    // Fail on a missing key before anything else, with the credentials message.
    loadDatabentoApiKey(settings);
    const client = httpClient();
    const result = await client.request({
      method,
      endpoint,
      group,
      params,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      logFields: logFields ?? params,
      read: async ({ response }: ResponseBody) => {
        const text = await response.text();
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch (error) {
          throw new DataSourceApiError(`Databento ${endpoint} returned a body that is not JSON.`, {
            sourceId: 'databento',
            url: `${client.baseURL}/v0/${endpoint}`,
            statusCode: response.status,
            isRetryable: false,
            cause: error,
          });
        }
        const parsed = schema.safeParse(json);
        if (!parsed.success) {
          throw new DataSourceApiError(
            `Databento ${endpoint} returned an unexpected JSON shape: ${formatIssues(parsed.error)}.`,
            {
              sourceId: 'databento',
              url: `${client.baseURL}/v0/${endpoint}`,
              statusCode: response.status,
              isRetryable: false,
              cause: parsed.error,
            },
          );
        }
        return parsed.data;
      },
    });
    return result.value;
  }

  async function streamRange<T extends { count: number }>(
    params: DatabentoRangeParams,
    options: DatabentoCallOptions,
    read: (chunks: AsyncIterable<Uint8Array>) => Promise<T>,
  ): Promise<{ value: T; bytes: number; attempts: number; durationMs: number }> {
    loadDatabentoApiKey(settings);
    const result = await httpClient().request({
      method: 'POST',
      endpoint: 'timeseries.get_range',
      group: 'timeseries',
      params: { ...rangeParams(params), encoding: 'dbn', compression: 'zstd' },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      logFields: rangeLogFields(params),
      // Decode while the body arrives; the result is only handed on after the last byte decoded, so a cut
      // stream (network error, content-length mismatch, or a truncated record) retries the whole range.
      read: ({ chunks }) => read(chunks),
    });
    logger.debug('databento timeseries.get_range decoded', {
      ...rangeLogFields(params),
      bytes: result.bytes,
      records: result.value.count,
      durationMs: result.durationMs,
      attempts: result.attempts,
    });
    return result;
  }

  async function getRange(
    params: DatabentoRangeParams,
    options: DatabentoCallOptions = {},
  ): Promise<DatabentoRangeResult> {
    const result = await streamRange(params, options, async (chunks) => {
      const stream = await openDbnStream(chunks);
      const records: DatabentoAnyVersionRecord[] = [];
      for await (const batch of stream.batches()) for (const record of batch) records.push(record);
      return { metadata: stream.metadata, records, count: records.length };
    });
    const { metadata, records } = result.value;
    return {
      metadata,
      records,
      bytes: result.bytes,
      attempts: result.attempts,
      durationMs: result.durationMs,
    };
  }

  async function getRangeColumns(
    params: DatabentoRangeParams,
    options: DatabentoCallOptions = {},
  ): Promise<DatabentoColumnsResult> {
    const result = await streamRange(params, options, async (chunks) => {
      const stream = await openOhlcvColumnStream(chunks);
      const batches: OhlcvColumns[] = [];
      for await (const batch of stream.batches()) batches.push(batch);
      const columns = concatOhlcvColumns(batches);
      return { metadata: stream.metadata, columns, count: columns.length };
    });
    const { metadata, columns } = result.value;
    return {
      metadata,
      columns,
      bytes: result.bytes,
      attempts: result.attempts,
      durationMs: result.durationMs,
    };
  }

  const numberSchema = z.number();
  const integerSchema = z.number().int();

  return {
    timeseries: { getRange, getRangeColumns },
    symbology: {
      resolve: (params, options = {}) =>
        requestJson(
          'POST',
          'symbology.resolve',
          'symbology',
          {
            dataset: params.dataset,
            symbols: joinSymbols(params.symbols),
            stype_in: params.stypeIn ?? 'raw_symbol',
            stype_out: params.stypeOut ?? 'instrument_id',
            start_date: formatDate(params.startDate),
            end_date: params.endDate === undefined ? undefined : formatDate(params.endDate),
          },
          resolveResponseSchema,
          options,
        ),
    },
    metadata: {
      getCost: (params, options = {}) =>
        requestJson(
          'POST',
          'metadata.get_cost',
          'metadata',
          rangeParams(params),
          numberSchema,
          options,
          rangeLogFields(params),
        ),
      getBillableSize: (params, options = {}) =>
        requestJson(
          'POST',
          'metadata.get_billable_size',
          'metadata',
          rangeParams(params),
          integerSchema,
          options,
          rangeLogFields(params),
        ),
      getRecordCount: (params, options = {}) =>
        requestJson(
          'POST',
          'metadata.get_record_count',
          'metadata',
          rangeParams(params),
          integerSchema,
          options,
          rangeLogFields(params),
        ),
      getDatasetRange: async (dataset, options = {}) => {
        const range = await requestJson(
          'GET',
          'metadata.get_dataset_range',
          'metadata',
          { dataset },
          datasetRangeSchema,
          options,
        );
        return {
          start: new Date(range.start),
          end: new Date(range.end),
          schemas: Object.fromEntries(
            Object.entries(range.schema ?? {}).map(([schema, value]) => [
              schema,
              { start: new Date(value.start), end: new Date(value.end) },
            ]),
          ),
        };
      },
      listDatasets: (params = {}, options = {}) =>
        requestJson(
          'GET',
          'metadata.list_datasets',
          'metadata',
          {
            start_date: params.startDate === undefined ? undefined : formatDate(params.startDate),
            end_date: params.endDate === undefined ? undefined : formatDate(params.endDate),
          },
          z.array(z.string()),
          options,
        ),
      listSchemas: (dataset, options = {}) =>
        requestJson('GET', 'metadata.list_schemas', 'metadata', { dataset }, z.array(z.string()), options),
    },
    settings: resolve,
    logger,
  };
}

/**
 * The default client: settings from the environment (`DATABENTO_API_KEY`, `DATABENTO_TIMEOUT`, ...), read
 * on the first request. Importing it never throws.
 */
export const databento: DatabentoClient = createDatabento();
