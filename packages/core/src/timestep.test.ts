import { describe, expect, it } from 'vitest';
import { InvalidTimestepError } from './errors.js';
import { isMultipleOf, parseTimestep } from './timestep.js';

describe('parseTimestep', () => {
  it.each([
    ['second', 'second', 1, 1_000],
    ['1s', 'second', 1, 1_000],
    ['minute', 'minute', 1, 60_000],
    ['1m', 'minute', 1, 60_000],
    ['1min', 'minute', 1, 60_000],
    ['MINUTE', 'minute', 1, 60_000],
    ['5m', 'minute', 5, 300_000],
    ['15M', 'minute', 15, 900_000],
    ['hour', 'hour', 1, 3_600_000],
    ['1H', 'hour', 1, 3_600_000],
    ['day', 'day', 1, 86_400_000],
    ['1d', 'day', 1, 86_400_000],
  ])('should parse %s', (text, unit, multiple, durationMs) => {
    const timestep = parseTimestep(text);
    expect(timestep).toMatchObject({ unit, multiple, durationMs });
    expect(timestep.durationNanos).toBe(BigInt(durationMs) * 1_000_000n);
  });

  it('should give canonical labels', () => {
    expect(parseTimestep('minute').label).toBe('1m');
    expect(parseTimestep('15min').label).toBe('15m');
  });

  it.each(['', 'weekly', '0m', '-1m', '1.5m', 'm5', '1y', '1 mon'])(
    'should reject %j naming the accepted forms',
    (text) => {
      let thrown: unknown;
      try {
        parseTimestep(text);
      } catch (error) {
        thrown = error;
      }
      expect(InvalidTimestepError.isInstance(thrown)).toBe(true);
      expect((thrown as Error).message).toContain('"minute"/"1m"/"1min"');
      expect((thrown as InvalidTimestepError).input).toBe(text);
    },
  );

  it('should know which timesteps aggregate into which', () => {
    expect(isMultipleOf(parseTimestep('15m'), parseTimestep('1m'))).toBe(true);
    expect(isMultipleOf(parseTimestep('1h'), parseTimestep('7m'))).toBe(false);
    expect(isMultipleOf(parseTimestep('1m'), parseTimestep('1h'))).toBe(false);
  });
});
