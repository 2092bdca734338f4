import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidTimestepError } from './errors.js';
import { createTimestep, isMultipleOf, parseTimestep, type TimestepUnit } from './timestep.js';

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

  const aliases: Record<TimestepUnit, readonly string[]> = {
    second: ['s', 'sec', 'second', 'seconds'],
    minute: ['m', 'min', 'minute', 'minutes'],
    hour: ['h', 'hour', 'hours'],
    day: ['d', 'day', 'days'],
  };
  const unitArbitrary = fc.constantFrom<TimestepUnit>('second', 'minute', 'hour', 'day');
  const unitMs: Record<TimestepUnit, number> = {
    second: 1_000,
    minute: 60_000,
    hour: 3_600_000,
    day: 86_400_000,
  };

  it('should parse any multiple of any unit alias in any letter case, and round-trip its label', () => {
    fc.assert(
      fc.property(
        unitArbitrary,
        fc.integer({ min: 1, max: 100_000 }),
        fc.nat(),
        fc.boolean(),
        fc.array(fc.boolean(), { maxLength: 8 }),
        (unit, multiple, aliasSeed, omitOne, upper) => {
          const alias = aliases[unit][aliasSeed % aliases[unit].length]!;
          const cased = [...alias]
            .map((letter, index) => (upper[index] ? letter.toUpperCase() : letter))
            .join('');
          const text = omitOne && multiple === 1 ? cased : `${multiple}${cased}`;
          const timestep = parseTimestep(text);
          expect(timestep).toEqual(createTimestep(unit, multiple));
          expect(timestep.durationMs).toBe(unitMs[unit] * multiple);
          expect(timestep.label).toBe(`${multiple}${unit[0]}`);
          expect(parseTimestep(timestep.label)).toEqual(timestep);
        },
      ),
    );
  });

  it('should throw InvalidTimestepError, never another error or a default, for any other string', () => {
    const valid = /^\s*(\d*[1-9]\d*)?\s*(s|sec|seconds?|m|min|minutes?|h|hours?|d|days?)\s*$/i;
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        fc.pre(!valid.test(text));
        let thrown: unknown;
        try {
          parseTimestep(text);
        } catch (error) {
          thrown = error;
        }
        expect(InvalidTimestepError.isInstance(thrown)).toBe(true);
        expect((thrown as Error).message).toBe(
          `Invalid timestep "${text}": use "second"/"1s", "minute"/"1m"/"1min", "hour"/"1h", "day"/"1d", or a multiple such as "5m", "15m", "4h".`,
        );
      }),
    );
  });
});
