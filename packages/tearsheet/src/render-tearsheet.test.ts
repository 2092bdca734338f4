import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@lb/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createSyntheticTearsheetInput } from './__fixtures__/synthetic-tearsheet-input.js';
import { renderTearsheet } from './render-tearsheet.js';
import type { TearsheetInput } from './tearsheet-input.js';
import { writeTearsheet } from './write-tearsheet.js';

function extractChartData(html: string): { equity: number[][]; drawdown: number[][] } {
  const match = /<script type="application\/json" id="tearsheet-data">(.*?)<\/script>/s.exec(html);
  if (!match) throw new Error('chart data not found');
  return JSON.parse(match[1]!);
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
    // <title>, <h1>, subtitle, stat label and value, and the time/symbol/side cells.
    expect(html.split('&lt;img src=x onerror=alert(1)&gt;').length - 1).toBe(8);
    expect(html).toContain('class="side side-buy"');
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
    expect(html).toContain(
      '<tr><td>2024-01-02T14:30:00Z</td><td>ESH4</td><td><span class="side side-sell">sell</span></td>' +
        '<td class="num">2</td><td class="num">4,750.25</td><td class="num">4.50</td>' +
        '<td class="num"><span class="negative">-1,234.50</span></td></tr>',
    );
    expect(html).not.toContain('trades-omitted');
  });

  it('should cap trade rows and say how many were omitted', () => {
    const html = renderTearsheet(createSyntheticTearsheetInput(100, 2_500));
    expect(html.match(/<tr><td>/g)?.length).toBe(1_000);
    expect(html).toContain('Showing the first 1,000 of 2,500 trades; 1,500 omitted.');
  });

  it('should downsample 200k-point curves to at most 5,000 points per chart, quickly', () => {
    const input = createSyntheticTearsheetInput(200_000, 10);
    const startedAt = performance.now();
    const html = renderTearsheet(input);
    const elapsedMs = performance.now() - startedAt;
    const data = extractChartData(html);
    expect(data.equity[0]!.length).toBeLessThanOrEqual(5_000);
    expect(data.drawdown[0]!.length).toBeLessThanOrEqual(5_000);
    expect(Math.max(...data.equity[1]!)).toBe(input.equity.values.reduce((a, b) => Math.max(a, b)));
    expect(Math.min(...data.equity[1]!)).toBe(input.equity.values.reduce((a, b) => Math.min(a, b)));
    expect(data.equity[0]![0]).toBe(input.equity.timesMs[0]! / 1000);
    expect(html.length).toBeLessThan(600_000);
    expect(elapsedMs).toBeLessThan(1_000);
  });

  it('should chart the drawdown in percent', () => {
    const html = renderTearsheet({
      title: 'T',
      stats: [],
      equity: { timesMs: [0, 1_000, 2_000, 3_000], values: [100, 80, 120, 90] },
      trades: [],
    });
    expect(extractChartData(html).drawdown).toEqual([
      [0, 1, 2, 3],
      [0, -19.999999999999996, 0, -25],
    ]);
    expect(html).toContain('No trades.');
    expect(html).toContain('No statistics.');
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
