import type { RunSeries } from './run-record.js';

const msPerHour = 3_600_000;

/** How equity points are grouped into trading days. */
export interface TradingDayOptions {
  /**
   * UTC hour at which a trading day ends; a point at or after it counts towards the next day. Default 22:
   * CME Globex sessions open at 17:00 Chicago (22:00 or 23:00 UTC) and US stocks close by 21:00 UTC, so
   * one trading day never straddles two keys, all year round, with no time-zone database.
   */
  readonly dayEndHourUtc?: number;
}

/** The last equity value of each trading day. */
export interface DailyCloses {
  /** Trading day, `YYYY-MM-DD`. */
  readonly days: string[];
  /** Time of the day's last point. */
  readonly timesMs: number[];
  readonly values: number[];
}

/** Trading day (`YYYY-MM-DD`) of an instant; see {@link TradingDayOptions}. */
export function tradingDayOf(timeMs: number, dayEndHourUtc = 22): string {
  return new Date(timeMs + (24 - dayEndHourUtc) * msPerHour).toISOString().slice(0, 10);
}

/** Groups a series by trading day, keeping each day's last point. */
export function computeDailyCloses(series: RunSeries, options: TradingDayOptions = {}): DailyCloses {
  const dayEndHourUtc = options.dayEndHourUtc ?? 22;
  const days: string[] = [];
  const timesMs: number[] = [];
  const values: number[] = [];
  const shiftMs = (24 - dayEndHourUtc) * msPerHour;
  let previousDayNumber = Number.NaN;
  for (let index = 0; index < series.timesMs.length; index++) {
    const timeMs = series.timesMs[index]!;
    // Compare day numbers and format only new days: a year of minutes is 350,000 points but ~260 days.
    const dayNumber = Math.floor((timeMs + shiftMs) / 86_400_000);
    if (dayNumber === previousDayNumber) {
      timesMs[timesMs.length - 1] = timeMs;
      values[values.length - 1] = series.values[index]!;
    } else {
      previousDayNumber = dayNumber;
      days.push(tradingDayOf(timeMs, dayEndHourUtc));
      timesMs.push(timeMs);
      values.push(series.values[index]!);
    }
  }
  return { days, timesMs, values };
}

/** Simple returns between consecutive closes, the first one against `initialValue`. */
export function computeReturns(values: readonly number[], initialValue: number): number[] {
  const returns: number[] = [];
  let previous = initialValue;
  for (const value of values) {
    returns.push(previous === 0 ? 0 : value / previous - 1);
    previous = value;
  }
  return returns;
}

/**
 * Compounded returns per calendar month (`{ '2023': { '12': 0.01 }, '2024': { '1': -0.02 } }`) and per
 * year, from daily closes: each period's last close against the previous period's last close (the first
 * period against `initialValue`), so the months of a year compound exactly to the year's return.
 */
export function computePeriodReturns(
  closes: DailyCloses,
  initialValue: number,
): { monthly: Record<string, Record<string, number>>; yearly: Record<string, number> } {
  const monthly: Record<string, Record<string, number>> = {};
  const yearly: Record<string, number> = {};
  let monthStartValue = initialValue;
  let yearStartValue = initialValue;
  for (let index = 0; index < closes.days.length; index++) {
    const day = closes.days[index]!;
    const next = closes.days[index + 1];
    const value = closes.values[index]!;
    const year = day.slice(0, 4);
    // Unpadded month numbers are integer-like keys, which JSON keeps in ascending order ('10' before '01' otherwise).
    const month = String(Number(day.slice(5, 7)));
    if (next === undefined || next.slice(0, 7) !== day.slice(0, 7)) {
      monthly[year] ??= {};
      monthly[year][month] = monthStartValue === 0 ? 0 : value / monthStartValue - 1;
      monthStartValue = value;
    }
    if (next === undefined || next.slice(0, 4) !== year) {
      yearly[year] = yearStartValue === 0 ? 0 : value / yearStartValue - 1;
      yearStartValue = value;
    }
  }
  return { monthly, yearly };
}
