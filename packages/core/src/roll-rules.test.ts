import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import {
  activeContract,
  CURRENCY_ROLL_RULE,
  DEFAULT_ROLL_RULE,
  EQUITY_INDEX_ROLL_RULE,
  GOLD_ROLL_RULE,
  getRollRule,
  type RollRule,
  registerRollRule,
  rollSchedule,
  SILVER_ROLL_RULE,
  unregisterRollRule,
} from './roll-rules.js';

/** The New York offset of an instant as `-04:00` / `-05:00`. */
function newYorkOffset(instant: Date): string {
  return DateTime.fromJSDate(instant, { zone: 'America/New_York' }).toFormat('ZZ');
}

function segmentsAsText(root: string, start: string, end: string): string[] {
  return rollSchedule(root, new Date(start), new Date(end)).map(
    (segment) => `${segment.symbol} ${segment.start.toISOString()} ${segment.end.toISOString()}`,
  );
}

describe('activeContract', () => {
  it.each([
    ['ES', '2024-03-04T12:00:00-05:00', 'ESH4'],
    ['ES', '2024-03-05T00:00:00-05:00', 'ESM4'],
    ['ES', '2025-03-11T00:30:00-04:00', 'ESM5'],
    ['ES', '2025-12-31T00:00:00-05:00', 'ESH6'],
    ['ES', '2025-12-31T23:59:59-05:00', 'ESH6'],
    ['GC', '2025-02-14T00:00:00-05:00', 'GCG5'],
    ['GC', '2025-02-17T00:00:00-05:00', 'GCJ5'],
    ['CL', '2025-12-14T00:00:00-05:00', 'CLZ5'],
    ['CL', '2025-12-14T23:59:59-05:00', 'CLZ5'],
    ['CL', '2025-12-15T00:00:00-05:00', 'CLH6'],
    ['6E', '2025-03-09T23:59:59-04:00', '6EH5'],
    ['6E', '2025-03-10T00:00:00-04:00', '6EM5'],
    ['6j', '2025-06-09T00:00:00-04:00', '6JU5'],
    ['M6E', '2025-12-01T00:00:00-05:00', 'M6EZ5'],
  ])('should resolve %s at %s to %s', (root, at, symbol) => {
    expect(activeContract(root, new Date(at)).symbol).toBe(symbol);
  });

  it('should pick the first listed contract, from the current New York month on, still to roll', () => {
    const roots = ['ES', 'M2K', 'GC', 'SI', 'CL', '6E'];
    fc.assert(
      fc.property(
        fc.constantFrom(...roots),
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }),
        (root, time) => {
          const at = new Date(time);
          const contract = activeContract(root, at);
          const rule = getRollRule(root);
          expect(rule.contractMonths).toContain(contract.month);
          expect(contract.rollInstant.getTime()).toBe(
            rule.rollInstant(contract.year, contract.month).getTime(),
          );
          expect(contract.rollInstant.getTime()).toBeGreaterThan(time);
          expect(contract.symbol).toBe(`${root}${'FGHJKMNQUVXZ'[contract.month - 1]}${contract.year % 10}`);
          // Every listed contract between the New York month of `at` and the answer has already rolled.
          const local = DateTime.fromJSDate(at, { zone: 'America/New_York' });
          for (
            let index = local.year * 12 + local.month - 1;
            index < contract.year * 12 + contract.month - 1;
            index++
          ) {
            const [year, month] = [Math.floor(index / 12), (index % 12) + 1];
            if (rule.contractMonths.includes(month)) {
              expect(rule.rollInstant(year, month).getTime()).toBeLessThanOrEqual(time);
            }
          }
        },
      ),
    );
  });

  it('should return the contract fields and its roll instant', () => {
    expect(activeContract('es', new Date('2024-03-04T12:00:00-05:00'))).toEqual({
      root: 'ES',
      year: 2024,
      month: 3,
      symbol: 'ESH4',
      rollInstant: new Date('2024-03-05T05:00:00.000Z'),
    });
  });

  it('should keep the old contract until the last millisecond before the roll', () => {
    const roll = new Date('2025-03-11T04:00:00.000Z');
    expect(activeContract('MES', new Date(roll.getTime() - 1)).symbol).toBe('MESH5');
    expect(activeContract('MES', roll).symbol).toBe('MESM5');
  });

  it('should give every equity index root the equity index rule', () => {
    for (const root of ['ES', 'MES', 'NQ', 'MNQ', 'YM', 'MYM', 'RTY', 'M2K']) {
      expect(getRollRule(root)).toBe(EQUITY_INDEX_ROLL_RULE);
      expect(activeContract(root, new Date('2025-03-11T00:30:00-04:00')).symbol).toBe(`${root}M5`);
    }
    expect(getRollRule('GC')).toBe(GOLD_ROLL_RULE);
    expect(getRollRule('MGC')).toBe(GOLD_ROLL_RULE);
    expect(getRollRule('SI')).toBe(SILVER_ROLL_RULE);
    expect(getRollRule('CL')).toBe(DEFAULT_ROLL_RULE);
  });

  it('should roll silver from December into January across the year end', () => {
    expect(activeContract('SI', new Date('2025-12-17T23:00:00-05:00')).symbol).toBe('SIZ5');
    expect(activeContract('SI', new Date('2025-12-18T00:00:00-05:00')).symbol).toBe('SIF6');
    expect(activeContract('SI', new Date('2026-01-16T12:00:00-05:00')).symbol).toBe('SIF6');
    expect(activeContract('SI', new Date('2026-01-19T00:00:00-05:00')).symbol).toBe('SIH6');
  });

  it('should write the one-digit year of the next decade', () => {
    expect(activeContract('ES', new Date('2029-12-31T12:00:00-05:00')).symbol).toBe('ESH0');
    expect(activeContract('ES', new Date('2029-12-31T12:00:00-05:00')).year).toBe(2030);
  });

  it('should reject a malformed root and an invalid Date', () => {
    expect(() => activeContract('1!', new Date())).toThrow(InvalidArgumentError);
    expect(() => activeContract('1!', new Date())).toThrow(
      'Futures root must be 1 to 6 letters or digits with at least one letter',
    );
    expect(() => activeContract('', new Date())).toThrow(InvalidArgumentError);
    expect(() => activeContract('ES', new Date('nope'))).toThrow(
      'at must be a valid Date, got Invalid Date.',
    );
  });
});

describe('roll instants', () => {
  it('should roll equity index contracts 8 business days before the third Friday', () => {
    expect(EQUITY_INDEX_ROLL_RULE.rollInstant(2024, 3).toISOString()).toBe('2024-03-05T05:00:00.000Z');
    expect(EQUITY_INDEX_ROLL_RULE.rollInstant(2025, 9).toISOString()).toBe('2025-09-09T04:00:00.000Z');
    expect(EQUITY_INDEX_ROLL_RULE.rollInstant(2025, 12).toISOString()).toBe('2025-12-09T05:00:00.000Z');
  });

  it('should use the daylight-saving offset on the Tuesday right after the March switch', () => {
    // DST began on Sunday 2025-03-09 and 2020-03-08; both rolls fall on the Tuesday after.
    const roll2025 = EQUITY_INDEX_ROLL_RULE.rollInstant(2025, 3);
    expect(roll2025.toISOString()).toBe('2025-03-11T04:00:00.000Z');
    expect(newYorkOffset(roll2025)).toBe('-04:00');
    const roll2020 = EQUITY_INDEX_ROLL_RULE.rollInstant(2020, 3);
    expect(roll2020.toISOString()).toBe('2020-03-10T04:00:00.000Z');
    // A week earlier, still on standard time, midnight is an hour later in UTC.
    expect(newYorkOffset(EQUITY_INDEX_ROLL_RULE.rollInstant(2024, 3))).toBe('-05:00');
  });

  it('should use the standard-time offset right after the November switch', () => {
    // DST ended on Sunday 2025-11-02: a custom roll on Monday 11-03 is at 05:00Z, on Saturday 11-01 at 04:00Z.
    const before = DateTime.fromObject({ year: 2025, month: 11, day: 1 }, { zone: 'America/New_York' });
    const after = DateTime.fromObject({ year: 2025, month: 11, day: 3 }, { zone: 'America/New_York' });
    expect(before.toJSDate().toISOString()).toBe('2025-11-01T04:00:00.000Z');
    expect(after.toJSDate().toISOString()).toBe('2025-11-03T05:00:00.000Z');
    registerRollRule('ZZDST', {
      contractMonths: [11],
      rollInstant: (year, month) =>
        DateTime.fromObject({ year, month, day: 3 }, { zone: 'America/New_York' }).toJSDate(),
    });
    try {
      expect(segmentsAsText('ZZDST', '2025-11-01T04:00:00Z', '2025-11-04T00:00:00Z')).toEqual([
        'ZZDSTX5 2025-11-01T04:00:00.000Z 2025-11-03T05:00:00.000Z',
        'ZZDSTX6 2025-11-03T05:00:00.000Z 2025-11-04T00:00:00.000Z',
      ]);
    } finally {
      unregisterRollRule('ZZDST');
    }
  });

  it('should roll metals 7 business days before the third-last business day', () => {
    // Feb 2025: the third-last business day is Wed 26th; seven business days earlier is Mon 17th.
    expect(GOLD_ROLL_RULE.rollInstant(2025, 2).toISOString()).toBe('2025-02-17T05:00:00.000Z');
    // Oct 2025 (daylight time): third-last business day Wed 29th -> Mon 20th.
    expect(GOLD_ROLL_RULE.rollInstant(2025, 10).toISOString()).toBe('2025-10-20T04:00:00.000Z');
    // Dec 2025: third-last business day Mon 29th -> Thu 18th.
    expect(SILVER_ROLL_RULE.rollInstant(2025, 12).toISOString()).toBe('2025-12-18T05:00:00.000Z');
  });

  it('should roll CME FX futures 7 business days before the third Wednesday', () => {
    // Mar 2025: third Wednesday the 19th (last trade Mon 17th); seven business days earlier is Mon 10th,
    // the day after the switch to daylight time.
    expect(CURRENCY_ROLL_RULE.rollInstant(2025, 3).toISOString()).toBe('2025-03-10T04:00:00.000Z');
    // Dec 2025: third Wednesday the 17th -> Mon 8th, standard time.
    expect(CURRENCY_ROLL_RULE.rollInstant(2025, 12).toISOString()).toBe('2025-12-08T05:00:00.000Z');
    for (const root of ['6E', '6J', '6B', '6A', '6C', '6S', '6M', 'M6E', 'M6A', 'M6B']) {
      expect(getRollRule(root)).toBe(CURRENCY_ROLL_RULE);
    }
    expect(segmentsAsText('6E', '2025-03-01T05:00:00Z', '2025-03-20T04:00:00Z')).toEqual([
      '6EH5 2025-03-01T05:00:00.000Z 2025-03-10T04:00:00.000Z',
      '6EM5 2025-03-10T04:00:00.000Z 2025-03-20T04:00:00.000Z',
    ]);
  });

  it('should roll other roots on the 15th of quarterly months', () => {
    expect(DEFAULT_ROLL_RULE.contractMonths).toEqual([3, 6, 9, 12]);
    expect(DEFAULT_ROLL_RULE.rollInstant(2025, 6).toISOString()).toBe('2025-06-15T04:00:00.000Z');
  });

  it('should always roll at midnight New York time', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          EQUITY_INDEX_ROLL_RULE,
          CURRENCY_ROLL_RULE,
          GOLD_ROLL_RULE,
          SILVER_ROLL_RULE,
          DEFAULT_ROLL_RULE,
        ),
        fc.integer({ min: 1990, max: 2100 }),
        fc.integer({ min: 1, max: 12 }),
        (rule, year, month) => {
          const local = DateTime.fromJSDate(rule.rollInstant(year, month), { zone: 'America/New_York' });
          expect([local.hour, local.minute, local.second, local.millisecond]).toEqual([0, 0, 0, 0]);
          // The 15th-of-the-month fallback may land on a weekend; the business-day rules never do.
          if (rule !== DEFAULT_ROLL_RULE) expect(local.weekday).toBeLessThanOrEqual(5);
          expect([local.year, local.month]).toEqual([year, month]);
        },
      ),
    );
  });
});

describe('rollSchedule', () => {
  it('should split the MES example at the September roll', () => {
    expect(rollSchedule('MES', new Date('2025-09-01T04:00Z'), new Date('2025-09-30T04:00Z'))).toEqual([
      {
        root: 'MES',
        symbol: 'MESU5',
        year: 2025,
        month: 9,
        start: new Date('2025-09-01T04:00:00.000Z'),
        end: new Date('2025-09-09T04:00:00.000Z'),
      },
      {
        root: 'MES',
        symbol: 'MESZ5',
        year: 2025,
        month: 12,
        start: new Date('2025-09-09T04:00:00.000Z'),
        end: new Date('2025-09-30T04:00:00.000Z'),
      },
    ]);
  });

  it('should cross the year end', () => {
    expect(segmentsAsText('ES', '2025-11-01T00:00:00Z', '2026-04-01T00:00:00Z')).toEqual([
      'ESZ5 2025-11-01T00:00:00.000Z 2025-12-09T05:00:00.000Z',
      'ESH6 2025-12-09T05:00:00.000Z 2026-03-10T04:00:00.000Z',
      'ESM6 2026-03-10T04:00:00.000Z 2026-04-01T00:00:00.000Z',
    ]);
  });

  it('should return one segment inside a contract and none for an empty range', () => {
    expect(segmentsAsText('CL', '2025-12-01T00:00:00Z', '2025-12-02T00:00:00Z')).toEqual([
      'CLZ5 2025-12-01T00:00:00.000Z 2025-12-02T00:00:00.000Z',
    ]);
    const instant = new Date('2025-12-01T00:00:00Z');
    expect(rollSchedule('CL', instant, instant)).toEqual([]);
  });

  it('should start a segment exactly at a roll instant', () => {
    expect(segmentsAsText('ES', '2024-03-05T05:00:00Z', '2024-03-06T00:00:00Z')).toEqual([
      'ESM4 2024-03-05T05:00:00.000Z 2024-03-06T00:00:00.000Z',
    ]);
  });

  it('should reject start after end and invalid Dates', () => {
    const call = () => rollSchedule('ES', new Date('2025-02-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z'));
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(
      'start (2025-02-01T00:00:00.000Z) must not be after end (2025-01-01T00:00:00.000Z).',
    );
    expect(() => rollSchedule('ES', new Date(Number.NaN), new Date())).toThrow(
      'start must be a valid Date, got Invalid Date.',
    );
    expect(() => rollSchedule('ES', new Date(), 'tomorrow' as unknown as Date)).toThrow(
      'end must be a valid Date, got tomorrow.',
    );
  });

  const roots = ['ES', 'MNQ', 'M2K', 'GC', 'MGC', 'SI', 'CL', 'ZN', 'ZB', '6E', '6J'];
  const minimumTime = Date.UTC(2000, 0, 1);
  const maximumTime = Date.UTC(2040, 0, 1);
  const rangeArbitrary = fc
    .tuple(
      fc.integer({ min: minimumTime, max: maximumTime }),
      // Up to ~3 years, so most ranges cross several rolls.
      fc.integer({ min: 0, max: 3 * 366 * 86_400_000 }),
    )
    .map(([start, length]) => [new Date(start), new Date(start + length)] as const);

  it('should tile [start, end) exactly with segments split at roll instants', () => {
    fc.assert(
      fc.property(fc.constantFrom(...roots), rangeArbitrary, (root, [start, end]) => {
        const segments = rollSchedule(root, start, end);
        if (start.getTime() === end.getTime()) {
          expect(segments).toEqual([]);
          return;
        }
        expect(segments[0]?.start.getTime()).toBe(start.getTime());
        expect(segments.at(-1)?.end.getTime()).toBe(end.getTime());
        segments.forEach((segment, index) => {
          expect(segment.start.getTime()).toBeLessThan(segment.end.getTime());
          const next = segments[index + 1];
          if (next !== undefined) {
            expect(next.start.getTime()).toBe(segment.end.getTime());
            expect(next.symbol).not.toBe(segment.symbol);
            // Inner boundaries are exactly the roll instant of the contract that ends there.
            expect(getRollRule(root).rollInstant(segment.year, segment.month).getTime()).toBe(
              segment.end.getTime(),
            );
          }
        });
      }),
    );
  });

  it('should agree with activeContract at every instant of the range', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...roots),
        rangeArbitrary,
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (root, [start, end], fraction) => {
          fc.pre(end.getTime() > start.getTime());
          const at = new Date(start.getTime() + Math.floor((end.getTime() - start.getTime()) * fraction));
          const containing = rollSchedule(root, start, end).find(
            (segment) => segment.start.getTime() <= at.getTime() && at.getTime() < segment.end.getTime(),
          );
          expect(containing?.symbol).toBe(activeContract(root, at).symbol);
        },
      ),
    );
  });
});

describe('registerRollRule', () => {
  afterEach(() => {
    unregisterRollRule('CL');
  });

  it('should let users replace the rule of a root and fall back once unregistered', () => {
    // Crude crude-oil rule: every month, roll on the 10th of the month before delivery.
    const monthly: RollRule = {
      contractMonths: [12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
      rollInstant: (year, month) =>
        DateTime.fromObject({ year, month, day: 10 }, { zone: 'America/New_York' })
          .minus({ months: 1 })
          .toJSDate(),
    };
    registerRollRule('cl', monthly);
    expect(getRollRule('CL').contractMonths).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(activeContract('CL', new Date('2025-12-09T12:00:00-05:00')).symbol).toBe('CLF6');
    expect(activeContract('CL', new Date('2025-12-10T00:00:00-05:00')).symbol).toBe('CLG6');
    expect(unregisterRollRule('CL')).toBe(true);
    expect(getRollRule('CL')).toBe(DEFAULT_ROLL_RULE);
    expect(unregisterRollRule('CL')).toBe(false);
  });

  it('should reject malformed rules', () => {
    const rollInstant = DEFAULT_ROLL_RULE.rollInstant;
    expect(() => registerRollRule('CL', { contractMonths: [], rollInstant })).toThrow(
      'Roll rule contractMonths must be distinct integers from 1 to 12, got [].',
    );
    expect(() => registerRollRule('CL', { contractMonths: [3, 3], rollInstant })).toThrow(
      InvalidArgumentError,
    );
    expect(() => registerRollRule('CL', { contractMonths: [13], rollInstant })).toThrow(InvalidArgumentError);
    expect(() => registerRollRule('CL', { contractMonths: [3] } as unknown as RollRule)).toThrow(
      'A roll rule needs contractMonths and a rollInstant(year, month) method.',
    );
    // Rolling a contract after its own month would make it unreachable from the month it is active in.
    const late: RollRule = {
      contractMonths: [3],
      rollInstant: (year) => new Date(Date.UTC(year, 4, 1)),
    };
    expect(() => registerRollRule('CL', late)).toThrow('must increase from contract to contract');
    expect(() => registerRollRule('$$', DEFAULT_ROLL_RULE)).toThrow(
      'Futures root must be 1 to 6 letters or digits with at least one letter',
    );
    expect(getRollRule('CL')).toBe(DEFAULT_ROLL_RULE);
  });
});
