/**
 * CME-style futures contract codes: ROOT + month code + year (`ESH5`, `ESH25`, `ES.H25`, `ESH2025`).
 */

/** Futures month codes in calendar order: index 0 is January (`F`), index 11 is December (`Z`). */
export const FUTURES_MONTH_CODES = ['F', 'G', 'H', 'J', 'K', 'M', 'N', 'Q', 'U', 'V', 'X', 'Z'] as const;

/** One of the twelve futures month codes. */
export type FuturesMonthCode = (typeof FUTURES_MONTH_CODES)[number];

/** A parsed contract code. `month` is 1-12; `year` is the full four-digit year. */
export interface ContractSymbol {
  /** Upper-case root (`ES`). */
  readonly root: string;
  /** Contract month, 1-12. */
  readonly month: number;
  /** Four-digit contract year. */
  readonly year: number;
}

/** Options for {@link parseContractSymbol}. */
export interface ParseContractSymbolOptions {
  /**
   * Year used to expand one-digit years, which repeat every decade. The digit is read as the year in
   * `[referenceYear - 4, referenceYear + 5]`. Defaults to the current UTC year.
   */
  readonly referenceYear?: number;
}

/**
 * A futures root: one to six letters or digits, at least one of them a letter. Roots may start with a
 * digit: the CME FX futures are `6E` (euro), `6J` (yen), `6B`, `6A`, `6C`, `6S`, `6M`...
 */
export const FUTURES_ROOT_PATTERN = /^(?=[A-Z0-9]*[A-Z])[A-Z0-9]{1,6}$/;

/** Whether `text` (already upper case) has the shape of a futures root, e.g. `ES`, `M2K` or `6E`. */
export function isFuturesRoot(text: string): boolean {
  return FUTURES_ROOT_PATTERN.test(text);
}

// The month code is always the character right before the year digits, so a lazy root lets `HGH5`
// (copper) parse as root HG rather than failing on the first H, and `6EH5` as root 6E. The root's own
// shape (a letter somewhere in it) is checked after the match.
const CONTRACT_PATTERN = /^([A-Z0-9]{1,6}?)\.?([FGHJKMNQUVXZ])(\d|\d{2}|\d{4})$/;

/** Month (1-12) for a month code, or undefined for any other character. */
export function monthFromCode(code: string): number | undefined {
  const index = (FUTURES_MONTH_CODES as readonly string[]).indexOf(code.toUpperCase());
  return index === -1 ? undefined : index + 1;
}

/** Month code for a month (1-12). Throws a RangeError for anything else. */
export function codeFromMonth(month: number): FuturesMonthCode {
  const code = FUTURES_MONTH_CODES[month - 1];
  if (!Number.isInteger(month) || code === undefined) {
    throw new RangeError(`Month must be an integer from 1 to 12, got ${month}.`);
  }
  return code;
}

/** Expands a one-digit year to the year with that last digit nearest `referenceYear` (window -4..+5). */
export function expandOneDigitYear(digit: number, referenceYear: number): number {
  const low = referenceYear - 4;
  const candidate = low - (((low % 10) + 10) % 10) + digit;
  return candidate < low ? candidate + 10 : candidate;
}

/**
 * Parses a futures contract code such as `ESH5`, `ESH25`, `ES.H25`, `ESH2025`, `MNQU5` or `6EM5`.
 * Returns `null` when the text is not a contract code (for example a bare root like `ES`).
 */
export function parseContractSymbol(
  text: string,
  options: ParseContractSymbolOptions = {},
): ContractSymbol | null {
  const match = CONTRACT_PATTERN.exec(text.trim().toUpperCase());
  if (match === null) return null;
  const [, root, code, digits] = match as unknown as [string, string, string, string];
  if (!isFuturesRoot(root)) return null;
  const month = monthFromCode(code);
  if (month === undefined) return null;
  const value = Number(digits);
  let year: number;
  if (digits.length === 1) {
    year = expandOneDigitYear(value, options.referenceYear ?? new Date().getUTCFullYear());
  } else if (digits.length === 2) {
    year = 2000 + value;
  } else {
    year = value;
  }
  return { root, month, year };
}

/**
 * Formats a contract code: `formatContractSymbol('ES', 2025, 3, 1)` is `ESH5`, with 2 digits `ESH25`,
 * with 4 digits `ESH2025`.
 * @throws RangeError for a month outside 1-12, a year that is not four digits, or other `yearDigits`.
 */
export function formatContractSymbol(
  root: string,
  year: number,
  month: number,
  yearDigits: 1 | 2 | 4,
): string {
  if (yearDigits !== 1 && yearDigits !== 2 && yearDigits !== 4) {
    throw new RangeError(`yearDigits must be 1, 2 or 4, got ${yearDigits}.`);
  }
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new RangeError(`Year must be a four-digit integer, got ${year}.`);
  }
  const yearText = String(year).slice(-yearDigits);
  return `${root.toUpperCase()}${codeFromMonth(month)}${yearText}`;
}
