import { describe, expect, it } from 'vitest';
import { buildIterationSchedule, parseSleeptime, type SessionCalendar } from './clock.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

// Two sessions, 14:30-21:00 UTC on 2024-01-02 and 2024-01-03.
const calendar: SessionCalendar = {
  sessions: () => [
    { open: new Date('2024-01-02T14:30:00Z'), close: new Date('2024-01-02T21:00:00Z') },
    { open: new Date('2024-01-03T14:30:00Z'), close: new Date('2024-01-03T21:00:00Z') },
  ],
};

describe('parseSleeptime', () => {
  it('should read Lumibot forms and numbers of minutes', () => {
    expect(parseSleeptime('1M')).toBe(MINUTE);
    expect(parseSleeptime('15M')).toBe(15 * MINUTE);
    expect(parseSleeptime('1H')).toBe(HOUR);
    expect(parseSleeptime('1D')).toBe(24 * HOUR);
    expect(parseSleeptime(5)).toBe(5 * MINUTE);
  });

  it('should reject other forms with an InvalidArgumentError', () => {
    expect(() => parseSleeptime('1W' as never)).toThrow(/Invalid sleeptime "1W"/);
    expect(() => parseSleeptime(0)).toThrow(/positive number of minutes/);
  });
});

describe('buildIterationSchedule', () => {
  it('should step by the sleeptime inside sessions and skip closed periods', () => {
    const start = Date.parse('2024-01-02T00:00:00Z');
    const end = Date.parse('2024-01-04T00:00:00Z');
    const schedule = buildIterationSchedule(calendar, start, end, HOUR);
    const iso = Array.from(schedule.timesMs, (time) => new Date(time).toISOString().slice(0, 16));
    expect(iso).toEqual([
      '2024-01-02T14:30',
      '2024-01-02T15:30',
      '2024-01-02T16:30',
      '2024-01-02T17:30',
      '2024-01-02T18:30',
      '2024-01-02T19:30',
      '2024-01-02T20:30',
      '2024-01-03T14:30',
      '2024-01-03T15:30',
      '2024-01-03T16:30',
      '2024-01-03T17:30',
      '2024-01-03T18:30',
      '2024-01-03T19:30',
      '2024-01-03T20:30',
    ]);
    expect(Array.from(schedule.sessionFirstIteration)).toEqual([0, 7, 14]);
  });

  it('should start on the session grid mid-session and stop at the requested end', () => {
    const start = Date.parse('2024-01-02T15:00:00Z');
    const end = Date.parse('2024-01-02T17:00:00Z');
    const schedule = buildIterationSchedule(calendar, start, end, HOUR);
    expect(Array.from(schedule.timesMs, (time) => new Date(time).toISOString().slice(11, 16))).toEqual([
      '15:30',
      '16:30',
    ]);
    expect(Array.from(schedule.sessionCloseMs)).toEqual([end]);
  });

  it('should iterate once per session for a daily sleeptime', () => {
    const schedule = buildIterationSchedule(
      calendar,
      Date.parse('2024-01-01T00:00:00Z'),
      Date.parse('2024-01-05T00:00:00Z'),
      24 * HOUR,
    );
    expect(schedule.timesMs.length).toBe(2);
  });
});
