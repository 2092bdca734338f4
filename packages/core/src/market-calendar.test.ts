import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { civilDateOf, easterSunday } from './calendar-dates.js';
import { InvalidArgumentError } from './errors.js';
import { getMarketCalendar, MARKET_CALENDAR_NAMES, type MarketCalendarName } from './market-calendar.js';

const NEW_YORK = 'America/New_York';

function sessionsAsText(name: MarketCalendarName, start: string, end: string): string[] {
  return getMarketCalendar(name)
    .sessions(new Date(start), new Date(end))
    .map((session) => `${session.open.toISOString()} ${session.close.toISOString()}`);
}

function isOpen(name: MarketCalendarName, at: string): boolean {
  return getMarketCalendar(name).isOpen(new Date(at));
}

function nextOpen(name: MarketCalendarName, at: string): string {
  return getMarketCalendar(name).nextOpen(new Date(at)).toISOString();
}

describe('easterSunday', () => {
  it.each([
    [1818, '1818-03-22'],
    [2000, '2000-04-23'],
    [2008, '2008-03-23'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2038, '2038-04-25'],
    [2285, '2285-03-22'],
  ])('should put Easter %i on %s', (year, expected) => {
    const { month, day } = civilDateOf(easterSunday(year));
    expect(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`).toBe(expected);
  });
});

describe('getMarketCalendar', () => {
  it('should return the named calendars', () => {
    expect(MARKET_CALENDAR_NAMES).toEqual(['us_futures', 'nyse', '24/7']);
    expect(getMarketCalendar('nyse').name).toBe('nyse');
    expect(getMarketCalendar('us_futures').name).toBe('us_futures');
  });

  it('should reject an unknown name and list the known ones', () => {
    const call = () => getMarketCalendar('lse' as MarketCalendarName);
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow('Unknown market calendar "lse"; known calendars: us_futures, nyse, 24/7.');
    expect(() => getMarketCalendar('toString' as MarketCalendarName)).toThrow(InvalidArgumentError);
  });
});

describe('us_futures calendar', () => {
  it('should open Sunday 18:00 and close Friday 17:00 New York time', () => {
    expect(sessionsAsText('us_futures', '2024-01-05T00:00:00Z', '2024-01-09T00:00:00Z')).toEqual([
      '2024-01-04T23:00:00.000Z 2024-01-05T22:00:00.000Z',
      '2024-01-07T23:00:00.000Z 2024-01-08T22:00:00.000Z',
      '2024-01-08T23:00:00.000Z 2024-01-09T22:00:00.000Z',
    ]);
    expect(isOpen('us_futures', '2024-01-05T21:59:59.999Z')).toBe(true);
    expect(isOpen('us_futures', '2024-01-05T22:00:00Z')).toBe(false);
    expect(isOpen('us_futures', '2024-01-06T12:00:00Z')).toBe(false);
    expect(isOpen('us_futures', '2024-01-07T22:59:59Z')).toBe(false);
    expect(isOpen('us_futures', '2024-01-07T23:00:00Z')).toBe(true);
    expect(nextOpen('us_futures', '2024-01-05T22:00:00Z')).toBe('2024-01-07T23:00:00.000Z');
  });

  it('should be closed during the daily 17:00-18:00 maintenance break', () => {
    expect(isOpen('us_futures', '2024-01-09T22:30:00Z')).toBe(false);
    expect(nextOpen('us_futures', '2024-01-09T22:30:00Z')).toBe('2024-01-09T23:00:00.000Z');
  });

  it('should shift session times in UTC by an hour across the March DST weekend', () => {
    // DST began Sunday 2024-03-10: Friday closes at 22:00Z, Sunday opens at 22:00Z instead of 23:00Z.
    expect(sessionsAsText('us_futures', '2024-03-08T00:00:00Z', '2024-03-12T00:00:00Z')).toEqual([
      '2024-03-07T23:00:00.000Z 2024-03-08T22:00:00.000Z',
      '2024-03-10T22:00:00.000Z 2024-03-11T21:00:00.000Z',
      '2024-03-11T22:00:00.000Z 2024-03-12T21:00:00.000Z',
    ]);
  });

  it('should shift session times in UTC by an hour across the November DST weekend', () => {
    // DST ended Sunday 2024-11-03: Friday closes at 21:00Z, Sunday opens at 23:00Z.
    expect(sessionsAsText('us_futures', '2024-11-01T12:00:00Z', '2024-11-04T12:00:00Z')).toEqual([
      '2024-10-31T22:00:00.000Z 2024-11-01T21:00:00.000Z',
      '2024-11-03T23:00:00.000Z 2024-11-04T22:00:00.000Z',
    ]);
  });

  it('should not trade the session ending on Good Friday', () => {
    expect(isOpen('us_futures', '2024-03-28T20:59:59Z')).toBe(true);
    expect(isOpen('us_futures', '2024-03-28T23:00:00Z')).toBe(false);
    expect(isOpen('us_futures', '2024-03-29T15:00:00Z')).toBe(false);
    expect(nextOpen('us_futures', '2024-03-28T21:00:00Z')).toBe('2024-03-31T22:00:00.000Z');
  });

  it('should not trade the session ending on Christmas 2023, a Monday', () => {
    expect(sessionsAsText('us_futures', '2023-12-22T00:00:00Z', '2023-12-27T00:00:00Z')).toEqual([
      '2023-12-21T23:00:00.000Z 2023-12-22T22:00:00.000Z',
      '2023-12-25T23:00:00.000Z 2023-12-26T22:00:00.000Z',
      '2023-12-26T23:00:00.000Z 2023-12-27T22:00:00.000Z',
    ]);
    expect(isOpen('us_futures', '2023-12-25T12:00:00Z')).toBe(false);
    expect(nextOpen('us_futures', '2023-12-22T22:00:00Z')).toBe('2023-12-25T23:00:00.000Z');
  });

  it('should trade on Friday 2021-12-31: a Saturday New Year is not observed on the Friday before', () => {
    // CME Globex traded its regular session on 2021-12-31 (and 2010-12-31); only Saturday was the holiday.
    expect(sessionsAsText('us_futures', '2021-12-30T22:00:00Z', '2022-01-04T00:00:00Z')).toEqual([
      '2021-12-30T23:00:00.000Z 2021-12-31T22:00:00.000Z',
      '2022-01-02T23:00:00.000Z 2022-01-03T22:00:00.000Z',
      '2022-01-03T23:00:00.000Z 2022-01-04T22:00:00.000Z',
    ]);
    expect(isOpen('us_futures', '2021-12-31T15:00:00Z')).toBe(true);
    expect(nextOpen('us_futures', '2021-12-31T22:00:00Z')).toBe('2022-01-02T23:00:00.000Z');
  });

  it('should not trade the session ending on New Year 2024 (Monday) nor on the observed 2023 (Monday 01-02)', () => {
    expect(sessionsAsText('us_futures', '2023-12-29T00:00:00Z', '2024-01-02T12:00:00Z')).toEqual([
      '2023-12-28T23:00:00.000Z 2023-12-29T22:00:00.000Z',
      '2024-01-01T23:00:00.000Z 2024-01-02T22:00:00.000Z',
    ]);
    expect(isOpen('us_futures', '2023-01-02T15:00:00Z')).toBe(false);
    expect(nextOpen('us_futures', '2022-12-30T22:00:00Z')).toBe('2023-01-02T23:00:00.000Z');
  });

  it('should close Friday 2021-12-24 for a Saturday Christmas and Monday 2022-12-26 for a Sunday one', () => {
    expect(isOpen('us_futures', '2021-12-24T15:00:00Z')).toBe(false);
    expect(nextOpen('us_futures', '2021-12-23T22:00:00Z')).toBe('2021-12-26T23:00:00.000Z');
    expect(isOpen('us_futures', '2022-12-26T15:00:00Z')).toBe(false);
    expect(nextOpen('us_futures', '2022-12-23T22:00:00Z')).toBe('2022-12-26T23:00:00.000Z');
  });

  it('should open every session at 18:00 and close it at 17:00 New York time, 23 hours later, Monday to Friday', () => {
    const closedDays = (year: number) => {
      const newYear = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: NEW_YORK });
      const christmas = DateTime.fromObject({ year, month: 12, day: 25 }, { zone: NEW_YORK });
      const observe = (day: DateTime) =>
        day.weekday === 6 ? day.minus({ days: 1 }) : day.weekday === 7 ? day.plus({ days: 1 }) : day;
      const { month, day } = civilDateOf(easterSunday(year) - 2);
      return [
        ...(newYear.weekday === 6 ? [] : [observe(newYear)]),
        DateTime.fromObject({ year, month, day }, { zone: NEW_YORK }),
        observe(christmas),
      ].map((date) => date.toISODate());
    };
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }),
        fc.integer({ min: 1, max: 40 * 86_400_000 }),
        (startTime, length) => {
          const sessions = getMarketCalendar('us_futures').sessions(
            new Date(startTime),
            new Date(startTime + length),
          );
          sessions.forEach((session, index) => {
            const open = DateTime.fromJSDate(session.open, { zone: NEW_YORK });
            const close = DateTime.fromJSDate(session.close, { zone: NEW_YORK });
            expect([open.hour, open.minute, close.hour, close.minute]).toEqual([18, 0, 17, 0]);
            expect(close.weekday).toBeLessThanOrEqual(5);
            expect(close.diff(open, 'hours').hours).toBe(23);
            expect(open.plus({ days: 1 }).toISODate()).toBe(close.toISODate());
            expect(closedDays(close.year)).not.toContain(close.toISODate());
            // No trading day is skipped unless it is a weekend or a holiday.
            const next = sessions[index + 1];
            if (next !== undefined) {
              let day = close.plus({ days: 1 });
              const nextClose = DateTime.fromJSDate(next.close, { zone: NEW_YORK }).toISODate();
              while (day.toISODate() !== nextClose) {
                expect(
                  day.weekday >= 6 || closedDays(day.year).includes(day.toISODate()),
                  day.toISODate()!,
                ).toBe(true);
                day = day.plus({ days: 1 });
              }
            }
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('nyse calendar', () => {
  it('should trade 09:30-16:00 New York time, shifting in UTC with DST', () => {
    expect(sessionsAsText('nyse', '2024-03-08T00:00:00Z', '2024-03-12T00:00:00Z')).toEqual([
      '2024-03-08T14:30:00.000Z 2024-03-08T21:00:00.000Z',
      '2024-03-11T13:30:00.000Z 2024-03-11T20:00:00.000Z',
    ]);
    expect(isOpen('nyse', '2024-03-11T13:29:59Z')).toBe(false);
    expect(isOpen('nyse', '2024-03-11T13:30:00Z')).toBe(true);
    expect(isOpen('nyse', '2024-03-11T20:00:00Z')).toBe(false);
    expect(nextOpen('nyse', '2024-03-08T21:00:00Z')).toBe('2024-03-11T13:30:00.000Z');
  });

  it('should close on Good Friday 2024-03-29 and on Christmas 2023 (Monday)', () => {
    expect(isOpen('nyse', '2024-03-29T15:00:00Z')).toBe(false);
    expect(nextOpen('nyse', '2024-03-28T20:00:00Z')).toBe('2024-04-01T13:30:00.000Z');
    expect(isOpen('nyse', '2023-12-25T15:00:00Z')).toBe(false);
    expect(nextOpen('nyse', '2023-12-22T21:00:00Z')).toBe('2023-12-26T14:30:00.000Z');
  });

  it('should trade on 2021-12-31: NYSE does not observe a Saturday New Year on the Friday before', () => {
    expect(isOpen('nyse', '2021-12-31T15:00:00Z')).toBe(true);
    expect(nextOpen('nyse', '2021-12-31T21:00:00Z')).toBe('2022-01-03T14:30:00.000Z');
  });

  it('should observe a Sunday holiday on the Monday after and a Saturday one on the Friday before', () => {
    expect(isOpen('nyse', '2023-01-02T15:00:00Z')).toBe(false); // New Year's Day 2023 was a Sunday
    expect(isOpen('nyse', '2022-06-20T15:00:00Z')).toBe(false); // Juneteenth 2022 was a Sunday
    expect(isOpen('nyse', '2021-06-18T15:00:00Z')).toBe(true); // Juneteenth not yet a NYSE holiday
    expect(isOpen('nyse', '2020-07-03T15:00:00Z')).toBe(false); // July 4th 2020 was a Saturday
    expect(isOpen('nyse', '2021-12-24T15:00:00Z')).toBe(false); // Christmas 2021 was a Saturday
  });

  it.each([
    [2021, 252],
    [2022, 251],
    [2023, 250],
    [2024, 252],
  ])('should have the published number of trading days in %i', (year, count) => {
    const sessions = getMarketCalendar('nyse').sessions(
      new Date(`${year}-01-01T05:00:00Z`),
      new Date(`${year + 1}-01-01T05:00:00Z`),
    );
    expect(sessions).toHaveLength(count);
  });

  it('should close on every 2024 NYSE holiday', () => {
    const holidays = [
      '01-01',
      '01-15',
      '02-19',
      '03-29',
      '05-27',
      '06-19',
      '07-04',
      '09-02',
      '11-28',
      '12-25',
    ];
    for (const day of holidays) {
      expect(isOpen('nyse', `2024-${day}T15:00:00Z`), day).toBe(false);
    }
  });
});

describe('market calendar sessions', () => {
  it('should return [] for an empty range and reject start after end or invalid Dates', () => {
    const calendar = getMarketCalendar('nyse');
    const instant = new Date('2024-03-11T15:00:00Z');
    expect(calendar.sessions(instant, instant)).toEqual([]);
    expect(() => calendar.sessions(instant, new Date('2024-03-10T00:00:00Z'))).toThrow(
      'start (2024-03-11T15:00:00.000Z) must not be after end (2024-03-10T00:00:00.000Z).',
    );
    expect(() => calendar.isOpen(new Date('x'))).toThrow(InvalidArgumentError);
    expect(() => calendar.nextOpen(new Date('x'))).toThrow('at must be a valid Date, got Invalid Date.');
  });

  it('should return whole sessions overlapping the range', () => {
    expect(sessionsAsText('nyse', '2024-03-11T19:00:00Z', '2024-03-11T19:00:01Z')).toEqual([
      '2024-03-11T13:30:00.000Z 2024-03-11T20:00:00.000Z',
    ]);
  });

  it('should compute a decade of sessions quickly', () => {
    const started = performance.now();
    const sessions = getMarketCalendar('us_futures').sessions(
      new Date('2030-01-01T00:00:00Z'),
      new Date('2040-01-01T00:00:00Z'),
    );
    expect(sessions.length).toBeGreaterThan(2500);
    // Generous bound: this is about 30 ms on a laptop; the point is to catch accidental quadratic work.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  const calendarArbitrary = fc.constantFrom(...MARKET_CALENDAR_NAMES).map((name) => getMarketCalendar(name));
  const instantArbitrary = fc
    .integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) })
    .map((time) => new Date(time));

  it('should return ordered, non-overlapping sessions consistent with isOpen and nextOpen', () => {
    fc.assert(
      fc.property(
        calendarArbitrary,
        instantArbitrary,
        fc.integer({ min: 0, max: 20 * 86_400_000 }),
        (calendar, start, length) => {
          const end = new Date(start.getTime() + length);
          const sessions = calendar.sessions(start, end);
          sessions.forEach((session, index) => {
            expect(session.open.getTime()).toBeLessThan(session.close.getTime());
            expect(session.close.getTime()).toBeGreaterThan(start.getTime());
            expect(session.open.getTime()).toBeLessThan(end.getTime());
            const next = sessions[index + 1];
            if (next !== undefined)
              expect(next.open.getTime()).toBeGreaterThanOrEqual(session.close.getTime());
          });
          const inside = calendar
            .sessions(start, new Date(start.getTime() + 1))
            .some((session) => session.open.getTime() <= start.getTime());
          expect(calendar.isOpen(start)).toBe(inside);
          const opening = calendar.nextOpen(start);
          expect(opening.getTime()).toBeGreaterThanOrEqual(start.getTime());
          expect(calendar.isOpen(opening)).toBe(true);
          expect(calendar.sessions(start, opening).every((session) => session.open < start)).toBe(true);
        },
      ),
    );
  });
});
