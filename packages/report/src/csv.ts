import type { RoundTrip } from './round-trips.js';
import type { RunBenchmark, RunFill, RunSeries } from './run-record.js';
import { upperBound } from './search-sorted.js';

type Cell = string | number | boolean | null | undefined;

const formatIsoTime = (timeMs: number) => new Date(timeMs).toISOString();

/**
 * One CSV field. Numbers use JavaScript's shortest round-trip form (locale-free, so identical inputs give
 * identical bytes); missing or non-finite values are empty; text with a comma, quote or newline is quoted.
 */
export function formatCsvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function toCsv(header: readonly string[], rows: Iterable<readonly Cell[]>): string {
  const lines = [header.map(formatCsvField).join(',')];
  for (const row of rows) lines.push(row.map(formatCsvField).join(','));
  return `${lines.join('\n')}\n`;
}

/** `trades.csv`: one row per fill; roll fills carry `roll` in `tag`. */
export function fillsToCsv(fills: readonly RunFill[]): string {
  return toCsv(
    ['time', 'asset', 'symbol', 'side', 'quantity', 'price', 'fee', 'realized_pnl', 'order_id', 'tag'],
    fills.map((fill) => [
      formatIsoTime(fill.timeMs),
      fill.asset ?? fill.symbol,
      fill.symbol,
      fill.side,
      fill.quantity,
      fill.price,
      fill.fee,
      fill.realizedPnl,
      fill.orderId,
      fill.tag,
    ]),
  );
}

/** `round_trips.csv`: one row per closed round trip. */
export function roundTripsToCsv(roundTrips: readonly RoundTrip[]): string {
  return toCsv(
    [
      'symbol',
      'direction',
      'entry_time',
      'exit_time',
      'quantity',
      'entry_price',
      'exit_price',
      'gross_pnl',
      'fees',
      'net_pnl',
      'duration_seconds',
      'mae',
      'mfe',
      'entry_tag',
      'exit_tag',
    ],
    roundTrips.map((trip) => [
      trip.symbol,
      trip.direction,
      formatIsoTime(trip.entryTimeMs),
      formatIsoTime(trip.exitTimeMs),
      trip.quantity,
      trip.entryPrice,
      trip.exitPrice,
      trip.grossPnl,
      trip.fees,
      trip.netPnl,
      trip.durationMs / 1000,
      trip.mae,
      trip.mfe,
      trip.entryTag,
      trip.exitTag,
    ]),
  );
}

/**
 * `equity.csv`: one row per iteration with the portfolio value, the cash when known and the benchmark's
 * value at that time (its last value at or before it; empty before its first point).
 */
export function equityToCsv(equity: RunSeries, cash?: readonly number[], benchmark?: RunBenchmark): string {
  const header = ['time', 'portfolio_value'];
  if (cash) header.push('cash');
  if (benchmark) header.push('benchmark_value');
  const aligned = benchmark ? alignToTimes(benchmark, equity.timesMs) : undefined;
  const rows = equity.timesMs.map((timeMs, index) => {
    const row: Cell[] = [formatIsoTime(timeMs), equity.values[index]];
    if (cash) row.push(cash[index]);
    if (aligned) row.push(aligned[index]);
    return row;
  });
  return toCsv(header, rows);
}

/**
 * `stats.csv`: the strategy's traced rows. Columns are the union of the rows' keys in first-seen order;
 * objects are written as JSON.
 */
export function statsRowsToCsv(rows: ReadonlyArray<Readonly<Record<string, unknown>>>): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  const cell = (value: unknown): Cell => {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'object' && value !== null) return JSON.stringify(value);
    if (typeof value === 'bigint') return String(value);
    return value as Cell;
  };
  return toCsv(
    columns,
    rows.map((row) => columns.map((column) => cell(row[column]))),
  );
}

/** The series' last value at or before each time (NaN before its first point). */
export function alignToTimes(series: RunSeries, timesMs: readonly number[]): number[] {
  return timesMs.map((timeMs) => {
    const index = upperBound(series.timesMs, timeMs) - 1;
    return index < 0 ? Number.NaN : series.values[index]!;
  });
}
