import type { BacktestStats } from '@lb/backtest';
import { describe, expect, it } from 'vitest';
import type { SweepResult } from './run-sweep.js';
import { formatSweepCsv } from './sweep-csv.js';
import { renderSweepHtml } from './sweep-html.js';

const stats = (overrides: Partial<BacktestStats>): BacktestStats =>
  ({
    totalReturn: 0,
    sharpe: null,
    maxDrawdown: 0,
    numberOfTrades: 0,
    feesPaid: 0,
    ...overrides,
  }) as BacktestStats;

const results: SweepResult[] = [
  {
    index: 1,
    parameters: { mode: 'a,"b"', length: 5 },
    iterations: 10,
    stats: stats({ totalReturn: -1e-12, sharpe: 1.5 }),
  },
  {
    index: 0,
    parameters: { mode: '<x>', length: 3 },
    iterations: 10,
    stats: stats({ totalReturn: 0.125, sharpe: null, maxDrawdown: 0.05, numberOfTrades: 4, feesPaid: 2 }),
  },
];

describe('formatSweepCsv', () => {
  it('should order rows by index, quote text cells, print fixed decimals and no negative zero', () => {
    expect(formatSweepCsv(results, ['mode', 'length'])).toBe(
      [
        'mode,length,total_return,sharpe,max_drawdown,trades,fees',
        '<x>,3,0.1250000000,,0.0500000000,4,2.00',
        '"a,""b""",5,0.0000000000,1.5000000000,0.0000000000,0,0.00',
        '',
      ].join('\n'),
    );
  });
});

describe('renderSweepHtml', () => {
  it('should escape parameter text and sort by the metric with undefined values last', () => {
    const html = renderSweepHtml({
      title: 'Sweep <1>',
      results,
      parameterNames: ['mode', 'length'],
      sortBy: 'sharpe',
    });
    expect(html).toContain('<title>Sweep &lt;1&gt;</title>');
    expect(html).not.toContain('<x>');
    const rows = html.split('\n').filter((line) => line.startsWith('<tr><td'));
    expect(rows.map((row) => row.match(/data-value="([^"]*)"/)![1])).toEqual([
      'a,&quot;b&quot;',
      '&lt;x&gt;',
    ]);
    expect(html).toContain('<h2>sharpe heatmap</h2>');
  });
});
