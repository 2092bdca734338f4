/**
 * Civil-date arithmetic shared by roll rules and market calendars. Internal: not exported from the package
 * index. Dates are handled as day numbers (days since 1970-01-01) so that business-day and holiday math
 * never touches a time zone; only {@link newYorkInstant} turns a civil date and wall-clock time into an
 * instant, with luxon applying the America/New_York offset (EST or EDT) in force on that date.
 */
import { IANAZone } from 'luxon';
import { InvalidArgumentError } from './errors.js';

/** The exchange time zone of every CME and NYSE rule in @lb. */
export const NEW_YORK_TIME_ZONE = 'America/New_York';

const MILLISECONDS_PER_DAY = 86_400_000;

/** Sunday, numbered as by `Date#getUTCDay`. */
export const SUNDAY = 0;
/** Monday, numbered as by `Date#getUTCDay`. */
export const MONDAY = 1;
/** Thursday, numbered as by `Date#getUTCDay`. */
export const THURSDAY = 4;
/** Friday, numbered as by `Date#getUTCDay`. */
export const FRIDAY = 5;
/** Saturday, numbered as by `Date#getUTCDay`. */
export const SATURDAY = 6;

/** A calendar date without a time zone. `month` is 1-12. */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Days since 1970-01-01 for a civil date (proleptic Gregorian). */
export function dayNumberOf(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / MILLISECONDS_PER_DAY);
}

/** The civil date of a day number. */
export function civilDateOf(dayNumber: number): CivilDate {
  const date = new Date(dayNumber * MILLISECONDS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** Day of week of a day number: 0 is Sunday. 1970-01-01 was a Thursday. */
export function weekdayOf(dayNumber: number): number {
  return (((dayNumber + THURSDAY) % 7) + 7) % 7;
}

/** Whether a day number falls Monday to Friday. */
export function isWeekday(dayNumber: number): boolean {
  const weekday = weekdayOf(dayNumber);
  return weekday !== SATURDAY && weekday !== SUNDAY;
}

/** Day number of the last day of a month. */
export function lastDayOfMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one; Date.UTC rolls month 13 into January.
  return dayNumberOf(year, month + 1, 0);
}

/** Day number of the `occurrence`-th `weekday` (0 = Sunday) of a month, e.g. the third Friday. */
export function nthWeekdayOfMonth(year: number, month: number, weekday: number, occurrence: number): number {
  const first = dayNumberOf(year, month, 1);
  const offset = (weekday - weekdayOf(first) + 7) % 7;
  return first + offset + (occurrence - 1) * 7;
}

/** Day number of the last `weekday` (0 = Sunday) of a month, e.g. the last Monday of May. */
export function lastWeekdayOfMonth(year: number, month: number, weekday: number): number {
  const last = lastDayOfMonth(year, month);
  return last - ((weekdayOf(last) - weekday + 7) % 7);
}

/**
 * Moves `count` Monday-to-Friday days from `dayNumber`: negative counts go back. The start day itself is
 * never counted, so `addBusinessDays(friday, -1)` is the Thursday before.
 */
export function addBusinessDays(dayNumber: number, count: number): number {
  const step = count < 0 ? -1 : 1;
  let remaining = Math.abs(count);
  let current = dayNumber;
  while (remaining > 0) {
    current += step;
    if (isWeekday(current)) remaining -= 1;
  }
  return current;
}

/** The `n`-th last Monday-to-Friday day of a month (`n` = 1 is the last business day). */
export function nthLastBusinessDayOfMonth(year: number, month: number, n: number): number {
  let current = lastDayOfMonth(year, month);
  while (!isWeekday(current)) current -= 1;
  return addBusinessDays(current, -(n - 1));
}

/**
 * Easter Sunday of a Gregorian year, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). It is
 * exact for every year from 1583 on, with no lookup table to go stale.
 */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayNumberOf(year, month, day);
}

/**
 * US federal "observed" rule: a holiday on Saturday is observed the Friday before, on Sunday the Monday
 * after.
 */
export function observedWeekday(dayNumber: number): number {
  const weekday = weekdayOf(dayNumber);
  if (weekday === SATURDAY) return dayNumber - 1;
  if (weekday === SUNDAY) return dayNumber + 1;
  return dayNumber;
}

const NEW_YORK_ZONE = IANAZone.create(NEW_YORK_TIME_ZONE);
const MILLISECONDS_PER_MINUTE = 60_000;

/** Offset changes of one UTC year: `offsets[i]` (minutes) applies from `starts[i]` (epoch ms) on. */
interface OffsetSegments {
  readonly starts: number[];
  readonly offsets: number[];
}

const offsetSegmentsByYear = new Map<number, OffsetSegments>();

/**
 * New York UTC offsets of a UTC year, from luxon's zone data. Asking the zone costs an `Intl` call, and a
 * year of sessions needs about a thousand offsets, so we sample month starts and binary-search the (at
 * most one per month) DST change to the minute instead: about 45 zone calls per year.
 */
function offsetSegmentsOf(year: number): OffsetSegments {
  let segments = offsetSegmentsByYear.get(year);
  if (segments !== undefined) return segments;
  const starts = [Date.UTC(year, 0, 1)];
  const offsets = [NEW_YORK_ZONE.offset(Date.UTC(year, 0, 1))];
  for (let month = 1; month <= 12; month++) {
    const monthStart = Date.UTC(year, month, 1);
    const offset = NEW_YORK_ZONE.offset(monthStart);
    if (offset === offsets.at(-1)) continue;
    // Zone changes happen on whole minutes: search the last minute with the old offset.
    let low = Date.UTC(year, month - 1, 1) / MILLISECONDS_PER_MINUTE;
    let high = monthStart / MILLISECONDS_PER_MINUTE;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (NEW_YORK_ZONE.offset(middle * MILLISECONDS_PER_MINUTE) === offset) high = middle;
      else low = middle;
    }
    starts.push(high * MILLISECONDS_PER_MINUTE);
    offsets.push(offset);
  }
  segments = { starts, offsets };
  offsetSegmentsByYear.set(year, segments);
  return segments;
}

/** The New York UTC offset in minutes (-300 for EST, -240 for EDT) at an instant. */
export function newYorkOffsetMinutes(time: number): number {
  const { starts, offsets } = offsetSegmentsOf(new Date(time).getUTCFullYear());
  let index = starts.length - 1;
  while ((starts[index] as number) > time) index -= 1;
  return offsets[index] as number;
}

/**
 * The instant of a New York wall-clock time on a civil date, with the EST/EDT offset in force then.
 *
 * Same two-step offset fix as luxon's `DateTime.fromObject`, on cached offsets: a calendar year needs
 * hundreds of these. Exact for every wall time outside the 01:00-03:00 window of DST-change nights
 * (skipped or repeated hours), which no rule in @lb uses.
 */
export function newYorkInstant(dayNumber: number, hour = 0, minute = 0): Date {
  const wallClock = dayNumber * MILLISECONDS_PER_DAY + (hour * 60 + minute) * MILLISECONDS_PER_MINUTE;
  const guess = wallClock - newYorkOffsetMinutes(wallClock) * MILLISECONDS_PER_MINUTE;
  return new Date(wallClock - newYorkOffsetMinutes(guess) * MILLISECONDS_PER_MINUTE);
}

/** The New York calendar year and month (1-12) in which an instant falls. */
export function newYorkYearMonth(instant: Date): { year: number; month: number } {
  const time = instant.getTime();
  const wallClock = new Date(time + newYorkOffsetMinutes(time) * MILLISECONDS_PER_MINUTE);
  return { year: wallClock.getUTCFullYear(), month: wallClock.getUTCMonth() + 1 };
}

// Four-digit years keep contract codes well defined and loops over years bounded.
const MINIMUM_TIME = Date.UTC(1583, 0, 2);
const MAXIMUM_TIME = Date.UTC(9998, 11, 31);

/**
 * Throws {@link InvalidArgumentError} unless `value` is a valid `Date` between 1583 and 9998 (the Gregorian
 * years for which Easter and four-digit contract years are defined).
 */
export function assertValidInstant(value: unknown, argument: string): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidArgumentError(
      `${argument} must be a valid Date, got ${value instanceof Date ? 'Invalid Date' : String(value)}.`,
      { argument },
    );
  }
  const time = value.getTime();
  if (time < MINIMUM_TIME || time > MAXIMUM_TIME) {
    throw new InvalidArgumentError(
      `${argument} must fall between the years 1583 and 9998, got ${value.toISOString()}.`,
      { argument },
    );
  }
}

/** Throws {@link InvalidArgumentError} unless both bounds are valid and `start` is not after `end`. */
export function assertValidRange(start: Date, end: Date): void {
  assertValidInstant(start, 'start');
  assertValidInstant(end, 'end');
  if (start.getTime() > end.getTime()) {
    throw new InvalidArgumentError(
      `start (${start.toISOString()}) must not be after end (${end.toISOString()}).`,
      { argument: 'start' },
    );
  }
}
