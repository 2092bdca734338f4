import { type DatabentoOhlcvRecord, DatabentoRType, type DatabentoTradeRecord } from '@lb/dbn';
import type { MockLiveInstrument } from '../testing/index.js';

/** The API key the mock accepts in tests (32 characters, bucket `WXYZ1`). */
export const TEST_API_KEY = 'db-TESTKEYabcdefghijklmnopqWXYZ1';

/** ES and NQ March and June 2026 contracts, with their parents and front-month continuous symbols. */
export const TEST_INSTRUMENTS: readonly MockLiveInstrument[] = [
  { instrumentId: 100, rawSymbol: 'ESH6', parent: 'ES.FUT', continuous: ['ES.c.0'] },
  { instrumentId: 101, rawSymbol: 'ESM6', parent: 'ES.FUT', continuous: ['ES.c.1'] },
  { instrumentId: 200, rawSymbol: 'NQH6', parent: 'NQ.FUT', continuous: ['NQ.c.0'] },
];

/** 2026-03-02T14:30:00Z in ns. */
export const TAPE_START_NANOS = 1_772_461_800_000_000_000n;

/**
 * `count` ESH6 trades one millisecond apart; trade i has sequence 1000 + i and price 6000 + i * 0.25
 * (raw fixed-point 6_000_000_000_000 + i * 250_000_000), size 1 + i % 7.
 */
export function tradeTape(count: number, instrumentId = 100): DatabentoTradeRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const tsEvent = TAPE_START_NANOS + BigInt(index) * 1_000_000n;
    return {
      rtype: DatabentoRType.Mbp0,
      publisherId: 1,
      instrumentId,
      tsEvent,
      tsRecv: tsEvent + 5_000n,
      action: 'T',
      side: index % 2 === 0 ? 'B' : 'A',
      depth: 0,
      price: 6_000_000_000_000n + BigInt(index) * 250_000_000n,
      size: 1 + (index % 7),
      flags: 0,
      tsInDelta: 0,
      sequence: 1000 + index,
    };
  });
}

/**
 * `count` ohlcv-1m bars of ESH6 from {@link TAPE_START_NANOS}: bar i opens at 6000 + i, high +2, low -1,
 * close +1.5, volume 100 + i.
 */
export function minuteBarTape(count: number, instrumentId = 100): DatabentoOhlcvRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const base = 6000 + index;
    const raw = (price: number) => BigInt(Math.round(price * 4)) * 250_000_000n;
    return {
      rtype: DatabentoRType.Ohlcv1m,
      publisherId: 1,
      instrumentId,
      tsEvent: TAPE_START_NANOS + BigInt(index) * 60_000_000_000n,
      open: raw(base),
      high: raw(base + 2),
      low: raw(base - 1),
      close: raw(base + 1.5),
      volume: BigInt(100 + index),
    };
  });
}
