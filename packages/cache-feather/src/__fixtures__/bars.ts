import {
  type AvailableRange,
  Bars,
  type BarsRequest,
  type DataSourceCallOptions,
  type DataSourceV1,
  type DownloadReport,
  parseTimestep,
  type StockAsset,
  stock,
} from '@lb/core';
import { MockDataSource } from '@lb/core/testing';

export const AAPL: StockAsset = stock('AAPL');
export const HOURLY = parseTimestep('1h');

/** Hourly bars from `startDay` for `days` days, skipping weekends (so some days have no rows). */
export function hourlyBars(startDay: string, days: number, options: { weekends?: boolean } = {}): Bars {
  const rows = [];
  const startMs = Date.parse(`${startDay}T00:00:00Z`);
  for (let hour = 0; hour < days * 24; hour++) {
    const timeMs = startMs + hour * 3_600_000;
    const weekday = new Date(timeMs).getUTCDay();
    if (options.weekends === false && (weekday === 0 || weekday === 6)) continue;
    const price = 100 + hour / 10;
    rows.push({
      tsEventNanos: BigInt(timeMs) * 1_000_000n,
      open: price,
      high: price + 1,
      low: price - 1,
      close: price + 0.5,
      volume: 1000 + hour,
    });
  }
  return Bars.fromRows(rows, { symbol: 'AAPL', timestep: HOURLY });
}

/**
 * A source that counts downloads, reports each like a billing origin would, and optionally reports an
 * available end that tests move forward.
 */
export class CountingSource implements DataSourceV1 {
  readonly specificationVersion = 'v1' as const;
  readonly sourceId = 'counting';
  readonly inner: MockDataSource;
  readonly fetches: BarsRequest[] = [];
  availableEnd: Date | undefined;
  readonly capabilities;
  doFetchAvailableRange?: (request: BarsRequest) => Promise<AvailableRange>;

  constructor(bars: Bars, options: { availableEnd?: Date; report?: boolean } = {}) {
    this.inner = new MockDataSource({
      sourceId: 'counting',
      bars: [[AAPL, bars]],
      instruments: [[AAPL, { symbol: 'AAPL', multiplier: 1, tickSize: 0.01, currency: 'USD' }]],
    });
    this.capabilities = this.inner.capabilities;
    this.availableEnd = options.availableEnd;
    this.#report = options.report ?? true;
    if (options.availableEnd !== undefined) {
      this.doFetchAvailableRange = async () => ({ start: new Date(0), end: this.availableEnd! });
    }
  }

  readonly #report: boolean;

  async doFetchBars(request: BarsRequest, options: DataSourceCallOptions = {}): Promise<Bars> {
    this.fetches.push(request);
    const end =
      this.availableEnd !== undefined && this.availableEnd < request.end ? this.availableEnd : request.end;
    const bars = await this.inner.doFetchBars({ ...request, end }, options);
    if (this.#report) {
      const report: DownloadReport = {
        sourceId: this.sourceId,
        dataset: 'XNAS.ITCH',
        schema: 'ohlcv-1h',
        symbols: ['AAPL'],
        start: request.start,
        end: request.end,
        bytes: bars.length * 56,
        records: bars.length,
        costUsd: bars.length * 0.001,
      };
      options.onDownload?.(report);
    }
    return bars;
  }

  doFetchInstrument(
    request: Parameters<MockDataSource['doFetchInstrument']>[0],
    options?: DataSourceCallOptions,
  ) {
    return this.inner.doFetchInstrument(request, options);
  }
}

export function day(iso: string): Date {
  return new Date(`${iso}T00:00:00Z`);
}

/** Captures logger output. */
export function recordingLogger(): {
  warnings: string[];
  warn: (m: string) => void;
  debug: (m: string) => void;
} {
  const warnings: string[] = [];
  return { warnings, warn: (message) => warnings.push(message), debug: () => {} };
}

export function expectSameBars(actual: Bars, expected: Bars): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} !== ${expected.length}`);
  for (const name of ['open', 'high', 'low', 'close', 'volume'] as const) {
    if (!actual[name].every((value, index) => value === expected[name][index]))
      throw new Error(`${name} differs`);
  }
  if (!actual.tsEventNanos.every((value, index) => value === expected.tsEventNanos[index])) {
    throw new Error('tsEventNanos differs');
  }
}

/** Same generator as `child-common.mjs`: hourly bars with `version` folded into volume. */
export function versionedBars(startMs: number, endMs: number, version: number): Bars {
  const rows = [];
  for (let timeMs = startMs; timeMs < endMs; timeMs += 3_600_000) {
    const hour = (timeMs - Date.UTC(2024, 0, 1)) / 3_600_000;
    rows.push({
      tsEventNanos: BigInt(timeMs) * 1_000_000n,
      open: 100 + hour,
      high: 101 + hour,
      low: 99 + hour,
      close: 100.5 + hour,
      volume: version * 1_000_000 + hour,
    });
  }
  return Bars.fromRows(rows, { symbol: 'AAPL', timestep: HOURLY });
}
