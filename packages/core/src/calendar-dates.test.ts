import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  civilDateOf,
  dayNumberOf,
  FRIDAY,
  lastWeekdayOfMonth,
  MONDAY,
  newYorkInstant,
  newYorkOffsetMinutes,
  newYorkYearMonth,
  nthLastBusinessDayOfMonth,
  nthWeekdayOfMonth,
  observedWeekday,
  weekdayOf,
} from './calendar-dates.js';

function isoDate(dayNumber: number): string {
  const { year, month, day } = civilDateOf(dayNumber);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

describe('calendar dates', () => {
  it('should find weekdays, nth and last weekdays of a month', () => {
    expect(weekdayOf(dayNumberOf(1970, 1, 1))).toBe(4);
    expect(weekdayOf(dayNumberOf(1969, 12, 28))).toBe(0);
    expect(isoDate(nthWeekdayOfMonth(2025, 3, FRIDAY, 3))).toBe('2025-03-21');
    expect(isoDate(nthWeekdayOfMonth(2024, 3, FRIDAY, 3))).toBe('2024-03-15');
    expect(isoDate(lastWeekdayOfMonth(2024, 5, MONDAY))).toBe('2024-05-27');
    expect(isoDate(nthLastBusinessDayOfMonth(2025, 2, 3))).toBe('2025-02-26');
    expect(isoDate(nthLastBusinessDayOfMonth(2025, 11, 1))).toBe('2025-11-28');
  });

  it('should skip weekends when counting business days', () => {
    expect(isoDate(addBusinessDays(dayNumberOf(2025, 3, 21), -8))).toBe('2025-03-11');
    expect(isoDate(addBusinessDays(dayNumberOf(2025, 3, 22), -1))).toBe('2025-03-21');
    expect(isoDate(addBusinessDays(dayNumberOf(2025, 3, 21), 1))).toBe('2025-03-24');
    expect(isoDate(addBusinessDays(dayNumberOf(2025, 3, 21), 0))).toBe('2025-03-21');
  });

  it('should move Saturday holidays to Friday and Sunday holidays to Monday', () => {
    expect(isoDate(observedWeekday(dayNumberOf(2022, 1, 1)))).toBe('2021-12-31');
    expect(isoDate(observedWeekday(dayNumberOf(2023, 1, 1)))).toBe('2023-01-02');
    expect(isoDate(observedWeekday(dayNumberOf(2023, 12, 25)))).toBe('2023-12-25');
  });

  it('should match luxon for New York wall-clock times the calendars use', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: dayNumberOf(1970, 1, 1), max: dayNumberOf(2100, 12, 31) }),
        fc.constantFrom([0, 0], [9, 30], [16, 0], [17, 0], [18, 0], [23, 59]),
        (dayNumber, [hour, minute]) => {
          const { year, month, day } = civilDateOf(dayNumber);
          const expected = DateTime.fromObject(
            { year, month, day, hour, minute },
            { zone: 'America/New_York' },
          ).toMillis();
          expect(newYorkInstant(dayNumber, hour, minute).getTime()).toBe(expected);
        },
      ),
    );
  });

  it('should read the New York month of an instant', () => {
    expect(newYorkYearMonth(new Date('2026-01-01T04:59:59Z'))).toEqual({ year: 2025, month: 12 });
    expect(newYorkYearMonth(new Date('2026-01-01T05:00:00Z'))).toEqual({ year: 2026, month: 1 });
    expect(newYorkYearMonth(new Date('2025-07-01T03:59:59Z'))).toEqual({ year: 2025, month: 6 });
    expect(newYorkYearMonth(new Date('2025-07-01T04:00:00Z'))).toEqual({ year: 2025, month: 7 });
  });
});

describe('newYorkOffsetMinutes', () => {
  it('should match luxon at any instant, including around DST changes', () => {
    const changes = [Date.parse('2025-03-09T07:00:00Z'), Date.parse('2025-11-02T06:00:00Z')];
    const nearChange = fc
      .tuple(fc.constantFrom(...changes), fc.integer({ min: -3_600_000, max: 3_600_000 }))
      .map(([change, delta]) => change + delta);
    const anywhere = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) });
    fc.assert(
      fc.property(fc.oneof(nearChange, anywhere), (time) => {
        expect(newYorkOffsetMinutes(time)).toBe(
          DateTime.fromMillis(time, { zone: 'America/New_York' }).offset,
        );
      }),
      { numRuns: 500 },
    );
    expect(newYorkOffsetMinutes(changes[0]! - 1)).toBe(-300);
    expect(newYorkOffsetMinutes(changes[0]!)).toBe(-240);
    expect(newYorkOffsetMinutes(changes[1]! - 1)).toBe(-240);
    expect(newYorkOffsetMinutes(changes[1]!)).toBe(-300);
  });
});
