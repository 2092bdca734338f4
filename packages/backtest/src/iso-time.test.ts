import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IsoTimeFormatter } from './iso-time.js';

describe('IsoTimeFormatter', () => {
  it('should give the same text as Date#toISOString for any instant from 1970 to 2100', () => {
    const formatter = new IsoTimeFormatter();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }), (timeMs) => {
        expect(formatter.format(timeMs)).toBe(new Date(timeMs).toISOString());
      }),
      { numRuns: 2_000 },
    );
  });

  it('should format whole minutes, seconds and milliseconds of one day in a row', () => {
    const formatter = new IsoTimeFormatter();
    const day = Date.UTC(2024, 2, 4);
    for (const offsetMs of [0, 59_999, 60_000, 61_001, 3_599_999, 86_399_999]) {
      expect(formatter.format(day + offsetMs)).toBe(new Date(day + offsetMs).toISOString());
    }
  });
});
