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
export function createProgressReporter(
  stream: NodeJS.WriteStream = process.stderr,
  /** What the bar counts; `lb sweep` shows `sweep [...] 3/16 ... parameter sets/s`. Default: backtest iterations. */
  labels: { readonly task?: string; readonly unit?: string } = {},
): ProgressReporter {
  if (!stream.isTTY) return { update() {}, stop() {} };
  const task = labels.task ?? 'backtest';
  const unit = labels.unit ?? 'iterations';
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${task} [{bar}] ${labels.task === undefined ? '' : '{value}/{total} '}{percentage}% | {rate} ${unit}/s | ETA {eta_formatted}`,
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
