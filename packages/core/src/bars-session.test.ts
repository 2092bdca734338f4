import { describe, expect, it } from 'vitest';
import { type Bar, Bars } from './bars.js';
import { InvalidArgumentError } from './errors.js';
import { getMarketCalendar } from './market-calendar.js';
import { parseTimestep } from './timestep.js';

function hourlyBars(startIso: string, closes: readonly number[]): Bars {
  const startMs = Date.parse(startIso);
  const rows: Bar[] = closes.map((close, index) => ({
    tsEventNanos: BigInt(startMs + index * 3_600_000) * 1_000_000n,
    open: close - 1,
    high: close + 2,
    low: close - 2,
    close,
    volume: index + 1,
  }));
  return Bars.fromRows(rows, { symbol: 'ESH4', timestep: parseTimestep('1h') });
}

describe('Bars#getMomentum', () => {
  it('should give the fractional close change over n bars, NaN without enough bars', () => {
    const bars = hourlyBars('2024-01-02T00:00:00Z', [100, 110, 121, 125]);
    expect(bars.getMomentum()).toBe(125 / 121 - 1);
    expect(bars.getMomentum(3)).toBe(0.25);
    expect(bars.getMomentum(4)).toBeNaN();
    expect(() => bars.getMomentum(0)).toThrow(InvalidArgumentError);
  });
});

describe('Bars#getTotalVolume', () => {
  it('should sum the volume of all bars or of a range', () => {
    const bars = hourlyBars('2024-01-02T00:00:00Z', [100, 110, 121, 125]);
    expect(bars.getTotalVolume()).toBe(1 + 2 + 3 + 4);
    expect(bars.getTotalVolume(new Date('2024-01-02T01:00:00Z'), new Date('2024-01-02T03:00:00Z'))).toBe(5);
  });
});

describe('Bars#resampleToSessions', () => {
  // Tuesday 2024-01-02 to Wednesday: the CME session of Wednesday runs 2024-01-02T23:00Z (18:00 New York)
  // to 2024-01-03T22:00Z (17:00 New York).
  const closes = Array.from({ length: 30 }, (_, index) => 1000 + index);
  const bars = hourlyBars('2024-01-02T20:00:00Z', closes);
  const calendar = getMarketCalendar('us_futures');

  it('should build daily bars over CME sessions (18:00-17:00 New York), stamped at the session open', () => {
    const daily = bars.resampleToSessions('1d', calendar);
    const stamps = Array.from(daily.timestampsMs, (time) => new Date(time).toISOString());
    // 20:00Z and 21:00Z belong to Tuesday's session (opened Monday 23:00Z); 22:00Z is the maintenance
    // break and is dropped; 23:00Z onwards is Wednesday's session until 22:00Z, then Thursday's from 23:00Z.
    expect(stamps).toEqual([
      '2024-01-01T23:00:00.000Z',
      '2024-01-02T23:00:00.000Z',
      '2024-01-03T23:00:00.000Z',
    ]);
    expect(Array.from(daily.open)).toEqual([999, 1002, 1026]);
    expect(Array.from(daily.close)).toEqual([1001, 1025, 1029]);
    expect(Array.from(daily.high)).toEqual([1003, 1027, 1031]);
    expect(Array.from(daily.volume)).toEqual([1 + 2, ((4 + 26) * 23) / 2, 28 + 29 + 30]);
  });

  it('should step multi-hour bars from each session open', () => {
    const fourHour = bars.resampleToSessions('4h', calendar);
    const stamps = Array.from(fourHour.timestampsMs, (time) => new Date(time).toISOString().slice(5, 16));
    expect(stamps.slice(0, 4)).toEqual(['01-02T19:00', '01-02T23:00', '01-03T03:00', '01-03T07:00']);
    expect(stamps.at(-1)).toBe('01-03T23:00');
  });

  it('should refuse a target that is not a multiple of the timestep', () => {
    expect(() => bars.resampleToSessions('90m', calendar)).toThrow(InvalidArgumentError);
  });
});
