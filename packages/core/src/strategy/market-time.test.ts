import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { getMarketCalendar } from '../market-calendar.js';
import { marketTimeZone, parseMarketInstant, toMarketTime } from './market-time.js';

describe('parseMarketInstant', () => {
  it('should read zone-less strings on the market wall clock, across daylight saving', () => {
    expect(parseMarketInstant('2024-01-03', 'America/New_York').toISOString()).toBe(
      '2024-01-03T05:00:00.000Z',
    );
    expect(parseMarketInstant('2024-07-03T09:30', 'America/New_York').toISOString()).toBe(
      '2024-07-03T13:30:00.000Z',
    );
    expect(parseMarketInstant('2024-01-03T09:30:00', 'UTC').toISOString()).toBe('2024-01-03T09:30:00.000Z');
  });

  it('should keep explicit zones and Dates as given', () => {
    expect(parseMarketInstant('2024-01-03T09:30:00Z', 'America/New_York').toISOString()).toBe(
      '2024-01-03T09:30:00.000Z',
    );
    expect(parseMarketInstant('2024-01-03T09:30:00+01:00', 'America/New_York').toISOString()).toBe(
      '2024-01-03T08:30:00.000Z',
    );
    const date = new Date('2024-01-03T00:00:00Z');
    expect(parseMarketInstant(date, 'America/New_York')).toBe(date);
  });

  it('should refuse a wall time skipped by daylight saving and malformed input', () => {
    expect(() => parseMarketInstant('2024-03-10T02:30', 'America/New_York', 'start')).toThrow(
      /start "2024-03-10T02:30".*daylight-saving gap/,
    );
    expect(() => parseMarketInstant('tomorrow', 'America/New_York')).toThrow(InvalidArgumentError);
  });
});

describe('toMarketTime', () => {
  it('should give wall-clock fields in the zone', () => {
    const time = toMarketTime(new Date('2024-01-03T14:30:00Z'), marketTimeZone('us_futures'));
    expect([time.hour, time.minute, time.minuteOfDay, time.weekday, time.day]).toEqual([9, 30, 570, 3, 3]);
    expect(time.iso).toBe('2024-01-03T09:30:00.000-05:00');
    expect(marketTimeZone('24/7')).toBe('UTC');
    expect(marketTimeZone('nyse')).toBe('America/New_York');
  });
});

describe("the '24/7' calendar", () => {
  it('should have one UTC-day session every day, weekends and holidays included', () => {
    const calendar = getMarketCalendar('24/7');
    const sessions = calendar.sessions(new Date('2024-12-24T12:00:00Z'), new Date('2024-12-27T00:00:00Z'));
    expect(sessions.map((session) => [session.open.toISOString(), session.close.toISOString()])).toEqual([
      ['2024-12-24T00:00:00.000Z', '2024-12-25T00:00:00.000Z'],
      ['2024-12-25T00:00:00.000Z', '2024-12-26T00:00:00.000Z'],
      ['2024-12-26T00:00:00.000Z', '2024-12-27T00:00:00.000Z'],
    ]);
    expect(calendar.isOpen(new Date('2024-12-28T03:00:00Z'))).toBe(true); // a Saturday
    expect(calendar.timeZone).toBe('UTC');
    expect(getMarketCalendar('us_futures').timeZone).toBe('America/New_York');
  });
});
