import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@lb/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createSyntheticTearsheetInput } from './__fixtures__/synthetic-tearsheet-input.js';
import { renderTearsheet } from './render-tearsheet.js';
import type { TearsheetInput } from './tearsheet-input.js';
import { writeTearsheet } from './write-tearsheet.js';

interface Payload {
  charts: Array<{ id: string; data: Array<Array<number | null>>; series: Array<{ label: string }> }>;
  tables: { trades: { rows: string[][] }; roundTrips: { rows: string[][] } };
  pageSize: number;
}

function extractPayload(html: string): Payload {
  const match = /<script type="application\/json" id="tearsheet-data">(.*?)<\/script>/s.exec(html);
  if (!match) throw new Error('chart data not found');
  return JSON.parse(match[1]!);
}

function chartData(html: string, id: string): Array<Array<number | null>> {
  const chart = extractPayload(html).charts.find((candidate) => candidate.id === id);
  if (!chart) throw new Error(`chart ${id} not found`);
  return chart.data;
}

const hostileText = `</script><script>alert("x")</script><img src=x onerror=alert(1)>`;

describe('renderTearsheet', () => {
  it('should produce one page with uPlot inlined and no external resource references', () => {
    const html = renderTearsheet(createSyntheticTearsheetInput(500, 20));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('var uPlot=function()');
    expect(html).toContain('.uplot');
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/<(?:link|iframe|object|embed)\b/i);
    expect(html).toContain("default-src 'none'");
  });

  it('should escape every piece of caller text', () => {
    const input: TearsheetInput = {
      title: hostileText,
      subtitle: hostileText,
      dataDescription: hostileText,
      warnings: [hostileText],
      benchmark: { label: hostileText, values: [1, 2] },
      instruments: [{ symbol: hostileText, markers: [{ timeMs: 0, price: 1, role: 'entry' }] }],
      stats: [{ label: hostileText, value: hostileText }],
      equity: { timesMs: [0, 60_000], values: [1, 2] },
      trades: [
        { time: hostileText, symbol: hostileText, side: hostileText as 'buy', quantity: 1, price: 2, fee: 0 },
      ],
    };
    const html = renderTearsheet(input);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    // <title>, <h1>, subtitle, data source, stat label and value, warning, the equity heading's benchmark
    // and the instrument heading; table cells and series labels travel as escaped JSON (drawn as text).
    expect(html.split('&lt;img src=x onerror=alert(1)&gt;').length - 1).toBe(9);
    const row = extractPayload(html).tables.trades.rows[0]!;
    expect(row.slice(0, 3)).toEqual([hostileText, hostileText, 'buy']);
  });

  it('should render stats in order and format trades', () => {
    const html = renderTearsheet({
      title: 'T',
      stats: [
        { label: 'CAGR', value: '12.4%' },
        { label: 'Sharpe', value: '1.21' },
      ],
      equity: { timesMs: [0], values: [100] },
      trades: [
        {
          time: '2024-01-02T14:30:00Z',
          symbol: 'ESH4',
          side: 'sell',
          quantity: 2,
          price: 4750.25,
          fee: 4.5,
          pnl: -1234.5,
        },
      ],
    });
    expect(html).toContain(
      '<div class="stat"><dt>CAGR</dt><dd>12.4%</dd></div>\n<div class="stat"><dt>Sharpe</dt><dd>1.21</dd></div>',
    );
    expect(extractPayload(html).tables.trades.rows).toEqual([
      ['2024-01-02T14:30:00Z', 'ESH4', 'sell', '2', '4,750.25', '4.50', '-1,234.50', ''],
    ]);
  });

  it('should keep every trade for the paged table instead of cutting at 1,000', () => {
    const html = renderTearsheet(createSyntheticTearsheetInput(100, 2_500));
    const payload = extractPayload(html);
    expect(payload.tables.trades.rows).toHaveLength(2_500);
    expect(payload.pageSize).toBe(50);
    expect(html).toContain('Trades (fills) <span class="count">2,500</span>');
  });

  it('should downsample 200k-point curves to at most 4,000 points per chart, keeping the extremes', () => {
    const input = createSyntheticTearsheetInput(200_000, 10);
    const html = renderTearsheet(input);
    const equity = chartData(html, 'equity-chart') as number[][];
    expect(equity[0]!.length).toBeLessThanOrEqual(4_000);
    expect(chartData(html, 'drawdown-chart')[0]!.length).toBeLessThanOrEqual(4_000);
    // Values are kept to 8 significant digits.
    const roundTo8 = (value: number) => Number(value.toPrecision(8));
    expect(Math.max(...equity[1]!)).toBe(roundTo8(input.equity.values.reduce((a, b) => Math.max(a, b))));
    expect(Math.min(...equity[1]!)).toBe(roundTo8(input.equity.values.reduce((a, b) => Math.min(a, b))));
    expect(equity[0]![0]).toBe(input.equity.timesMs[0]! / 1000);
    expect(html.length).toBeLessThan(600_000);
  });

  it('should chart the drawdown in percent', () => {
    const html = renderTearsheet({
      title: 'T',
      stats: [],
      equity: { timesMs: [0, 1_000, 2_000, 3_000], values: [100, 80, 120, 90] },
      trades: [],
    });
    expect(chartData(html, 'drawdown-chart')).toEqual([
      [0, 1, 2, 3],
      [0, -20, 0, -25],
    ]);
    expect(html).toContain('No trades.');
    expect(html).toContain('No statistics.');
  });

  it('should draw the benchmark beside equity, the heatmap, yearly bars, drawdowns and instruments', () => {
    const day = 86_400_000;
    const timesMs = Array.from({ length: 30 }, (_, index) => Date.UTC(2024, 0, 2, 21) + index * day);
    const input: TearsheetInput = {
      title: 'T',
      dataDescription: 'bundled SYNTHETIC sample',
      stats: [],
      equity: { timesMs, values: timesMs.map((_, index) => 100 + (index % 7)) },
      benchmark: {
        label: 'ES buy and hold',
        values: timesMs.map((_, index) => (index === 0 ? null : 100 + index)),
      },
      dailyReturns: { timesMs, values: timesMs.map((_, index) => ((index % 5) - 2) / 100) },
      monthlyReturns: { '2023': { '12': -0.05 }, '2024': { '1': 0.1, '2': 0.05 } },
      yearlyReturns: { '2023': -0.05, '2024': 0.155 },
      worstDrawdowns: [
        {
          start: '2024-01-05T21:00:00.000Z',
          trough: '2024-01-08T21:00:00.000Z',
          recovery: null,
          depth: 0.06,
          lengthDays: 25,
        },
      ],
      trades: [],
      instruments: [
        {
          symbol: 'ESH4',
          timesMs: [timesMs[0]!, timesMs[2]!],
          prices: [4_700, 4_710],
          markers: [
            { timeMs: timesMs[1]!, price: 4_705, role: 'entry' },
            { timeMs: timesMs[2]!, price: 4_710, role: 'exit' },
          ],
        },
      ],
    };
    const html = renderTearsheet(input);
    expect(html).toContain(
      '<p id="data-source" class="data-source">Data: <strong>bundled SYNTHETIC sample</strong></p>',
    );
    const equity = extractPayload(html).charts.find((chart) => chart.id === 'equity-chart')!;
    expect(equity.series.map((series) => series.label)).toEqual(['Equity', 'ES buy and hold']);
    expect(equity.data[2]!.slice(0, 3)).toEqual([null, 101, 102]);
    // 2023: Dec and the year; 2024: Jan, Feb and the year. Colour scales with |return| / the largest month
    // (10%): -5% is half strength; the 15.5% year is capped at full strength.
    expect(html.match(/class="heat-cell/g)).toHaveLength(5);
    expect(html).toContain(
      '<td class="heat-cell heat-strong heat-year" data-value="0.155" style="background: rgba(4, 120, 87, 0.900)">15.50%</td>',
    );
    expect(html).toContain(
      '<td class="heat-cell" data-value="-0.05" style="background: rgba(185, 28, 28, 0.510)">-5.00%</td>',
    );
    expect(chartData(html, 'yearly-chart')).toEqual([
      [2023, 2024],
      [-5, 15.5],
    ]);
    expect(html).toContain(
      '<td>not recovered</td><td class="num negative">-6.00%</td><td class="num">25.0</td>',
    );
    // Prices at t0 and t2, the entry on its own row at t1 (the price line spans it), the exit on t2's row.
    expect(chartData(html, 'instrument-chart-0')).toEqual([
      [timesMs[0]! / 1000, timesMs[1]! / 1000, timesMs[2]! / 1000],
      [4_700, null, 4_710],
      [null, 4_705, null],
      [null, null, 4_710],
    ]);
    // 30 days: the 63-day window shrinks to 15 days, so the first 14 points are empty.
    const sharpe = chartData(html, 'rolling-sharpe-chart');
    expect(sharpe[1]!.slice(0, 15).map((value) => value === null)).toEqual([...Array(14).fill(true), false]);
    const histogram = chartData(html, 'histogram-chart');
    expect(histogram[1]!.reduce((total, count) => total! + count!, 0)).toBe(30);
    expect(renderTearsheet(input)).toBe(html);
  });

  it('should reject equity arrays of different lengths or unsorted times', () => {
    const base = { title: 'T', stats: [], trades: [] };
    expect(() => renderTearsheet({ ...base, equity: { timesMs: [0, 1], values: [1] } })).toThrow(
      'equity.timesMs and equity.values must have the same length, got 2 and 1.',
    );
    expect(() => renderTearsheet({ ...base, equity: { timesMs: [5, 1], values: [1, 2] } })).toThrow(
      /must be ascending/,
    );
    let thrown: unknown;
    try {
      renderTearsheet({ ...base, equity: { timesMs: [Number.NaN], values: [1] } });
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidArgumentError).argument).toBe('equity.timesMs');
  });

  it('should show a placeholder instead of charts when there is no equity data', () => {
    const html = renderTearsheet({ title: 'T', stats: [], equity: { timesMs: [], values: [] }, trades: [] });
    expect(html).not.toContain('id="equity-chart"');
    expect(html).toContain('No equity data.');
  });
});

describe('writeTearsheet', () => {
  const directories: string[] = [];
  afterEach(async () => {
    await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
  });

  it('should write the rendered page and leave no temporary file behind', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'lb-tearsheet-'));
    directories.push(directory);
    const path = join(directory, 'report.html');
    const input = createSyntheticTearsheetInput(100, 5);
    const bytes = await writeTearsheet(path, input);
    const written = await readFile(path, 'utf8');
    expect(written).toBe(renderTearsheet(input));
    expect(bytes).toBe(Buffer.byteLength(written));
    expect(await readdir(directory)).toEqual(['report.html']);
  });

  it('should clean up the temporary file when the rename fails', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'lb-tearsheet-'));
    directories.push(directory);
    // Renaming a file over a directory fails (EISDIR), after the temporary file was written.
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(directory, 'taken'));
    await expect(
      writeTearsheet(join(directory, 'taken'), createSyntheticTearsheetInput(10, 1)),
    ).rejects.toThrow();
    expect(await readdir(directory)).toEqual(['taken']);
  });
});
