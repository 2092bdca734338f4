import { describe, expect, it } from 'vitest';
import { equityToCsv, fillsToCsv, roundTripsToCsv, statsRowsToCsv } from './csv.js';
import { computeRoundTrips } from './round-trips.js';
import type { RunFill } from './run-record.js';

const t0 = Date.UTC(2023, 11, 5, 5);

describe('result CSV files', () => {
  it('should write every fill with its roll tag, quoting text with commas or quotes', () => {
    const fills: RunFill[] = [
      {
        timeMs: t0,
        asset: 'continuous_future:ES',
        symbol: 'ESZ3',
        side: 'sell',
        quantity: 1,
        price: 4_600.25,
        fee: 0.5,
        realizedPnl: 12.5,
        orderId: '7',
        tag: 'roll',
      },
      { timeMs: t0, symbol: 'ESH4', side: 'buy', quantity: 1, price: 4_650, fee: 0.5, tag: 'entry, "fast"' },
    ];
    expect(fillsToCsv(fills)).toBe(
      'time,asset,symbol,side,quantity,price,fee,realized_pnl,order_id,tag\n' +
        '2023-12-05T05:00:00.000Z,continuous_future:ES,ESZ3,sell,1,4600.25,0.5,12.5,7,roll\n' +
        '2023-12-05T05:00:00.000Z,ESH4,ESH4,buy,1,4650,0.5,,,"entry, ""fast"""\n',
    );
  });

  it('should write round trips with gross and net P&L, duration and empty excursions without prices', () => {
    const { roundTrips } = computeRoundTrips([
      { timeMs: t0, symbol: 'ESH4', side: 'sell', quantity: 2, price: 10, fee: 1 },
      { timeMs: t0 + 90_000, symbol: 'ESH4', side: 'buy', quantity: 2, price: 9.5, fee: 1, tag: 'target' },
    ]);
    expect(roundTripsToCsv(roundTrips)).toBe(
      'symbol,direction,entry_time,exit_time,quantity,entry_price,exit_price,gross_pnl,fees,net_pnl,duration_seconds,mae,mfe,entry_tag,exit_tag\n' +
        'ESH4,short,2023-12-05T05:00:00.000Z,2023-12-05T05:01:30.000Z,2,10,9.5,1,2,-1,90,,,,target\n',
    );
  });

  it('should add the benchmark value at each time, empty before the benchmark starts', () => {
    const equity = { timesMs: [t0, t0 + 60_000, t0 + 120_000], values: [100, 101, 99.5] };
    const benchmark = { label: 'ES buy and hold', timesMs: [t0 + 30_000, t0 + 120_000], values: [50, 51] };
    expect(equityToCsv(equity, [100, 40, 40], benchmark)).toBe(
      'time,portfolio_value,cash,benchmark_value\n' +
        '2023-12-05T05:00:00.000Z,100,100,\n' +
        '2023-12-05T05:01:00.000Z,101,40,50\n' +
        '2023-12-05T05:02:00.000Z,99.5,40,51\n',
    );
    expect(equityToCsv(equity)).toBe(
      'time,portfolio_value\n2023-12-05T05:00:00.000Z,100\n2023-12-05T05:01:00.000Z,101\n2023-12-05T05:02:00.000Z,99.5\n',
    );
  });

  it('should write traced stats rows with the union of their columns', () => {
    expect(
      statsRowsToCsv([
        { time: '2024-01-02T14:30:00Z', sma: 4_700.5 },
        { time: '2024-01-02T14:31:00Z', signal: 'buy, now', levels: [1, 2], missing: Number.NaN },
      ]),
    ).toBe(
      'time,sma,signal,levels,missing\n' +
        '2024-01-02T14:30:00Z,4700.5,,,\n' +
        '2024-01-02T14:31:00Z,,"buy, now","[1,2]",\n',
    );
  });
});
