import { readdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const dir = '/tmp/lb-smoke/' + readdirSync('/tmp/lb-smoke')[0];
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
page.on('console', (m) => {
  if (m.type() === 'error') errors.push(m.text());
});
await page.goto('file://' + dir + '/tearsheet.html');
await page.waitForSelector('body[data-charts-ready]');
console.log(
  await page.getAttribute('body', 'data-charts-ready'),
  await page.getAttribute('body', 'data-render-ms'),
  errors,
);
await page.screenshot({ path: '/tmp/lb-smoke/shot.png', fullPage: true });
await browser.close();
