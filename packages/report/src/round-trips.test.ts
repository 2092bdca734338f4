import { describe, expect, it } from 'vitest';
import { computeRoundTrips } from './round-trips.js';
import type { RunFill, RunPriceSeries } from './run-record.js';

const minute = 60_000;
const t = (index: number) => Date.UTC(2024, 0, 2, 14, 30) + index * minute;

// ESH4 bars t0..t5: the long trip below runs from t0 to t3, so bars t0, t1 and t2 count (t3 opens at the exit).
const prices: Record<string, RunPriceSeries> = {
  ESH4: {
    timesMs: [t(0), t(1), t(2), t(3), t(4), t(5)],
    values: [100, 102, 106, 105, 104, 103],
    lows: [99, 97, 98, 104, 103, 100],
    highs: [101, 103, 108, 110, 106, 104],
  },
};

describe('computeRoundTrips', () => {
  it('should join a scaled-in long into one trip with FIFO P&L, fees, MAE and MFE', () => {
    const fills: RunFill[] = [
      { timeMs: t(0), symbol: 'ESH4', side: 'buy', quantity: 1, price: 100, fee: 1 },
      { timeMs: t(1), symbol: 'ESH4', side: 'buy', quantity: 1, price: 102, fee: 1 },
      // (105 - 100) x 50 + (105 - 102) x 50 = 400, as the engine reports it.
      { timeMs: t(3), symbol: 'ESH4', side: 'sell', quantity: 2, price: 105, fee: 2, realizedPnl: 400 },
    ];
    const { roundTrips, fillRoles, multipliers } = computeRoundTrips(fills, prices);
    expect(fillRoles).toEqual(['entry', 'entry', 'exit']);
    expect(multipliers).toEqual({ ESH4: 50 });
    expect(roundTrips).toEqual([
      {
        symbol: 'ESH4',
        direction: 'long',
        entryTimeMs: t(0),
        exitTimeMs: t(3),
        entryPrice: 101,
        exitPrice: 105,
        quantity: 2,
        grossPnl: 400,
        fees: 4,
        netPnl: 396,
        durationMs: 3 * minute,
        // Lowest low 97 (t1) against the 101 average entry, x 2 contracts x 50: -400.
        mae: -400,
        // Highest high 108 (t2): (108 - 101) x 2 x 50 = 700; t3's 110 comes after the exit.
        mfe: 700,
        entryTag: '',
        exitTag: '',
      },
    ]);
  });

  it('should split a reversing fill into a close and a new trip, inferring the multiplier', () => {
    const fills: RunFill[] = [
      { timeMs: t(0), symbol: 'ESH4', side: 'buy', quantity: 2, price: 100, fee: 2 },
      // Sells 3: closes the 2 long ((105 - 100) x 2 x 50 = 500) and opens 1 short; fee 3 split 2 + 1.
      { timeMs: t(3), symbol: 'ESH4', side: 'sell', quantity: 3, price: 105, fee: 3, realizedPnl: 500 },
      // No realizedPnl: (105 - 103) x 1 x the inferred multiplier 50 = 100.
      { timeMs: t(5), symbol: 'ESH4', side: 'buy', quantity: 1, price: 103, fee: 1, tag: 'stop' },
    ];
    const { roundTrips, fillRoles } = computeRoundTrips(fills, prices);
    expect(fillRoles).toEqual(['entry', 'exit', 'exit']);
    expect(
      roundTrips.map((trip) => [trip.direction, trip.quantity, trip.grossPnl, trip.fees, trip.netPnl]),
    ).toEqual([
      ['long', 2, 500, 4, 496],
      ['short', 1, 100, 2, 98],
    ]);
    const short = roundTrips[1]!;
    expect([short.entryTimeMs, short.exitTimeMs, short.entryPrice, short.exitPrice, short.exitTag]).toEqual([
      t(3),
      t(5),
      105,
      103,
      'stop',
    ]);
    // Bars t3 and t4: highest high 110 -> (105 - 110) x 50 = -250; lowest low 103 -> (105 - 103) x 50 = 100.
    expect([short.mae, short.mfe]).toEqual([-250, 100]);
  });

  it('should end a trip at a roll and start the next in the new contract, both tagged', () => {
    const fills: RunFill[] = [
      { timeMs: t(0), symbol: 'ESZ3', side: 'buy', quantity: 1, price: 100, fee: 0 },
      { timeMs: t(2), symbol: 'ESZ3', side: 'sell', quantity: 1, price: 101, fee: 0, tag: 'roll' },
      { timeMs: t(2), symbol: 'ESH4', side: 'buy', quantity: 1, price: 121, fee: 0, tag: 'roll' },
      { timeMs: t(4), symbol: 'ESH4', side: 'sell', quantity: 1, price: 120, fee: 0 },
    ];
    const { roundTrips } = computeRoundTrips(fills);
    expect(
      roundTrips.map((trip) => [trip.symbol, trip.grossPnl, trip.entryTag, trip.exitTag, trip.mae, trip.mfe]),
    ).toEqual([
      ['ESZ3', 1, '', 'roll', null, null],
      ['ESH4', -1, 'roll', '', null, null],
    ]);
  });

  it('should leave a position still open at the end out of the round trips', () => {
    const fills: RunFill[] = [
      { timeMs: t(0), symbol: 'ESH4', side: 'sell', quantity: 1, price: 100, fee: 0 },
    ];
    expect(computeRoundTrips(fills).roundTrips).toEqual([]);
  });
});
