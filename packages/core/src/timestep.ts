import { InvalidTimestepError } from './errors.js';

/** Base units a timestep is a multiple of. */
export type TimestepUnit = 'second' | 'minute' | 'hour' | 'day';

/** A bar duration such as one minute or fifteen minutes. Create one with {@link parseTimestep}. */
export interface Timestep {
  /** The base unit (`minute` for `15m`). */
  readonly unit: TimestepUnit;
  /** How many units one bar spans (15 for `15m`). */
  readonly multiple: number;
  /** Duration of one bar in milliseconds. */
  readonly durationMs: number;
  /** Duration of one bar in nanoseconds. */
  readonly durationNanos: bigint;
  /** Canonical short form: `1s`, `15m`, `1h`, `1d`. */
  readonly label: string;
}

const UNIT_MS: Record<TimestepUnit, number> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

const UNIT_SUFFIX: Record<TimestepUnit, string> = { second: 's', minute: 'm', hour: 'h', day: 'd' };

// Both the word forms Lumibot users know ("minute") and the short forms ("1m", "1min") map to one unit.
const UNIT_ALIASES: Record<string, TimestepUnit> = {
  s: 'second',
  sec: 'second',
  second: 'second',
  seconds: 'second',
  m: 'minute',
  min: 'minute',
  minute: 'minute',
  minutes: 'minute',
  h: 'hour',
  hour: 'hour',
  hours: 'hour',
  d: 'day',
  day: 'day',
  days: 'day',
};

const ACCEPTED_FORMS =
  '"second"/"1s", "minute"/"1m"/"1min", "hour"/"1h", "day"/"1d", or a multiple such as "5m", "15m", "4h"';

const TIMESTEP_PATTERN = /^(\d+)?\s*([a-z]+)$/;

/** Creates a timestep from a unit and a positive integer multiple. */
export function createTimestep(unit: TimestepUnit, multiple = 1): Timestep {
  if (!Number.isSafeInteger(multiple) || multiple < 1) {
    throw new InvalidTimestepError(`Invalid timestep multiple ${multiple}: it must be a positive integer.`, {
      input: `${multiple}${UNIT_SUFFIX[unit]}`,
    });
  }
  const durationMs = UNIT_MS[unit] * multiple;
  return Object.freeze({
    unit,
    multiple,
    durationMs,
    durationNanos: BigInt(durationMs) * 1_000_000n,
    label: `${multiple}${UNIT_SUFFIX[unit]}`,
  });
}

/**
 * Parses a timestep, case-insensitively: `second`/`1s`, `minute`/`1m`/`1min`, `hour`/`1h`, `day`/`1d`, and
 * multiples such as `5m` or `15m`. A {@link Timestep} passes through unchanged.
 * @throws InvalidTimestepError naming the accepted forms; it never falls back to a default.
 */
export function parseTimestep(input: string | Timestep): Timestep {
  if (typeof input !== 'string') return input;
  const match = TIMESTEP_PATTERN.exec(input.trim().toLowerCase());
  const unit = match === null ? undefined : UNIT_ALIASES[match[2]!];
  const multiple = match?.[1] === undefined ? 1 : Number(match[1]);
  if (unit === undefined || !Number.isSafeInteger(multiple) || multiple < 1) {
    throw new InvalidTimestepError(`Invalid timestep "${input}": use ${ACCEPTED_FORMS}.`, { input });
  }
  return createTimestep(unit, multiple);
}

/** True when bars of `coarse` can be built by aggregating whole bars of `fine`. */
export function isMultipleOf(coarse: Timestep, fine: Timestep): boolean {
  return coarse.durationMs >= fine.durationMs && coarse.durationMs % fine.durationMs === 0;
}
