/**
 * Default initial margin per contract, in USD, by futures root. Values approximate CME's published
 * initial margins (late 2024) rounded for readability; override them per asset with the backtest's
 * `instruments` option, since exchanges change margins often.
 */
export const DEFAULT_INITIAL_MARGINS: Readonly<Record<string, number>> = Object.freeze({
  MES: 1_300,
  ES: 13_000,
  MNQ: 1_700,
  NQ: 17_000,
  MYM: 1_100,
  YM: 11_000,
  M2K: 800,
  RTY: 8_000,
  MGC: 1_200,
  GC: 10_000,
  SI: 14_000,
  CL: 8_000,
});

/** Margin used for a root missing from {@link DEFAULT_INITIAL_MARGINS}; the backtest logs a warning. */
export const FALLBACK_INITIAL_MARGIN = 5_000;

/** The initial margin of one contract of `root`, and whether it came from the fallback. */
export function lookupInitialMargin(root: string): { margin: number; isFallback: boolean } {
  const margin = DEFAULT_INITIAL_MARGINS[root.toUpperCase()];
  return margin === undefined
    ? { margin: FALLBACK_INITIAL_MARGIN, isFallback: true }
    : { margin, isFallback: false };
}
