import { InvalidArgumentError } from './errors.js';

// A date-time without `Z` or an offset; JavaScript would read it in the machine's local zone.
const NAIVE_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * Reads an instant from a Date or an ISO-8601 string. Strings without a zone are read as UTC (as
 * Databento does), never in the machine's local time zone.
 * @throws InvalidArgumentError naming `argument` when the value is not a valid instant.
 */
export function parseInstant(value: Date | string, argument = 'instant'): Date {
  let date: Date | undefined;
  if (value instanceof Date) date = value;
  else if (typeof value === 'string') {
    const text = value.trim();
    date = new Date(NAIVE_DATE_TIME.test(text) ? `${text}Z` : text);
  }
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError(
      `Invalid ${argument} ${JSON.stringify(value)}: pass a Date or an ISO-8601 string such as "2024-01-02T14:30:00Z".`,
      { argument },
    );
  }
  return date;
}
