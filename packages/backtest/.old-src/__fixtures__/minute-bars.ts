import { Bars, parseTimestep } from '@lb/core';
import type { SessionCalendar } from '../clock.js';

/** `[open, high, low, close]` of one bar. */
export type Ohlc = readonly [number, number, number, number];

/** One-minute bars stamped every minute from `firstOpenIso`. */
export function minuteBars(symbol: string, firstOpenIso: string, rows: readonly Ohlc[]): Bars {
  const first = Date.parse(firstOpenIso);
  return Bars.fromRows(
    rows.map(([open, high, low, close], index) => ({
      tsEventNanos: BigInt(first + index * 60_000) * 1_000_000n,
      open,
      high,
      low,
      close,
      volume: 10,
    })),
    { symbol, timestep: parseTimestep('1m') },
  );
}

/** Flat bars (open = high = low = close) from a list of prices. */
export function flatRows(prices: readonly number[]): Ohlc[] {
  return prices.map((price) => [price, price, price, price]);
}

/**
 * A stand-in calendar for tests: one session per UTC weekday between the given times of day. The real
 * calendars live in @lb/core (`getMarketCalendar`).
 */
export function dailySessionCalendar(openTime: string, closeTime: string): SessionCalendar {
  return {
    sessions(start, end) {
      const sessions = [];
      const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() - 1));
      for (; day.getTime() < end.getTime(); day.setUTCDate(day.getUTCDate() + 1)) {
        const weekday = day.getUTCDay();
        if (weekday === 0 || weekday === 6) continue;
        const date = day.toISOString().slice(0, 10);
        const open = new Date(`${date}T${openTime}:00Z`);
        const close = new Date(`${date}T${closeTime}:00Z`);
        if (close > start && open < end) sessions.push({ open, close });
      }
      return sessions;
    },
  };
}
