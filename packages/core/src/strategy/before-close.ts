/** When `beforeMarketCloses` runs in each session, and whether `onTradingIteration` stops then. */
export interface BeforeCloseTiming {
  /** How long before each market close `beforeMarketCloses` runs, in ms (`minutesBeforeClosing`, at least 0). */
  readonly beforeCloseMs: number;
  /**
   * Whether `onTradingIteration` stops at that instant until the next session, as in Lumibot. False when
   * `minutesBeforeClosing` is 0 and for `24/7`, whose sessions are UTC days rather than market closes.
   */
  readonly stopsIterating: boolean;
}

/**
 * The before-close rule every engine applies (backtests and live trading alike), from the strategy's
 * `minutesBeforeClosing` and the name of the calendar its sessions come from.
 */
export function beforeCloseTiming(
  minutesBeforeClosing: number,
  calendarName: string | undefined,
): BeforeCloseTiming {
  const beforeCloseMs = Math.max(0, minutesBeforeClosing) * 60_000;
  return { beforeCloseMs, stopsIterating: beforeCloseMs > 0 && calendarName !== '24/7' };
}
