import { describe, expect, it } from 'vitest';
import { future, stock } from '../asset.js';
import { type Bar, Bars } from '../bars.js';
import { UnsupportedFunctionalityError } from '../errors.js';
import { parseTimestep } from '../timestep.js';
import { describeDataSourceContract } from './describe-data-source-contract.js';
import { MockDataSource } from './mock-data-source.js';

const minute = parseTimestep('1m');
const start = Date.UTC(2024, 0, 2, 14, 30);

function minuteBars(count: number): Bars {
  const rows: Bar[] = [];
  for (let index = 0; index < count; index++) {
    const price = 4700 + (index % 7) * 0.25;
    rows.push({
      tsEventNanos: BigInt(start + index * 60_000) * 1_000_000n,
      open: price,
      high: price + 0.5,
      low: price - 0.5,
      close: price + 0.25,
      volume: 100 + index,
    });
  }
  return Bars.fromRows(rows, { symbol: 'ESH4', timestep: minute });
}

const esh4 = future('ESH4');

describeDataSourceContract('MockDataSource', () => ({
  source: new MockDataSource({
    bars: [[esh4, minuteBars(120)]],
    instruments: [[esh4, { symbol: 'ESH4', multiplier: 50, tickSize: 0.25, currency: 'USD' }]],
  }),
  bars: { asset: esh4, timestep: '1m', start: new Date(start), end: new Date(start + 60 * 60_000) },
  emptyWindow: { start: new Date(start - 86_400_000), end: new Date(start - 3_600_000) },
  instrument: { asset: esh4, at: new Date(start) },
}));

describe('MockDataSource', () => {
  it('should resample to coarser timesteps and record calls', async () => {
    const source = new MockDataSource({ bars: [[esh4, minuteBars(30)]] });
    const bars = await source.doFetchBars({
      asset: esh4,
      timestep: parseTimestep('15m'),
      start: new Date(start),
      end: new Date(start + 30 * 60_000),
    });
    expect(bars.length).toBe(2);
    expect(bars.volume[0]).toBe(
      Array.from({ length: 15 }, (_, index) => 100 + index).reduce((a, b) => a + b),
    );
    expect(source.calls.bars).toHaveLength(1);
  });

  it('should return empty bars for an unknown asset and refuse unknown instruments', async () => {
    const source = new MockDataSource();
    const bars = await source.doFetchBars({
      asset: stock('AAPL'),
      timestep: minute,
      start: new Date(start),
      end: new Date(start + 60_000),
    });
    expect(bars.length).toBe(0);
    await expect(source.doFetchInstrument({ asset: stock('AAPL'), at: new Date(start) })).rejects.toSatisfy(
      (error) => UnsupportedFunctionalityError.isInstance(error),
    );
  });

  it('should list the symbols it was given bars or specs for, closest to the requested one first', async () => {
    const nq = future('NQM4');
    const source = new MockDataSource({
      bars: [
        [esh4, minuteBars(2)],
        [stock('AAPL'), minuteBars(2)],
      ],
      instruments: [[nq, { symbol: 'NQM4', multiplier: 20, tickSize: 0.25, currency: 'USD' }]],
    });
    expect(await source.doListAssets!({ near: 'ESM4', limit: 2 })).toEqual({
      assets: [
        { symbol: 'ESH4', datasets: [] },
        { symbol: 'NQM4', datasets: [] },
      ],
      truncated: true,
      totalAssets: 3,
    });
    expect(source.calls.listings).toEqual([{ near: 'ESM4', limit: 2 }]);
  });

  it('should not list when its capabilities say it cannot', () => {
    const source = new MockDataSource({ capabilities: { assetListing: false } });
    expect(source.doListAssets).toBeUndefined();
  });
});
