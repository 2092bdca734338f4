/// <reference lib="dom" />
// The page.evaluate callbacks below run in Chromium, so this file needs DOM types.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createSyntheticTearsheetInput } from './__fixtures__/synthetic-tearsheet-input.js';
import { writeTearsheet } from './write-tearsheet.js';

// Debian's chromium; Playwright never downloads a browser here. CI installs it with apt-get.
const chromiumPath = process.env.LB_CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  console.warn(
    `SKIPPING the tearsheet browser test: no Chromium at ${chromiumPath}. Install it with \`apt-get install -y chromium\` or set LB_CHROMIUM_PATH.`,
  );
}
// Set LB_KEEP_TEARSHEET_ARTIFACTS=1 to keep the HTML and screenshot for a look.
const keepArtifacts = process.env.LB_KEEP_TEARSHEET_ARTIFACTS === '1';

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('tearsheet in headless Chromium', () => {
  const directories: string[] = [];
  afterAll(async () => {
    if (keepArtifacts) {
      console.info(`tearsheet artifacts kept in ${directories.join(', ')}`);
      return;
    }
    await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
  });

  it.skipIf(!hasChromium)(
    'should draw both charts, the stats and the trades offline without errors',
    async () => {
      const directory = await mkdtemp(join(tmpdir(), 'lb-tearsheet-browser-'));
      directories.push(directory);
      const htmlPath = join(directory, 'tearsheet.html');
      const screenshotPath = join(directory, 'tearsheet.png');
      const input = createSyntheticTearsheetInput(100_000, 1_500);
      await writeTearsheet(htmlPath, input);

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
        const consoleErrors: string[] = [];
        const pageErrors: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') consoleErrors.push(message.text());
        });
        page.on('pageerror', (error) => pageErrors.push(String(error)));
        page.on('request', (request) => {
          const url = request.url();
          if (!url.startsWith('file://') && !networkAttempts.includes(url)) networkAttempts.push(url);
        });

        await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
        await page.waitForSelector('body[data-charts-ready="2"]', { timeout: 10_000 });

        for (const chartId of ['equity-chart', 'drawdown-chart']) {
          const canvas = await page.evaluate((id) => {
            const element = document.querySelector<HTMLCanvasElement>(`#${id} canvas`);
            if (!element) return undefined;
            const context2d = element.getContext('2d')!;
            const pixels = context2d.getImageData(0, 0, element.width, element.height).data;
            let paintedPixels = 0;
            for (let index = 3; index < pixels.length; index += 4) if (pixels[index] !== 0) paintedPixels++;
            return {
              width: element.width,
              height: element.height,
              paintedPixels,
              dataUrlLength: element.toDataURL('image/png').length,
            };
          }, chartId);
          expect(canvas, chartId).toBeDefined();
          expect(canvas!.width, chartId).toBeGreaterThan(600);
          expect(canvas!.height, chartId).toBeGreaterThan(200);
          // A filled area chart with axes paints a large share of the canvas.
          expect(canvas!.paintedPixels, chartId).toBeGreaterThan(10_000);
          expect(canvas!.dataUrlLength, chartId).toBeGreaterThan(5_000);
        }

        const stats = await page.$$eval('#stats .stat', (cards) =>
          cards.map((card) => ({
            label: card.querySelector('dt')!.textContent,
            value: card.querySelector('dd')!.textContent,
          })),
        );
        expect(stats).toEqual(input.stats);
        expect(await page.textContent('h1')).toBe('ES futures SMA crossover');
        // Every fill stays reachable: 1,500 fills page 50 at a time.
        expect(await page.$$eval('#trades tbody tr', (rows) => rows.length)).toBe(50);
        expect(await page.textContent('#trades .page-info')).toBe('Page 1 of 30 · rows 1–50 of 1,500');
        expect(await page.isDisabled('#trades .page-previous')).toBe(true);
        for (let click = 0; click < 29; click++) await page.click('#trades .page-next');
        expect(await page.textContent('#trades .page-info')).toBe(
          'Page 30 of 30 · rows 1,451–1,500 of 1,500',
        );
        expect(await page.isDisabled('#trades .page-next')).toBe(true);
        expect(await page.textContent('#trades tbody tr:last-child td:first-child')).toBe(
          input.trades[1_499]!.time,
        );

        // Hovering the equity chart fills both legends (the cursors are synced).
        // Paging scrolled the page down to the trades; bring the chart back under the mouse.
        await page.locator('#equity-chart').scrollIntoViewIfNeeded();
        const plotArea = await page.locator('#equity-chart .u-over').boundingBox();
        expect(plotArea).not.toBeNull();
        await page.mouse.move(plotArea!.x + plotArea!.width * 0.6, plotArea!.y + plotArea!.height / 2);
        const legendValues = await page.$$eval('.u-legend .u-series:nth-child(2) .u-value', (cells) =>
          cells.map((cell) => cell.textContent),
        );
        expect(legendValues).toHaveLength(2);
        expect(legendValues[0]).toMatch(/^\d{1,3}(,\d{3})*(\.\d+)?$/);
        expect(legendValues[1]).toMatch(/^-?\d+\.\d{2}%$/);

        await page.screenshot({ path: screenshotPath, fullPage: true });
        const png = await readFile(screenshotPath);
        expect(png.subarray(0, 8).equals(pngSignature)).toBe(true);
        expect(png.length).toBeGreaterThan(30_000);

        expect(consoleErrors).toEqual([]);
        expect(pageErrors).toEqual([]);
        expect(networkAttempts).toEqual([]);
        await context.close();
      } finally {
        await browser.close();
      }
    },
    30_000,
  );
});
