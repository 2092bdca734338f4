import cliProgress from 'cli-progress';

/** Receives backtest progress; `stop` is called once at the end. */
export interface ProgressReporter {
  update(done: number, total: number): void;
  stop(): void;
}

/**
 * A progress bar (percent, iterations per second, ETA) on an interactive terminal, and nothing at all
 * otherwise, so logs and CI output stay clean.
 */
export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (!stream.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'backtest [{bar}] {percentage}% | {rate} iterations/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 200,
    },
    cliProgress.Presets.shades_classic,
  );
  const startedMs = Date.now();
  let started = false;
  return {
    update(done, total) {
      const seconds = Math.max((Date.now() - startedMs) / 1000, 1e-3);
      const rate = Math.round(done / seconds).toLocaleString('en-US');
      if (!started) {
        bar.start(total, done, { rate });
        started = true;
      } else bar.update(done, { rate });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
