/// <reference lib="dom" />
// The page.evaluate callbacks below run in Chromium, so this file needs DOM types.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createSyntheticRunRecord } from './__fixtures__/synthetic-run-record.js';
import { writeResults } from './write-results.js';

// Debian's chromium; Playwright never downloads a browser here. CI installs it with apt-get.
const chromiumPath = process.env.LB_CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  console.warn(
    `SKIPPING the long-run tearsheet browser test: no Chromium at ${chromiumPath}. Install it with \`apt-get install -y chromium\` or set LB_CHROMIUM_PATH.`,
  );
}
const keepArtifacts = process.env.LB_KEEP_TEARSHEET_ARTIFACTS === '1';

// The bounds for a year of 1-minute iterations: under 2 s to render in Chromium, under 5 MB on disk.
const maxRenderMs = 2_000;
const maxFileBytes = 5 * 1024 * 1024;

describe('tearsheet of a year of 1-minute iterations in headless Chromium', () => {
  const directories: string[] = [];
  afterAll(async () => {
    if (keepArtifacts) {
      console.info(`tearsheet artifacts kept in ${directories.join(', ')}`);
      return;
    }
    await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
  });

  it.skipIf(!hasChromium)(
    'should draw every section of a 360,000-point run within the time and size bounds, offline',
    async () => {
      const scratch = await mkdtemp(path.join(tmpdir(), 'lb-report-browser-'));
      directories.push(scratch);
      const record = createSyntheticRunRecord();
      expect(record.equity.timesMs.length).toBeGreaterThan(350_000);
      const files = await writeResults({ outDir: scratch, record, title: 'Toy cycle on ES, 2024' });
      const { size } = await stat(files.tearsheetHtml);
      expect(size).toBeLessThan(maxFileBytes);

      const browser = await chromium.launch({
        executablePath: chromiumPath,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const networkAttempts: string[] = [];
        await context.route('**', async (route) => {
          const url = route.request().url();
          if (url.startsWith('file://')) {
            await route.continue();
          } else {
            networkAttempts.push(url);
            await route.abort('blockedbyclient');
          }
        });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') errors.push(message.text());
        });
        page.on('pageerror', (error) => errors.push(String(error)));

        await page.goto(pathToFileURL(files.tearsheetHtml).href, { waitUntil: 'load' });
        await page.waitForSelector('body[data-charts-ready]', { timeout: 15_000 });
        // Milliseconds from navigation start to the last chart and table drawn, measured by the page itself.
        const renderMs = Number(await page.getAttribute('body', 'data-render-ms'));
        console.info(`long-run tearsheet: ${size} bytes, drawn ${renderMs} ms after navigation start`);
        expect(renderMs).toBeGreaterThan(0);
        expect(renderMs).toBeLessThan(maxRenderMs);

        expect(await page.textContent('#data-source')).toBe(
          'Data: SYNTHETIC random walk (seeded), not real market data',
        );
        expect(await page.$$eval('#warnings li', (items) => items.map((item) => item.textContent))).toEqual(
          record.warnings,
        );

        const chartIds = [
          'equity-chart',
          'drawdown-chart',
          'yearly-chart',
          'histogram-chart',
          'rolling-sharpe-chart',
          'rolling-volatility-chart',
          'instrument-chart-0',
          'instrument-chart-1',
        ];
        expect(await page.getAttribute('body', 'data-charts-ready')).toBe(String(chartIds.length));
        for (const chartId of chartIds) {
          const painted = await page.evaluate((id) => {
            const element = document.querySelector<HTMLCanvasElement>(`#${id} canvas`);
            if (!element) return -1;
            const pixels = element.getContext('2d')!.getImageData(0, 0, element.width, element.height).data;
            let count = 0;
            for (let index = 3; index < pixels.length; index += 4) if (pixels[index] !== 0) count++;
            return count;
          }, chartId);
          // Axes alone paint a few thousand pixels; a drawn series adds far more.
          expect(painted, chartId).toBeGreaterThan(8_000);
        }

        // The benchmark is a second series of the equity chart, drawn in its grey.
        const legend = await page.$$eval('#equity-chart .u-legend .u-series .u-label', (labels) =>
          labels.map((label) => label.textContent),
        );
        expect(legend).toEqual(['Time (UTC)', 'Equity', 'ES buy and hold']);
        const benchmarkPixels = await page.evaluate(() => {
          const element = document.querySelector<HTMLCanvasElement>('#equity-chart canvas')!;
          const pixels = element.getContext('2d')!.getImageData(0, 0, element.width, element.height).data;
          let count = 0;
          // #9ca3af, the benchmark stroke, give or take anti-aliasing.
          for (let index = 0; index < pixels.length; index += 4) {
            if (
              Math.abs(pixels[index]! - 0x9c) < 12 &&
              Math.abs(pixels[index + 1]! - 0xa3) < 12 &&
              Math.abs(pixels[index + 2]! - 0xaf) < 12 &&
              pixels[index + 3]! > 200
            )
              count++;
          }
          return count;
        });
        expect(benchmarkPixels).toBeGreaterThan(500);

        // Monthly heatmap: 2024's twelve months and the year, plus the session of 2024-12-31 evening,
        // which trades for 2025-01-02 (one month cell and its year cell).
        expect(await page.$$eval('#monthly-returns .heat-cell', (cells) => cells.length)).toBe(15);
        expect(await page.$$eval('#monthly-returns tbody tr', (rows) => rows.length)).toBe(2);
        expect(await page.$$eval('#worst-drawdowns tbody tr', (rows) => rows.length)).toBe(5);
        const statLabels = await page.$$eval('#stats dt', (labels) =>
          labels.map((label) => label.textContent),
        );
        for (const label of [
          'Sortino',
          'Calmar',
          'Profit factor',
          'Exposure',
          'Round trips',
          'Fills',
          'Alpha',
          'Beta',
        ]) {
          expect(statLabels).toContain(label);
        }

        // Every fill is reachable: the trades table pages through all of them, 50 at a time.
        const fillPages = Math.ceil(record.fills.length / 50);
        expect(await page.textContent('#trades .page-info')).toBe(
          `Page 1 of ${fillPages} · rows 1–50 of ${record.fills.length.toLocaleString('en-US')}`,
        );
        expect(await page.$$eval('#trades tbody tr', (rows) => rows.length)).toBe(50);
        await page.click('#trades .page-next');
        expect(await page.textContent('#trades .page-info')).toMatch(/^Page 2 of /);
        expect(await page.textContent('#trades tbody tr:first-child td:first-child')).toBe(
          new Date(record.fills[50]!.timeMs).toISOString(),
        );
        const roundTrips = files.metrics.roundTrips;
        expect(await page.textContent('#round-trips .page-info')).toBe(
          `Page 1 of ${Math.ceil(roundTrips / 50)} · rows 1–50 of ${roundTrips.toLocaleString('en-US')}`,
        );

        expect(errors).toEqual([]);
        expect(networkAttempts).toEqual([]);
        await context.close();
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});
