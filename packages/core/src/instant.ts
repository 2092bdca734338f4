import { InvalidArgumentError } from './errors.js';

// ISO-8601 / RFC 3339: a calendar date, optionally a time (`T` or a space), optionally a zone (`Z`, `+01:00`,
// `+0100`, `+01`). Anything else (`5`, `March 5, 2024`, `2024-01-02 14:30` read in local time) is refused
// rather than handed to `new Date`, whose fallbacks depend on the engine and the machine's time zone.
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function invalidInstant(value: unknown, argument: string, reason: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `Invalid ${argument} ${value instanceof Date ? 'Invalid Date' : JSON.stringify(value)}: ${reason}; pass a Date or an ISO-8601 string such as "2024-01-02T14:30:00Z".`,
    { argument },
  );
}

/**
 * Reads an instant from a Date or an ISO-8601 string (`2024-01-02`, `2024-01-02T14:30`,
 * `2024-01-02T14:30:00.123-05:00`). Strings without a zone are read as UTC (as Databento does), never in
 * the machine's local time zone. Fractions finer than a millisecond are truncated (a Date holds ms).
 * @throws InvalidArgumentError naming `argument` when the value is not a valid instant: another format,
 * or a field out of range such as `2025-02-30` (which `new Date` would silently move to March 2).
 */
export function parseInstant(value: Date | string, argument = 'instant'): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalidInstant(value, argument, 'the Date is invalid');
    return value;
  }
  if (typeof value !== 'string') throw invalidInstant(value, argument, 'not a Date or a string');
  const match = ISO_INSTANT.exec(value.trim());
  if (match === null) throw invalidInstant(value, argument, 'not an ISO-8601 date or date-time');
  const [, yearText, monthText, dayText, hourText, minuteText, secondText, fraction, zone] = match;
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  const hour = Number(hourText ?? 0);
  const minute = Number(minuteText ?? 0);
  const second = Number(secondText ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw invalidInstant(value, argument, `${yearText}-${monthText}-${dayText} is not a calendar day`);
  }
  if (hour > 23 || minute > 59 || second > 59) {
    throw invalidInstant(value, argument, 'the time of day is out of range');
  }
  let offsetMinutes = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const offsetRest = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (offsetHours > 23 || offsetRest > 59)
      throw invalidInstant(value, argument, 'the offset is out of range');
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetRest);
  }
  const milliseconds = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  // setUTCFullYear rather than Date.UTC, which maps years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offsetMinutes, second, milliseconds);
  return date;
}
