// The public types of the mock Databento server: its data, faults, options and handle.

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
  | { readonly kind: 'delay'; readonly ms: number }
  /** Send the whole body with its content-length, bytes from `fromByte` on inverted (a corrupt response). */
  | { readonly kind: 'corrupt'; readonly fromByte?: number };

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
