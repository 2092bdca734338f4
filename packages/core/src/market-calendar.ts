/**
 * Market calendars: when US futures (CME Globex) and NYSE equities trade.
 *
 * Sessions are computed per calendar year from rules (weekdays, holiday rules, an Easter algorithm) rather
 * than from a holiday table, so they never run out; each year is computed once and cached as two sorted
 * arrays of epoch milliseconds, which keeps `isOpen` a binary search. Early closes (the day after
 * Thanksgiving, Christmas Eve) and one-off closures (national days of mourning, 9/11, Hurricane Sandy) are
 * not modelled.
 */
import {
  assertValidInstant,
  assertValidRange,
  dayNumberOf,
  easterSunday,
  isWeekday,
  lastWeekdayOfMonth,
  MONDAY,
  newYorkInstant,
  nthWeekdayOfMonth,
  observedWeekday,
  SATURDAY,
  THURSDAY,
  weekdayOf,
} from './calendar-dates.js';
import { InvalidArgumentError, LbError } from './errors.js';

/** Names accepted by {@link getMarketCalendar}. */
export const MARKET_CALENDAR_NAMES = ['us_futures', 'nyse', '24/7'] as const;

/** A market calendar name: `us_futures` (CME Globex), `nyse`, or `24/7` (every day, every hour, as crypto). */
export type MarketCalendarName = (typeof MARKET_CALENDAR_NAMES)[number];

/** One trading session: open from `open` (inclusive) to `close` (exclusive). */
export interface MarketSession {
  /** First instant of the session (inclusive). */
  readonly open: Date;
  /** End of the session (exclusive). */
  readonly close: Date;
}

/** Trading sessions of one market. Every method throws {@link InvalidArgumentError} for invalid Dates. */
export interface MarketCalendar {
  /** The calendar name, as passed to {@link getMarketCalendar}. */
  readonly name: MarketCalendarName;
  /** IANA zone of the market's wall clock (`America/New_York`; `UTC` for `24/7`). */
  readonly timeZone: string;
  /** Whether a session is open at instant `at` (open inclusive, close exclusive). */
  isOpen(at: Date): boolean;
  /** The open of the first session opening at or after `at` (so, during a session, the next one). */
  nextOpen(at: Date): Date;
  /**
   * Every session overlapping `[start, end)`, whole (not clipped to the range), in time order. Sessions are
   * cached per year, so a year's worth costs a few milliseconds the first time and a copy afterwards.
   * Throws {@link InvalidArgumentError} if `start` is after `end`.
   */
  sessions(start: Date, end: Date): MarketSession[];
}

interface CalendarDefinition {
  readonly name: MarketCalendarName;
  readonly timeZone: string;
  /** Trades on Saturdays and Sundays too. */
  readonly everyDay?: boolean;
  /** Closed weekdays whose holiday rules belong to `year` (observed dates may fall in a neighbour year). */
  holidays(year: number): number[];
  /** Open and close instants of the session that trades on (and, for Globex, ends on) `dayNumber`. */
  session(dayNumber: number): readonly [open: Date, close: Date];
}

/**
 * CME Globex, simplified: each trading day's session runs from 18:00 New York time the evening before to
 * 17:00 (so the week opens Sunday 18:00 and closes Friday 17:00). Closed on New Year's Day, Good Friday and
 * Christmas; the session that would end on the holiday does not trade at all. A Sunday holiday closes the
 * Monday after and a Saturday Christmas the Friday before, but a Saturday New Year's Day closes nothing:
 * the Friday before ends the year, and CME traded on 2010-12-31 and 2021-12-31 (as in the `us_futures`
 * calendar of exchange_calendars, which Lumibot uses).
 */
const US_FUTURES: CalendarDefinition = {
  name: 'us_futures',
  timeZone: 'America/New_York',
  holidays(year) {
    const newYearsDay = dayNumberOf(year, 1, 1);
    const holidays = [easterSunday(year) - 2, observedWeekday(dayNumberOf(year, 12, 25))];
    if (weekdayOf(newYearsDay) !== SATURDAY) holidays.push(observedWeekday(newYearsDay));
    return holidays;
  },
  session(dayNumber) {
    return [newYorkInstant(dayNumber - 1, 18, 0), newYorkInstant(dayNumber, 17, 0)];
  },
};

/**
 * NYSE regular hours, 09:30-16:00 New York time, and its full-day holidays (NYSE Rule 7.2): a Saturday
 * holiday closes the Friday before and a Sunday holiday the Monday after, except that New Year's Day on a
 * Saturday is not observed at all, because the Friday before closes a monthly and yearly accounting period
 * (NYSE traded on 2010-12-31 and 2021-12-31).
 */
const NYSE: CalendarDefinition = {
  name: 'nyse',
  timeZone: 'America/New_York',
  holidays(year) {
    const newYearsDay = dayNumberOf(year, 1, 1);
    const holidays = [
      nthWeekdayOfMonth(year, 2, MONDAY, 3), // Washington's Birthday (Presidents' Day)
      easterSunday(year) - 2, // Good Friday
      lastWeekdayOfMonth(year, 5, MONDAY), // Memorial Day
      observedWeekday(dayNumberOf(year, 7, 4)), // Independence Day
      nthWeekdayOfMonth(year, 9, MONDAY, 1), // Labor Day
      nthWeekdayOfMonth(year, 11, THURSDAY, 4), // Thanksgiving
      observedWeekday(dayNumberOf(year, 12, 25)), // Christmas
    ];
    if (weekdayOf(newYearsDay) !== SATURDAY) holidays.push(observedWeekday(newYearsDay));
    // NYSE first closed for Martin Luther King Jr. Day in 1998 and for Juneteenth in 2022.
    if (year >= 1998) holidays.push(nthWeekdayOfMonth(year, 1, MONDAY, 3));
    if (year >= 2022) holidays.push(observedWeekday(dayNumberOf(year, 6, 19)));
    return holidays;
  },
  session(dayNumber) {
    return [newYorkInstant(dayNumber, 9, 30), newYorkInstant(dayNumber, 16, 0)];
  },
};

const DAY_MS = 86_400_000;

/**
 * Around the clock, every day of the year (Lumibot's `24/7`, for crypto and for paper trading at any hour):
 * one session per UTC day, 00:00 to 24:00 UTC, so session hooks still run once a day.
 */
const ALWAYS_OPEN: CalendarDefinition = {
  name: '24/7',
  timeZone: 'UTC',
  everyDay: true,
  holidays() {
    return [];
  },
  session(dayNumber) {
    return [new Date(dayNumber * DAY_MS), new Date((dayNumber + 1) * DAY_MS)];
  },
};

interface YearSessions {
  readonly opens: Float64Array;
  readonly closes: Float64Array;
}

function computeYearSessions(definition: CalendarDefinition, year: number): YearSessions {
  // Observed dates can cross a year boundary (New Year's Day on a Saturday observed on December 31).
  const closed = new Set([
    ...definition.holidays(year - 1),
    ...definition.holidays(year),
    ...definition.holidays(year + 1),
  ]);
  const opens: number[] = [];
  const closes: number[] = [];
  const last = dayNumberOf(year, 12, 31);
  for (let day = dayNumberOf(year, 1, 1); day <= last; day++) {
    if ((definition.everyDay !== true && !isWeekday(day)) || closed.has(day)) continue;
    const [open, close] = definition.session(day);
    opens.push(open.getTime());
    closes.push(close.getTime());
  }
  return { opens: Float64Array.from(opens), closes: Float64Array.from(closes) };
}

/** Index of the first element of a sorted array greater than `value`, or its length. */
function firstGreaterThan(values: Float64Array, value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] as number) > value) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Index of the first element of a sorted array greater than or equal to `value`, or its length. */
function firstAtLeast(values: Float64Array, value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] as number) >= value) high = middle;
    else low = middle + 1;
  }
  return low;
}

// A session is keyed by the year of the day it trades; its instants sit within a day of that day in UTC,
// so scanning one year either side of an instant's UTC year always finds it.
const NEIGHBOUR_YEARS = 1;

function createCalendar(definition: CalendarDefinition): MarketCalendar {
  const cache = new Map<number, YearSessions>();
  const yearSessions = (year: number): YearSessions => {
    let sessions = cache.get(year);
    if (sessions === undefined) {
      sessions = computeYearSessions(definition, year);
      cache.set(year, sessions);
    }
    return sessions;
  };

  return {
    name: definition.name,
    timeZone: definition.timeZone,
    isOpen(at) {
      assertValidInstant(at, 'at');
      const time = at.getTime();
      const year = at.getUTCFullYear();
      for (let candidate = year - NEIGHBOUR_YEARS; candidate <= year + NEIGHBOUR_YEARS; candidate++) {
        const { opens, closes } = yearSessions(candidate);
        const index = firstGreaterThan(closes, time);
        if (index < closes.length && (opens[index] as number) <= time) return true;
      }
      return false;
    },
    nextOpen(at) {
      assertValidInstant(at, 'at');
      const time = at.getTime();
      const year = at.getUTCFullYear();
      // Years are scanned in order and opens are sorted within and across years, so the first hit wins.
      for (let candidate = year - NEIGHBOUR_YEARS; candidate <= year + 2; candidate++) {
        const { opens } = yearSessions(candidate);
        const index = firstAtLeast(opens, time);
        if (index < opens.length) return new Date(opens[index] as number);
      }
      throw new LbError(`No ${definition.name} session opens within a year after ${at.toISOString()}.`);
    },
    sessions(start, end) {
      assertValidRange(start, end);
      const startTime = start.getTime();
      const endTime = end.getTime();
      const result: MarketSession[] = [];
      if (startTime === endTime) return result;
      const lastYear = end.getUTCFullYear() + NEIGHBOUR_YEARS;
      for (let year = start.getUTCFullYear() - NEIGHBOUR_YEARS; year <= lastYear; year++) {
        const { opens, closes } = yearSessions(year);
        for (let index = firstGreaterThan(closes, startTime); index < opens.length; index++) {
          const open = opens[index] as number;
          if (open >= endTime) break;
          result.push({ open: new Date(open), close: new Date(closes[index] as number) });
        }
      }
      return result;
    },
  };
}

const CALENDARS: Readonly<Record<MarketCalendarName, MarketCalendar>> = {
  us_futures: createCalendar(US_FUTURES),
  nyse: createCalendar(NYSE),
  '24/7': createCalendar(ALWAYS_OPEN),
};

/**
 * The market calendar called `name`: `us_futures` (CME Globex sessions, 18:00 to 17:00 New York time,
 * Sunday evening to Friday), `nyse` (09:30-16:00 New York time with NYSE holidays) or `24/7` (one session
 * per UTC day, every day). Calendars are shared
 * singletons, so their per-year session cache is too. Unknown names throw {@link InvalidArgumentError}.
 *
 * ```ts
 * const calendar = getMarketCalendar('nyse');
 * calendar.isOpen(new Date('2024-03-29T15:00:00Z')); // false: Good Friday
 * ```
 */
export function getMarketCalendar(name: MarketCalendarName): MarketCalendar {
  if (!Object.hasOwn(CALENDARS, name)) {
    throw new InvalidArgumentError(
      `Unknown market calendar ${JSON.stringify(name)}; known calendars: ${MARKET_CALENDAR_NAMES.join(', ')}.`,
      { argument: 'name' },
    );
  }
  return CALENDARS[name];
}
