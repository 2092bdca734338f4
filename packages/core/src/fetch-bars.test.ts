import { describe, expect, it } from 'vitest';
import { type Asset, continuousFuture, future, option, stock } from './asset.js';
import { type Bar, Bars } from './bars.js';
import type { BarsRequest, DataSourceCallOptions } from './data-source.js';
import { DataSourceError, InvalidArgumentError, UnsupportedFunctionalityError } from './errors.js';
import { fetchBars, fetchInstrument } from './fetch-bars.js';
import { MockDataSource } from './testing/mock-data-source.js';
import { parseTimestep } from './timestep.js';

const hour = parseTimestep('1h');
// ES March 2024 rolls at 2024-03-05T00:00 New York (05:00Z), 8 business days before the third Friday.
const roll = Date.UTC(2024, 2, 5, 5);

function hourlyBars(symbol: string, fromMs: number, toMs: number, price: (ms: number) => number): Bars {
  const rows: Bar[] = [];
  for (let ms = fromMs; ms < toMs; ms += 3_600_000) {
    const value = price(ms);
    rows.push({
      tsEventNanos: BigInt(ms) * 1_000_000n,
      open: value,
      high: value + 1,
      low: value - 1,
      close: value,
      volume: 1,
    });
  }
  return Bars.fromRows(rows, { symbol, timestep: hour });
}

function esBars(): [Asset, Bars][] {
  const from = Date.UTC(2024, 2, 1);
  const to = Date.UTC(2024, 2, 8);
  return [
    [future('ESH4'), hourlyBars('ESH4', from, to, () => 5000)],
    [future('ESM4'), hourlyBars('ESM4', from, to, () => 5050)],
  ];
}

function esSource(): MockDataSource {
  return new MockDataSource({ bars: esBars() });
}

/**
 * A source that prices downloads like a billing origin: 1 USD per requested hour, refused above `limitUsd`
 * in total, and records the order of approvals and fetches.
 */
class PricedSource extends MockDataSource {
  readonly events: string[] = [];
  readonly limitUsd: number;

  constructor(limitUsd: number) {
    super({ bars: esBars(), capabilities: { downloadApproval: true } });
    this.limitUsd = limitUsd;
  }

  async doApproveDownloads(requests: readonly BarsRequest[]): Promise<number[]> {
    const costs = requests.map((request) => (request.end.getTime() - request.start.getTime()) / 3_600_000);
    const totalUsd = costs.reduce((sum, cost) => sum + cost, 0);
    this.events.push(`approve ${requests.map((request) => describeRequest(request)).join(', ')}`);
    if (totalUsd > this.limitUsd)
      throw new DataSourceError(`total ${totalUsd} USD above ${this.limitUsd}`, { sourceId: 'mock' });
    return costs;
  }

  override async doFetchBars(request: BarsRequest, options?: DataSourceCallOptions): Promise<Bars> {
    this.events.push(`fetch ${describeRequest(request)}`);
    return super.doFetchBars(request, options);
  }
}

function describeRequest(request: BarsRequest): string {
  const month = request.asset.type === 'future' ? request.asset.month : 0;
  return `${request.asset.symbol}${month} ${request.start.toISOString().slice(5, 13)}..${request.end.toISOString().slice(5, 13)}`;
}

describe('fetchBars', () => {
  it('should stitch a continuous future from the contracts of the roll schedule', async () => {
    const source = esSource();
    const bars = await fetchBars(source, {
      asset: continuousFuture('ES'),
      timestep: '1h',
      start: '2024-03-04T00:00:00Z',
      end: '2024-03-06T00:00:00Z',
    });
    expect(
      source.calls.bars.map((call) => [call.asset.symbol, call.start.toISOString(), call.end.toISOString()]),
    ).toEqual([
      ['ES', '2024-03-04T00:00:00.000Z', '2024-03-05T05:00:00.000Z'],
      ['ES', '2024-03-05T05:00:00.000Z', '2024-03-06T00:00:00.000Z'],
    ]);
    expect(source.calls.bars.map((call) => call.asset.type === 'future' && call.asset.month)).toEqual([3, 6]);
    expect(bars.length).toBe(48);
    expect(bars.metadata.symbol).toBe('ES');
    expect(bars.metadata.segments).toEqual([
      { symbol: 'ESH4', startIndex: 0 },
      { symbol: 'ESM4', startIndex: 29 },
    ]);
    expect(bars.close[28]).toBe(5000);
    expect(bars.close[29]).toBe(5050);
  });

  it('should approve every contract of a continuous future together before the first fetch', async () => {
    const input = {
      asset: continuousFuture('ES'),
      timestep: '1h',
      start: '2024-03-04T00:00:00Z',
      end: '2024-03-06T00:00:00Z',
    } as const;
    // The segments cost 29 and 19 USD: each is under 40, their total (48) is not.
    const refused = new PricedSource(40);
    await expect(fetchBars(refused, input)).rejects.toThrow('total 48 USD above 40');
    expect(refused.events).toEqual(['approve ES3 03-04T00..03-05T05, ES6 03-05T05..03-06T00']);
    expect(refused.calls.bars).toHaveLength(0);

    const approved = new PricedSource(48);
    expect((await fetchBars(approved, input)).length).toBe(48);
    expect(approved.events).toEqual([
      'approve ES3 03-04T00..03-05T05, ES6 03-05T05..03-06T00',
      'fetch ES3 03-04T00..03-05T05',
      'fetch ES6 03-05T05..03-06T00',
    ]);
  });

  it('should include the roll lookback of back-adjustment in the approved total', async () => {
    const source = new PricedSource(1_000);
    await fetchBars(source, {
      asset: continuousFuture('ES'),
      timestep: '1h',
      start: '2024-03-04T00:00:00Z',
      end: '2024-03-06T00:00:00Z',
      backAdjust: 'difference',
    });
    expect(source.events).toEqual([
      'approve ES3 03-04T00..03-05T05, ES6 03-05T05..03-06T00, ES6 02-27T05..03-05T05',
      'fetch ES3 03-04T00..03-05T05',
      'fetch ES6 03-05T05..03-06T00',
      'fetch ES6 02-27T05..03-05T05',
    ]);
  });

  it('should not ask for approval of a single request, nor from a source without the capability', async () => {
    const single = new PricedSource(0);
    await fetchBars(single, {
      asset: future('ESH4'),
      timestep: '1h',
      start: '2024-03-04T00:00:00Z',
      end: '2024-03-05T00:00:00Z',
    });
    expect(single.events).toEqual(['fetch ES3 03-04T00..03-05T00']);

    const withoutFlag = new PricedSource(0);
    Object.assign(withoutFlag, { capabilities: { ...withoutFlag.capabilities, downloadApproval: false } });
    const bars = await fetchBars(withoutFlag, {
      asset: continuousFuture('ES'),
      timestep: '1h',
      start: '2024-03-04T00:00:00Z',
      end: '2024-03-06T00:00:00Z',
    });
    expect(bars.length).toBe(48);
    expect(withoutFlag.events.filter((event) => event.startsWith('approve'))).toEqual([]);
  });

  it('should back-adjust by difference and by ratio at the roll', async () => {
    const input = {
      asset: continuousFuture('ES'),
      timestep: '1h',
      start: new Date(Date.UTC(2024, 2, 4)),
      end: new Date(Date.UTC(2024, 2, 6)),
    } as const;
    const difference = await fetchBars(esSource(), { ...input, backAdjust: 'difference' });
    expect(difference.close[0]).toBe(5050);
    expect(difference.high[28]).toBe(5051);
    expect(difference.close[29]).toBe(5050);
    const ratio = await fetchBars(esSource(), { ...input, backAdjust: 'ratio' });
    expect(ratio.close[0]).toBeCloseTo(5050, 9);
    expect(ratio.low[0]).toBeCloseTo(4999 * (5050 / 5000), 9);
    expect(ratio.close[47]).toBe(5050);
  });

  it('should fail back-adjustment clearly when a contract has no price before the roll', async () => {
    const source = new MockDataSource({
      bars: [[future('ESH4'), hourlyBars('ESH4', Date.UTC(2024, 2, 1), Date.UTC(2024, 2, 8), () => 5000)]],
    });
    await expect(
      fetchBars(source, {
        asset: continuousFuture('ES'),
        timestep: '1h',
        start: '2024-03-04T00:00Z',
        end: '2024-03-06T00:00Z',
        backAdjust: 'difference',
      }),
    ).rejects.toSatisfy(
      (error) => DataSourceError.isInstance(error) && /ESM4 has no bar/.test((error as Error).message),
    );
  });

  it('should compare the two contracts at the same bar when the outgoing one stops early', async () => {
    // ESH4 has no bars in the last 3 hours before the roll; ESM4 trends up by 1 per hour until the roll.
    const from = Date.UTC(2024, 2, 1);
    const to = Date.UTC(2024, 2, 8);
    const source = new MockDataSource({
      bars: [
        [future('ESH4'), hourlyBars('ESH4', from, roll - 3 * 3_600_000, () => 5000)],
        [future('ESM4'), hourlyBars('ESM4', from, to, (ms) => 5050 + (ms - roll) / 3_600_000)],
      ],
    });
    const bars = await fetchBars(source, {
      asset: continuousFuture('ES'),
      timestep: '1h',
      start: '2024-03-04T00:00Z',
      end: '2024-03-06T00:00Z',
      backAdjust: 'difference',
    });
    // ESH4's last bar opens at roll - 4h, when ESM4 closed at 5046: the offset is 46, not 49.
    expect(bars.metadata.segments).toEqual([
      { symbol: 'ESH4', startIndex: 0 },
      { symbol: 'ESM4', startIndex: 26 },
    ]);
    expect(bars.close[25]).toBe(5046);
    expect(bars.close[26]).toBe(5050);
  });

  it('should refuse ratio adjustment of non-positive prices', async () => {
    const from = Date.UTC(2024, 2, 1);
    const to = Date.UTC(2024, 2, 8);
    const source = new MockDataSource({
      bars: [
        [future('ESH4'), hourlyBars('ESH4', from, to, () => 0)],
        [future('ESM4'), hourlyBars('ESM4', from, to, () => 5)],
      ],
    });
    await expect(
      fetchBars(source, {
        asset: continuousFuture('ES'),
        timestep: '1h',
        start: '2024-03-04T00:00Z',
        end: '2024-03-06T00:00Z',
        backAdjust: 'ratio',
      }),
    ).rejects.toThrow(
      'Cannot ratio back-adjust at the 2024-03-05T05:00:00.000Z roll: prices must be positive, got ESH4 0 and ESM4 5. Use backAdjust "difference".',
    );
  });

  it('should refuse backAdjust when the source stitches continuous futures itself', async () => {
    const source = new MockDataSource({
      capabilities: { assetTypes: ['future', 'continuous_future'], continuousFutures: true },
    });
    await expect(
      fetchBars(source, {
        asset: continuousFuture('ES'),
        timestep: '1h',
        start: '2024-03-04T00:00Z',
        end: '2024-03-06T00:00Z',
        backAdjust: 'difference',
      }),
    ).rejects.toSatisfy(
      (error) =>
        UnsupportedFunctionalityError.isInstance(error) &&
        (error as Error).message ===
          'Source "mock" resolves continuous futures itself and cannot back-adjust them; use backAdjust "none".',
    );
    expect(source.calls.bars).toEqual([]);
    await expect(
      fetchBars(source, {
        asset: future('ESH4'),
        timestep: '1h',
        start: '2024-03-04',
        end: '2024-03-05',
        backAdjust: 'ratio',
      }),
    ).rejects.toThrow('backAdjust applies to continuous futures only, not to future:ESH2024.');
  });

  it('should keep contract segments when resampling a stitched continuous future', async () => {
    const bars = await fetchBars(esSource(), {
      asset: continuousFuture('ES'),
      timestep: '4h',
      start: '2024-03-04T00:00:00Z',
      end: '2024-03-06T00:00:00Z',
    });
    // The roll at 05:00Z falls inside the 04:00-08:00Z bucket, which goes to the new contract.
    expect(
      Array.from(bars.tsEventNanos, (nanos) => new Date(Number(nanos / 1_000_000n)).toISOString()).slice(
        6,
        8,
      ),
    ).toEqual(['2024-03-05T00:00:00.000Z', '2024-03-05T04:00:00.000Z']);
    expect(bars.metadata.segments).toEqual([
      { symbol: 'ESH4', startIndex: 0 },
      { symbol: 'ESM4', startIndex: 7 },
    ]);
    expect(bars.close[6]).toBe(5000);
    expect(bars.close[7]).toBe(5050);
  });

  it('should reject an unknown backAdjust instead of treating it as ratio', async () => {
    const source = esSource();
    await expect(
      fetchBars(source, {
        asset: continuousFuture('ES'),
        timestep: '1h',
        start: '2024-03-04T00:00Z',
        end: '2024-03-06T00:00Z',
        backAdjust: 'ratios' as never,
      }),
    ).rejects.toThrow('Invalid backAdjust "ratios": use one of "none", "difference", "ratio".');
    expect(source.calls.bars).toEqual([]);
  });

  it('should resample timesteps the source does not serve natively', async () => {
    const source = new MockDataSource({
      bars: [
        [stock('SPY'), hourlyBars('SPY', Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2), (ms) => ms / 3_600_000)],
      ],
      capabilities: { timestepUnits: ['hour'] },
    });
    const bars = await fetchBars(source, {
      asset: stock('SPY'),
      timestep: '4h',
      start: '2024-01-01',
      end: '2024-01-02',
    });
    expect(bars.length).toBe(6);
    expect(source.calls.bars[0]!.timestep.label).toBe('1h');
    await expect(
      fetchBars(source, { asset: stock('SPY'), timestep: '30m', start: '2024-01-01', end: '2024-01-02' }),
    ).rejects.toSatisfy((error) => UnsupportedFunctionalityError.isInstance(error));
  });

  it('should read naive ISO strings as UTC and reject bad ranges', async () => {
    const source = esSource();
    await fetchBars(source, {
      asset: future('ESH4'),
      timestep: '1h',
      start: '2024-03-04T10:00',
      end: '2024-03-04T12:00',
    });
    expect(source.calls.bars[0]!.start.toISOString()).toBe('2024-03-04T10:00:00.000Z');
    await expect(
      fetchBars(source, { asset: future('ESH4'), timestep: '1h', start: '2024-03-05', end: '2024-03-04' }),
    ).rejects.toThrow(/is after end/);
    await expect(
      fetchBars(source, { asset: future('ESH4'), timestep: '1h', start: 'yesterday', end: '2024-03-04' }),
    ).rejects.toSatisfy((error) => InvalidArgumentError.isInstance(error));
    await expect(
      fetchBars(source, {
        asset: option('SPY', '2024-03-15', 500, 'call'),
        timestep: '1h',
        start: '2024-03-01',
        end: '2024-03-04',
      }),
    ).rejects.toSatisfy((error) => UnsupportedFunctionalityError.isInstance(error));
  });
});

describe('fetchInstrument', () => {
  it('should resolve a continuous future to the active contract', async () => {
    const spec = { symbol: 'ESM4', multiplier: 50, tickSize: 0.25, currency: 'USD' };
    const source = new MockDataSource({ instruments: [[future('ESM4'), spec]] });
    await expect(fetchInstrument(source, continuousFuture('ES'), new Date(roll))).resolves.toEqual(spec);
  });

  it('should reject an invalid Date before asking the source', async () => {
    const source = new MockDataSource();
    await expect(fetchInstrument(source, future('ESM4'), new Date(Number.NaN))).rejects.toThrow(
      'Invalid at Invalid Date: the Date is invalid; pass a Date or an ISO-8601 string such as "2024-01-02T14:30:00Z".',
    );
    expect(source.calls.instruments).toEqual([]);
  });
});
