import {
  InvalidArgumentError,
  InvalidAssetError,
  InvalidTimestepError,
  parseInstant,
  parseMarketInstant,
} from '@lb/core';
import { UsageError } from './usage-error.js';

/**
 * Runs `parse` and turns core's argument errors (bad symbol, timestep, instant, root, range) into a
 * {@link UsageError}: on the command line they are the user's arguments, so they exit 2.
 */
export function asUsageError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (
      InvalidArgumentError.isInstance(error) ||
      InvalidAssetError.isInstance(error) ||
      InvalidTimestepError.isInstance(error)
    ) {
      throw new UsageError(error.message, { cause: error });
    }
    throw error;
  }
}

/** Option names of a range, as the user typed them. */
export interface RangeOptionNames {
  readonly start: string;
  readonly end: string;
}

/**
 * Parses `--start` and `--end` (ISO-8601; naive means UTC, like Databento) and checks that the range is
 * not empty, so a swapped pair fails as bad usage before anything is downloaded or run.
 * @throws UsageError naming the option at fault.
 */
export function parseRangeArguments(
  range: { readonly start: Date | string; readonly end: Date | string },
  names: RangeOptionNames = { start: '--start', end: '--end' },
  options: { readonly timeZone?: string } = {},
): { start: Date; end: Date } {
  // Backtests read zone-less bounds on the market's wall clock (like Lumibot); data commands read them as UTC.
  const parse = (value: Date | string, name: string) =>
    options.timeZone === undefined
      ? parseInstant(value, name)
      : parseMarketInstant(value, options.timeZone, name);
  const start = asUsageError(() => parse(range.start, names.start));
  const end = asUsageError(() => parse(range.end, names.end));
  if (end.getTime() <= start.getTime()) {
    throw new UsageError(
      `${names.end} ${end.toISOString()} must be after ${names.start} ${start.toISOString()}; swap them or widen the range.`,
    );
  }
  return { start, end };
}
