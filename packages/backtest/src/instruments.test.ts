import { future, option, stock } from '@lb/core';
import { MockDataSource } from '@lb/core/testing';
import { describe, expect, it } from 'vitest';
import { MissingInstrumentSpecError } from './errors.js';
import { resolveInstrument, tradedSymbol } from './instruments.js';

const AT = new Date('2024-03-04T14:30:00Z');
const MES = future('MESM4');

function resolve(spec: { multiplier: number; tickSize: number }, overrides = {}) {
  const dataSource = new MockDataSource({
    instruments: [[MES, { symbol: 'MESM4', currency: 'USD', ...spec }]],
  });
  const warnings: string[] = [];
  const run = resolveInstrument({
    asset: MES,
    symbol: 'MESM4',
    overrides,
    dataSource,
    at: AT,
    warn: (line) => warnings.push(line),
  });
  return { run, warnings };
}

describe('resolveInstrument', () => {
  it('should take multiplier and tick size from the source and margin from the default table', async () => {
    const { run, warnings } = resolve({ multiplier: 5, tickSize: 0.25 });
    expect(await run).toEqual({
      symbol: 'MESM4',
      multiplier: 5,
      tickSize: 0.25,
      marginPerContract: 1_300,
      cashSettled: false,
    });
    expect(warnings).toEqual([]);
  });

  it('should refuse a source spec with a zero or missing multiplier instead of trusting it', async () => {
    await expect(resolve({ multiplier: 0, tickSize: 0.25 }).run).rejects.toThrow(MissingInstrumentSpecError);
    await expect(resolve({ multiplier: 0, tickSize: 0.25 }).run).rejects.toThrow(
      /returned an unusable spec \(multiplier 0, tick size 0.25\)/,
    );
    await expect(resolve({ multiplier: undefined as unknown as number, tickSize: 0.25 }).run).rejects.toThrow(
      /multiplier undefined/,
    );
  });

  it('should prefer an explicit override, margin included', async () => {
    const { run } = resolve(
      { multiplier: 0, tickSize: 0 },
      { MES: { multiplier: 5, tickSize: 0.25, margin: 2_000 } },
    );
    expect(await run).toMatchObject({ multiplier: 5, tickSize: 0.25, marginPerContract: 2_000 });
  });

  it('should settle options in cash with the source multiplier, under their own symbol', async () => {
    const call = option('AAPL', '2024-06-21', 190, 'call');
    const dataSource = new MockDataSource({
      instruments: [
        [call, { symbol: 'AAPL  240621C00190000', multiplier: 100, tickSize: 0.01, currency: 'USD' }],
      ],
    });
    const symbol = tradedSymbol(call);
    expect(symbol).not.toBe(tradedSymbol(stock('AAPL')));
    const warnings: string[] = [];
    expect(
      await resolveInstrument({
        asset: call,
        symbol,
        overrides: {},
        dataSource,
        at: AT,
        warn: (line) => warnings.push(line),
      }),
    ).toEqual({
      symbol,
      multiplier: 100,
      tickSize: 0.01,
      marginPerContract: 0,
      cashSettled: true,
    });
    expect(warnings).toEqual([]);
  });
});
