import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { parseInstant } from './instant.js';

describe('parseInstant', () => {
  it.each([
    ['2024-01-02', '2024-01-02T00:00:00.000Z'],
    ['2024-01-02T14:30', '2024-01-02T14:30:00.000Z'],
    ['2024-01-02 14:30', '2024-01-02T14:30:00.000Z'],
    ['2024-01-02T14:30:05Z', '2024-01-02T14:30:05.000Z'],
    ['2024-01-02t14:30:05.5z', '2024-01-02T14:30:05.500Z'],
    ['2024-01-02T14:30:05.123456789Z', '2024-01-02T14:30:05.123Z'],
    ['2025-03-11T00:30:00-04:00', '2025-03-11T04:30:00.000Z'],
    ['2025-03-11T00:30:00+0530', '2025-03-10T19:00:00.000Z'],
    ['2025-03-11T00:30:00+01', '2025-03-10T23:30:00.000Z'],
    ['0050-06-01T00:00Z', '0050-06-01T00:00:00.000Z'],
    [' 2024-02-29T23:59:59Z ', '2024-02-29T23:59:59.000Z'],
  ])('should read %j as %s', (text, expected) => {
    expect(parseInstant(text).toISOString()).toBe(expected);
  });

  it('should return a valid Date unchanged', () => {
    const date = new Date('2024-01-02T14:30:00Z');
    expect(parseInstant(date)).toBe(date);
  });

  it.each([
    ['5', 'not an ISO-8601 date or date-time'],
    ['yesterday', 'not an ISO-8601 date or date-time'],
    ['March 5, 2024', 'not an ISO-8601 date or date-time'],
    ['20240102', 'not an ISO-8601 date or date-time'],
    ['2025-02-30', '2025-02-30 is not a calendar day'],
    ['2023-02-29T00:00Z', '2023-02-29 is not a calendar day'],
    ['2025-13-01T00:00Z', '2025-13-01 is not a calendar day'],
    ['2025-01-01T24:00Z', 'the time of day is out of range'],
    ['2025-01-01T12:60Z', 'the time of day is out of range'],
    ['2025-01-01T12:00+24:00', 'the offset is out of range'],
  ])('should reject %j: %s', (text, reason) => {
    const call = () => parseInstant(text, 'start');
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(
      `Invalid start ${JSON.stringify(text)}: ${reason}; pass a Date or an ISO-8601 string such as "2024-01-02T14:30:00Z".`,
    );
  });

  it('should reject an invalid Date naming the argument', () => {
    let thrown: unknown;
    try {
      parseInstant(new Date(Number.NaN), 'end');
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidArgumentError).argument).toBe('end');
    expect((thrown as Error).message).toBe(
      'Invalid end Invalid Date: the Date is invalid; pass a Date or an ISO-8601 string such as "2024-01-02T14:30:00Z".',
    );
  });

  it('should read back every instant written by toISOString, with or without the Z', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1000-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const text = date.toISOString();
          expect(parseInstant(text).getTime()).toBe(date.getTime());
          expect(parseInstant(text.slice(0, -1)).getTime()).toBe(date.getTime());
        },
      ),
    );
  });

  it('should apply any whole-minute offset the way Date does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
        (time, offsetMinutes) => {
          const wall = new Date(time + offsetMinutes * 60_000).toISOString().slice(0, 23);
          const sign = offsetMinutes < 0 ? '-' : '+';
          const magnitude = Math.abs(offsetMinutes);
          const zone = `${sign}${String(Math.floor(magnitude / 60)).padStart(2, '0')}:${String(magnitude % 60).padStart(2, '0')}`;
          expect(parseInstant(`${wall}${zone}`).getTime()).toBe(time);
        },
      ),
    );
  });
});
