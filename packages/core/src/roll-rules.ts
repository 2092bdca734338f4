/**
 * Roll rules: which dated contract a continuous future (`ES`, `GC`...) trades at a given instant.
 *
 * A rule lists the months a root lists contracts for and the instant at which each contract stops being
 * the one to trade. All built-in instants are 00:00 New York time, computed with luxon so the EST/EDT
 * offset is the one in force on the roll day. Business days are Monday to Friday; exchange holidays are
 * deliberately ignored so a roll date never depends on a holiday table.
 */
import {
  addBusinessDays,
  assertValidInstant,
  assertValidRange,
  dayNumberOf,
  FRIDAY,
  newYorkInstant,
  newYorkYearMonth,
  nthLastBusinessDayOfMonth,
  nthWeekdayOfMonth,
} from './calendar-dates.js';
import { InvalidArgumentError, LbError } from './errors.js';
import { formatContractSymbol, isFuturesRoot } from './futures-symbology.js';

/**
 * When a root rolls. Register your own with {@link registerRollRule}.
 *
 * `rollInstant(year, month)` must be strictly increasing along the contract months and must not be later
 * than 00:00 New York time on the first day of the month after the contract month: the active contract is
 * searched from the current month on, so a contract still active after its own month would be skipped.
 */
export interface RollRule {
  /** Listed contract months, 1-12 (3 is March). */
  readonly contractMonths: readonly number[];
  /** The instant from which the contract `year`/`month` is no longer the one to trade. */
  rollInstant(year: number, month: number): Date;
}

/** The dated contract to trade at an instant, from {@link activeContract}. */
export interface ActiveContract {
  /** The root, upper case (`ES`). */
  readonly root: string;
  /** Four-digit contract year. */
  readonly year: number;
  /** Contract month, 1-12. */
  readonly month: number;
  /** Databento raw symbol with a one-digit year (`ESH5`). */
  readonly symbol: string;
  /** When this contract stops being active; the next contract is active from this instant on. */
  readonly rollInstant: Date;
}

/** One piece of a {@link rollSchedule}: `symbol` is active on `[start, end)`. */
export interface RollSegment {
  /** The root, upper case (`MES`). */
  readonly root: string;
  /** Databento raw symbol with a one-digit year (`MESU5`). */
  readonly symbol: string;
  /** Four-digit contract year. */
  readonly year: number;
  /** Contract month, 1-12. */
  readonly month: number;
  /** First instant of the segment (inclusive). */
  readonly start: Date;
  /** Instant the segment ends (exclusive): a roll instant or the end of the requested range. */
  readonly end: Date;
}

const QUARTERLY_MONTHS = [3, 6, 9, 12] as const;

/**
 * CME equity index futures (ES, MES, NQ, MNQ, YM, MYM, RTY, M2K): quarterly contracts that expire on the
 * third Friday; volume moves to the next quarter about a week earlier, so the roll is at 00:00 New York
 * time eight business days before the third Friday (the Tuesday of the week before expiry week).
 */
export const EQUITY_INDEX_ROLL_RULE: RollRule = {
  contractMonths: QUARTERLY_MONTHS,
  rollInstant(year, month) {
    const thirdFriday = nthWeekdayOfMonth(year, month, FRIDAY, 3);
    return newYorkInstant(addBusinessDays(thirdFriday, -8));
  },
};

// Wednesday, numbered as by `Date#getUTCDay` (calendar-dates names only the days its own rules need).
const WEDNESDAY = 3;

/**
 * CME FX futures (6E, 6J, 6B, 6A, 6C, 6S, 6M and the micros M6E, M6A, M6B): quarterly contracts whose
 * last trading day is the second business day before the third Wednesday (the IMM date). Volume moves to
 * the next quarter during the week before, so the roll is at 00:00 New York time five business days
 * before the last trading day, i.e. seven business days before the third Wednesday.
 */
export const CURRENCY_ROLL_RULE: RollRule = {
  contractMonths: QUARTERLY_MONTHS,
  rollInstant(year, month) {
    const thirdWednesday = nthWeekdayOfMonth(year, month, WEDNESDAY, 3);
    return newYorkInstant(addBusinessDays(thirdWednesday, -7));
  },
};

/**
 * Builds a COMEX metals rule: physically delivered contracts whose first notice day is near the end of
 * the month before delivery, so positions roll early: 00:00 New York time seven business days before the
 * third-last business day of the contract month.
 */
function createMetalsRollRule(contractMonths: readonly number[]): RollRule {
  return {
    contractMonths,
    rollInstant(year, month) {
      return newYorkInstant(addBusinessDays(nthLastBusinessDayOfMonth(year, month, 3), -7));
    },
  };
}

/** Gold (GC, MGC): active months February, April, June, August, October, December. */
export const GOLD_ROLL_RULE: RollRule = createMetalsRollRule([2, 4, 6, 8, 10, 12]);

/** Silver (SI): active months January, March, May, July, September, December. */
export const SILVER_ROLL_RULE: RollRule = createMetalsRollRule([1, 3, 5, 7, 9, 12]);

/**
 * Fallback for roots without a rule of their own: quarterly months, roll at 00:00 New York time on the
 * 15th of the contract month. A rough guess; register a real rule for anything you backtest seriously.
 */
export const DEFAULT_ROLL_RULE: RollRule = {
  contractMonths: QUARTERLY_MONTHS,
  rollInstant(year, month) {
    return newYorkInstant(dayNumberOf(year, month, 15));
  },
};

const BUILT_IN_ROLL_RULES: ReadonlyMap<string, RollRule> = new Map<string, RollRule>([
  ...['ES', 'MES', 'NQ', 'MNQ', 'YM', 'MYM', 'RTY', 'M2K'].map(
    (root) => [root, EQUITY_INDEX_ROLL_RULE] as const,
  ),
  ...['6E', '6J', '6B', '6A', '6C', '6S', '6M', 'M6E', 'M6A', 'M6B'].map(
    (root) => [root, CURRENCY_ROLL_RULE] as const,
  ),
  ['GC', GOLD_ROLL_RULE],
  ['MGC', GOLD_ROLL_RULE],
  ['SI', SILVER_ROLL_RULE],
]);

const registeredRollRules = new Map<string, RollRule>();

// Same shape as a contract-code root in futures-symbology.ts, so every root a code parses to has a rule.
function normalizeRoot(root: unknown): string {
  const normalized = typeof root === 'string' ? root.trim().toUpperCase() : '';
  if (!isFuturesRoot(normalized)) {
    throw new InvalidArgumentError(
      `Futures root must be 1 to 6 letters or digits with at least one letter (like ES, M2K or 6E), got ${JSON.stringify(root)}.`,
      { argument: 'root' },
    );
  }
  return normalized;
}

// Roll instants are pure functions of (rule, year, month) and cost a few luxon calls each; caching them
// keeps per-bar activeContract calls in a backtest cheap. A WeakMap lets unregistered rules be collected.
const rollInstantCache = new WeakMap<RollRule, Map<number, number>>();

function cachedRollTime(rule: RollRule, year: number, month: number): number {
  let cache = rollInstantCache.get(rule);
  if (cache === undefined) {
    cache = new Map();
    rollInstantCache.set(rule, cache);
  }
  const key = year * 12 + month - 1;
  let time = cache.get(key);
  if (time === undefined) {
    const instant = rule.rollInstant(year, month);
    time = instant instanceof Date ? instant.getTime() : Number.NaN;
    if (Number.isNaN(time)) {
      throw new LbError(`Roll rule returned an invalid Date for ${year}-${String(month).padStart(2, '0')}.`);
    }
    cache.set(key, time);
  }
  return time;
}

// Registration checks the ordering contract over this span: enough to catch a wrong rule at once.
const VALIDATION_FIRST_YEAR = 2000;
const VALIDATION_LAST_YEAR = 2040;

function validateRule(rule: RollRule): RollRule {
  if (typeof rule !== 'object' || rule === null || typeof rule.rollInstant !== 'function') {
    throw new InvalidArgumentError(
      'A roll rule needs contractMonths and a rollInstant(year, month) method.',
      {
        argument: 'rule',
      },
    );
  }
  const months = rule.contractMonths;
  const valid =
    Array.isArray(months) &&
    months.length > 0 &&
    months.every((month) => Number.isInteger(month) && month >= 1 && month <= 12) &&
    new Set(months).size === months.length;
  if (!valid) {
    throw new InvalidArgumentError(
      `Roll rule contractMonths must be distinct integers from 1 to 12, got ${JSON.stringify(months)}.`,
      { argument: 'rule' },
    );
  }
  // Store the months sorted so the search can walk them in calendar order whatever order users wrote.
  const sorted: RollRule = {
    contractMonths: [...months].sort((a, b) => a - b),
    rollInstant: (year, month) => rule.rollInstant(year, month),
  };
  let previous = Number.NEGATIVE_INFINITY;
  for (let year = VALIDATION_FIRST_YEAR; year <= VALIDATION_LAST_YEAR; year++) {
    for (const month of sorted.contractMonths) {
      const time = cachedRollTime(sorted, year, month);
      const latest = newYorkInstant(dayNumberOf(year, month + 1, 1)).getTime();
      if (time <= previous || time > latest) {
        throw new InvalidArgumentError(
          `Roll rule instants must increase from contract to contract and fall no later than the start of the month after the contract month; ${year}-${String(month).padStart(2, '0')} rolls at ${new Date(time).toISOString()}.`,
          { argument: 'rule' },
        );
      }
      previous = time;
    }
  }
  return sorted;
}

/**
 * Registers (or replaces) the roll rule of a root, e.g. to roll CL in the month before delivery. The rule
 * is checked on registration and throws {@link InvalidArgumentError} if its months are malformed or its
 * roll instants are out of order.
 */
export function registerRollRule(root: string, rule: RollRule): void {
  registeredRollRules.set(normalizeRoot(root), validateRule(rule));
}

/**
 * Removes a rule added with {@link registerRollRule}, so the root falls back to its built-in rule (or the
 * default). Returns whether a registered rule was removed.
 */
export function unregisterRollRule(root: string): boolean {
  return registeredRollRules.delete(normalizeRoot(root));
}

/**
 * The roll rule for a root (case-insensitive): a registered one (as a copy with its months sorted), else
 * the built-in one, else {@link DEFAULT_ROLL_RULE}. Throws {@link InvalidArgumentError} for text that
 * cannot be a root.
 */
export function getRollRule(root: string): RollRule {
  const normalized = normalizeRoot(root);
  return registeredRollRules.get(normalized) ?? BUILT_IN_ROLL_RULES.get(normalized) ?? DEFAULT_ROLL_RULE;
}

// Any sane rule finds a contract within a couple of years; the bound only stops a broken rule looping.
const MAXIMUM_MONTHS_SEARCHED = 12 * 10;

function findActiveContract(root: string, rule: RollRule, time: number, from: Date): ActiveContract {
  const { year, month } = newYorkYearMonth(from);
  const months = rule.contractMonths;
  let index = year * 12 + month - 1;
  for (let searched = 0; searched < MAXIMUM_MONTHS_SEARCHED; searched++, index++) {
    const contractYear = Math.floor(index / 12);
    const contractMonth = (index % 12) + 1;
    if (!months.includes(contractMonth)) continue;
    const rollTime = cachedRollTime(rule, contractYear, contractMonth);
    if (rollTime > time) {
      return {
        root,
        year: contractYear,
        month: contractMonth,
        symbol: formatContractSymbol(root, contractYear, contractMonth, 1),
        rollInstant: new Date(rollTime),
      };
    }
  }
  throw new LbError(
    `No contract of ${root} is active at ${from.toISOString()}: its roll rule never rolls after that instant.`,
  );
}

/**
 * The dated contract of `root` to trade at instant `at`: the first listed contract month, from the New
 * York calendar month of `at` on, whose roll instant is after `at`. At the roll instant itself the next
 * contract is already active.
 *
 * ```ts
 * activeContract('ES', new Date('2025-03-11T00:30:00-04:00')).symbol; // 'ESM5'
 * ```
 *
 * Throws {@link InvalidArgumentError} for a malformed root or an invalid Date.
 */
export function activeContract(root: string, at: Date): ActiveContract {
  const normalized = normalizeRoot(root);
  assertValidInstant(at, 'at');
  return findActiveContract(normalized, getRollRule(normalized), at.getTime(), at);
}

/**
 * Splits `[start, end)` into contiguous segments at the roll instants of `root`, each naming the contract
 * active throughout it: no gaps, no overlaps, the first starting at `start` and the last ending at `end`.
 * `start` equal to `end` gives `[]`.
 *
 * ```ts
 * rollSchedule('MES', new Date('2025-09-01T04:00Z'), new Date('2025-09-30T04:00Z'));
 * // MESU5 [09-01T04:00Z, 09-09T04:00Z), MESZ5 [09-09T04:00Z, 09-30T04:00Z)
 * ```
 *
 * Throws {@link InvalidArgumentError} for a malformed root, invalid Dates, or `start` after `end`.
 */
export function rollSchedule(root: string, start: Date, end: Date): RollSegment[] {
  const normalized = normalizeRoot(root);
  assertValidRange(start, end);
  const rule = getRollRule(normalized);
  const endTime = end.getTime();
  const segments: RollSegment[] = [];
  let time = start.getTime();
  while (time < endTime) {
    const contract = findActiveContract(normalized, rule, time, new Date(time));
    const segmentEnd = Math.min(contract.rollInstant.getTime(), endTime);
    segments.push({
      root: normalized,
      symbol: contract.symbol,
      year: contract.year,
      month: contract.month,
      start: new Date(time),
      end: new Date(segmentEnd),
    });
    time = segmentEnd;
  }
  return segments;
}
