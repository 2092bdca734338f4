import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressReporter } from './progress-reporter.js';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; output: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  let written = '';
  stream.on('data', (chunk) => {
    written += String(chunk);
  });
  Object.assign(stream, { isTTY, columns: 100 });
  return { stream, output: () => written };
}

describe('createProgressReporter', () => {
  it('should draw percent, rate and ETA on a terminal', async () => {
    const { stream, output } = fakeStream(true);
    const reporter = createProgressReporter(stream);
    reporter.update(250, 1000);
    reporter.update(500, 1000);
    reporter.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(output()).toMatch(/backtest \[.*\] 50% \| [\d,]+ iterations\/s \| ETA \S+/);
  });

  it('should write nothing when the stream is not a terminal', async () => {
    const { stream, output } = fakeStream(false);
    const reporter = createProgressReporter(stream);
    reporter.update(500, 1000);
    reporter.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(output()).toBe('');
  });
});
