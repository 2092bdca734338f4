import { DateTime } from 'luxon';
import { InvalidArgumentError } from '../errors.js';
import { parseInstant } from '../instant.js';
import type { MarketCalendarName } from '../market-calendar.js';

/** The IANA time zone a market's wall clock runs in: New York for `us_futures` and `nyse`, UTC for `24/7`. */
export function marketTimeZone(market: MarketCalendarName): string {
  return market === '24/7' ? 'UTC' : 'America/New_York';
}

/** An instant read on a market's wall clock (see {@link toMarketTime}). */
export interface MarketTime {
  /** IANA zone the fields are in. */
  readonly timeZone: string;
  readonly year: number;
  /** 1-12. */
  readonly month: number;
  /** Day of the month, 1-31. */
  readonly day: number;
  /** 0-23. */
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** ISO weekday: 1 Monday ... 7 Sunday. */
  readonly weekday: number;
  /** `hour * 60 + minute`, so "09:30 to 16:00" is `minuteOfDay >= 570 && minuteOfDay < 960`. */
  readonly minuteOfDay: number;
  /** ISO 8601 with the zone's offset, e.g. `2024-01-03T09:30:00.000-05:00`. */
  readonly iso: string;
}

/**
 * Reads `instant` on `timeZone`'s wall clock, so a rule such as "trade only 09:30-16:00 New York" is one
 * comparison: `const { minuteOfDay } = toMarketTime(now, 'America/New_York')`.
 */
export function toMarketTime(instant: Date | number, timeZone: string): MarketTime {
  const time = DateTime.fromMillis(typeof instant === 'number' ? instant : instant.getTime(), {
    zone: timeZone,
  });
  return {
    timeZone,
    year: time.year,
    month: time.month,
    day: time.day,
    hour: time.hour,
    minute: time.minute,
    second: time.second,
    weekday: time.weekday,
    minuteOfDay: time.hour * 60 + time.minute,
    iso: time.toISO() ?? '',
  };
}

// A zone suffix: `Z`, `+01:00`, `+0100` or `+01` after a time of day.
const HAS_ZONE = /T?\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Reads a backtest bound like Lumibot does: a Date, or an ISO 8601 string whose wall-clock time is in
 * `timeZone` when it carries no zone (`2024-01-03` is midnight New York for `America/New_York`). Strings
 * with `Z` or an offset mean exactly that instant. Data requests keep reading zone-less input as UTC
 * (`parseInstant`), as Databento's API does.
 * @throws InvalidArgumentError naming `argument` when the value is not a valid instant, or names a wall
 * time skipped by a daylight-saving change.
 */
export function parseMarketInstant(value: Date | string, timeZone: string, argument = 'instant'): Date {
  const asUtc = parseInstant(value, argument);
  if (typeof value !== 'string' || HAS_ZONE.test(value.trim())) return asUtc;
  // The UTC reading carries the wall-clock fields; re-read them in the market's zone.
  const local = DateTime.fromObject(
    {
      year: asUtc.getUTCFullYear(),
      month: asUtc.getUTCMonth() + 1,
      day: asUtc.getUTCDate(),
      hour: asUtc.getUTCHours(),
      minute: asUtc.getUTCMinutes(),
      second: asUtc.getUTCSeconds(),
      millisecond: asUtc.getUTCMilliseconds(),
    },
    { zone: timeZone },
  );
  if (!local.isValid || local.hour !== asUtc.getUTCHours()) {
    throw new InvalidArgumentError(
      `Invalid ${argument} ${JSON.stringify(value)}: that wall-clock time does not exist in ${timeZone} (a daylight-saving gap); add an explicit offset such as "Z" or "-05:00".`,
      { argument },
    );
  }
  return new Date(local.toMillis());
}
