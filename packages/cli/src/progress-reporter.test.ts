import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressReporter, formatProgressLine } from './progress-reporter.js';

function fakeStream(isTTY: boolean, columns: number): { stream: NodeJS.WriteStream; frames: () => string[] } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  let written = '';
  stream.on('data', (chunk) => {
    written += String(chunk);
  });
  Object.assign(stream, { isTTY, columns });
  // Frames as the terminal shows them: escape sequences removed, one frame per carriage return.
  const frames = () =>
    written
      // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences
      .replace(/\u001b(\[[0-9;?]*[A-Za-z]|[78])/g, '\r')
      .split(/[\r\n]+/)
      .filter((frame) => frame.trim() !== '');
  return { stream, frames };
}

const characters = { complete: '#', incomplete: '-' };

describe('formatProgressLine', () => {
  it('should show no rate or ETA before they are measured', () => {
    expect(
      formatProgressLine({
        fraction: 0,
        ratePerSecond: undefined,
        etaSeconds: undefined,
        widthColumns: 80,
        barCharacters: characters,
      }),
    ).toBe(`backtest [${'-'.repeat(40)}] 0%`);
  });

  it('should show rate and ETA once measured', () => {
    expect(
      formatProgressLine({
        fraction: 0.5,
        ratePerSecond: 1441.4,
        etaSeconds: 95,
        widthColumns: 100,
        barCharacters: characters,
      }),
    ).toBe(`backtest [${'#'.repeat(20)}${'-'.repeat(20)}] 50% | 1,441 iterations/s | ETA 1m35s`);
  });

  it('should fit 60 columns by shrinking the bar, then dropping ETA and rate', () => {
    const line = (widthColumns: number) =>
      formatProgressLine({
        fraction: 0.5,
        ratePerSecond: 1441,
        etaSeconds: 3725,
        widthColumns,
        barCharacters: characters,
      });
    expect(line(60)).toBe(`backtest [${'#'.repeat(6)}${'-'.repeat(5)}] 50% | 1,441 iterations/s | ETA 1h02m`);
    expect(line(60).length).toBe(59);
    expect(line(52)).toBe(`backtest [${'#'.repeat(8)}${'-'.repeat(7)}] 50% | 1,441 iterations/s`);
    expect(line(45)).toBe(`backtest [${'#'.repeat(15)}${'-'.repeat(14)}] 50%`);
    expect(line(30)).toBe(`backtest [${'#'.repeat(7)}${'-'.repeat(7)}] 50%`);
    expect(line(20).length).toBeLessThanOrEqual(19);
  });
});

describe('createProgressReporter', () => {
  it('should start without a rate, measure it after a second and fit the terminal width', async () => {
    const { stream, frames } = fakeStream(true, 60);
    let nowMs = 0;
    const reporter = createProgressReporter(stream, { nowMs: () => nowMs });
    reporter.update(0, 1000);
    nowMs = 2000;
    reporter.update(500, 1000);
    reporter.stop();
    await new Promise((resolve) => setImmediate(resolve));
    const shown = frames();
    expect(shown[0]).toMatch(/^backtest \[[░█]+\] 0%$/);
    expect(shown).toContainEqual(
      expect.stringMatching(/^backtest \[[░█]+\] 50% \| 250 iterations\/s \| ETA 2s$/),
    );
    for (const frame of shown) expect(frame.length).toBeLessThanOrEqual(59);
  });

  it('should write nothing when the stream is not a terminal', async () => {
    const { stream, frames } = fakeStream(false, 100);
    const reporter = createProgressReporter(stream);
    reporter.update(500, 1000);
    reporter.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(frames()).toEqual([]);
  });
});
