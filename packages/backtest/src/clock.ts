export { parseSleeptime, type Sleeptime } from '@lb/core';

/** One trading session, open inclusive, close exclusive. */
export interface CalendarSession {
  readonly open: Date;
  readonly close: Date;
}

/**
 * The part of a market calendar the clock needs: sessions overlapping a range, in time order. @lb/core's
 * `MarketCalendar` (from `getMarketCalendar('us_futures' | 'nyse')`) satisfies it.
 */
export interface SessionCalendar {
  /** The market's name; `24/7` has no real close, so iterations run up to each (UTC midnight) session end. */
  readonly name?: string;
  sessions(start: Date, end: Date): readonly CalendarSession[];
}

/**
 * Every instant the strategy iterates at, computed once before the loop so the loop only walks arrays of
 * epoch milliseconds. Iterations start at each session's open (or at the first step after the backtest
 * start) and step by the sleeptime while before the session close and the backtest end.
 */
export interface IterationSchedule {
  /** Iteration instants, increasing, epoch ms. */
  readonly timesMs: Float64Array;
  /** Open of each session that has at least one iteration, epoch ms. */
  readonly sessionOpenMs: Float64Array;
  /** Close of each such session, clipped to the backtest end, epoch ms. */
  readonly sessionCloseMs: Float64Array;
  /** The market's own close of each such session (not clipped), epoch ms. */
  readonly sessionMarketCloseMs: Float64Array;
  /** Index in `timesMs` of each session's first iteration; one extra entry holds `timesMs.length`. */
  readonly sessionFirstIteration: Int32Array;
}

/** Builds the iteration schedule of a backtest over `[startMs, endMs)`. */
export function buildIterationSchedule(
  calendar: SessionCalendar,
  startMs: number,
  endMs: number,
  sleeptimeMs: number,
): IterationSchedule {
  const sessions = calendar.sessions(new Date(startMs), new Date(endMs));
  // Two passes (count, then fill) so a year of minutes lands straight in a typed array without a JS array.
  const opens: number[] = [];
  const closes: number[] = [];
  const marketCloses: number[] = [];
  const firstTimes: number[] = [];
  const firsts: number[] = [];
  let count = 0;
  for (const session of sessions) {
    const openMs = session.open.getTime();
    const closeMs = Math.min(session.close.getTime(), endMs);
    // Stay on the session's grid (open + k x sleeptime) even when the backtest starts mid-session.
    const skippedSteps = startMs > openMs ? Math.ceil((startMs - openMs) / sleeptimeMs) : 0;
    const firstMs = openMs + skippedSteps * sleeptimeMs;
    if (firstMs >= closeMs) continue;
    opens.push(openMs);
    closes.push(closeMs);
    marketCloses.push(session.close.getTime());
    firstTimes.push(firstMs);
    firsts.push(count);
    count += Math.ceil((closeMs - firstMs) / sleeptimeMs);
  }
  firsts.push(count);
  const times = new Float64Array(count);
  for (let session = 0; session < opens.length; session++) {
    const firstMs = firstTimes[session]!;
    const last = firsts[session + 1]!;
    for (let index = firsts[session]!; index < last; index++) {
      times[index] = firstMs + (index - firsts[session]!) * sleeptimeMs;
    }
  }
  return {
    timesMs: times,
    sessionOpenMs: Float64Array.from(opens),
    sessionCloseMs: Float64Array.from(closes),
    sessionMarketCloseMs: Float64Array.from(marketCloses),
    sessionFirstIteration: Int32Array.from(firsts),
  };
}
