import { Bars, future, parseTimestep } from '@lb/core';
import type { MockLiveInstrument } from '@lb/databento-live/testing';
import { type DatabentoOhlcvRecord, DatabentoRType } from '@lb/dbn';

/** The API key the mock gateway accepts in tests (32 characters). */
export const TEST_API_KEY = 'db-TESTKEYabcdefghijklmnopqWXYZ1';
export const TEST_INSTRUMENTS: readonly MockLiveInstrument[] = [
  { instrumentId: 100, rawSymbol: 'ESH6', parent: 'ES.FUT', continuous: ['ES.c.0'] },
];
export const ESH6 = future('ESH6');
/** 2026-03-02T14:30:00Z, epoch ms. */
export const TAPE_START_MS = Date.UTC(2026, 2, 2, 14, 30);
export const MINUTE_MS = 60_000;
/** ES terms for both engines: multiplier 50, tick 0.25 (margin from the backtest's table). */
export const ES_INSTRUMENTS = { ES: { multiplier: 50, tickSize: 0.25 } };

/** A deterministic zig-zag of `count` minute bars around 6000 in quarter points, varied enough to trade. */
export function tapePrices(count: number): { open: number; high: number; low: number; close: number }[] {
  const bars = [];
  let price = 6000;
  for (let index = 0; index < count; index++) {
    // Up four minutes, down three, with a wider swing every fifth bar: limits and stops both get touched.
    const drift = index % 7 < 4 ? 1.25 : -1.5;
    const open = price;
    const close = price + drift;
    const swing = index % 5 === 0 ? 2 : 0.75;
    bars.push({ open, high: Math.max(open, close) + swing, low: Math.min(open, close) - swing, close });
    price = close;
  }
  return bars;
}

const raw = (price: number) => BigInt(Math.round(price * 4)) * 250_000_000n;

/** The tape as DBN ohlcv-1m records of ESH6 for the mock gateway. */
export function minuteBarRecords(count: number): DatabentoOhlcvRecord[] {
  return tapePrices(count).map((bar, index) => ({
    rtype: DatabentoRType.Ohlcv1m,
    publisherId: 1,
    instrumentId: 100,
    tsEvent: BigInt(TAPE_START_MS + index * MINUTE_MS) * 1_000_000n,
    open: raw(bar.open),
    high: raw(bar.high),
    low: raw(bar.low),
    close: raw(bar.close),
    volume: BigInt(100 + index),
  }));
}

/** The same tape as core Bars, for the backtest's data source. */
export function minuteBars(count: number): Bars {
  return Bars.fromRows(
    tapePrices(count).map((bar, index) => ({
      tsEventNanos: BigInt(TAPE_START_MS + index * MINUTE_MS) * 1_000_000n,
      ...bar,
      volume: 100 + index,
    })),
    { symbol: 'ESH6', timestep: parseTimestep('1m') },
  );
}
