import cliProgress from 'cli-progress';

/** Receives backtest progress; `stop` is called once at the end. */
export interface ProgressReporter {
  update(done: number, total: number): void;
  stop(): void;
}

/** Options of {@link createProgressReporter}; tests inject the clock. */
export interface ProgressReporterOptions {
  /** Milliseconds since some fixed point; default `Date.now`. */
  readonly nowMs?: () => number;
  /** What runs, shown first; default `backtest` (`lb sweep` shows `sweep`). */
  readonly task?: string;
  /** What is counted, for the rate; default `iterations`. */
  readonly unit?: string;
  /** Show `done/total` before the percent (useful when the total is small, like parameter sets). */
  readonly showCount?: boolean;
}

// A rate over less than this is noise (the first frame would claim thousands of iterations per second).
const MINIMUM_RATE_WINDOW_MS = 1000;
const MINIMUM_BAR_WIDTH = 10;
const MAXIMUM_BAR_WIDTH = 40;

function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/**
 * The progress line: label, bar, percent, then rate and ETA once they can be measured, fitted to
 * `widthColumns` (the bar shrinks first, then ETA and rate are dropped).
 */
export function formatProgressLine(progress: {
  readonly fraction: number;
  readonly ratePerSecond: number | undefined;
  readonly etaSeconds: number | undefined;
  readonly widthColumns: number;
  readonly barCharacters: { readonly complete: string; readonly incomplete: string };
  readonly task?: string;
  readonly unit?: string;
  /** `done/total`, shown before the percent when given. */
  readonly count?: string;
}): string {
  const label = progress.task ?? 'backtest';
  const unit = progress.unit ?? 'iterations';
  const fraction = Math.min(1, Math.max(0, progress.fraction));
  const percent = `${progress.count === undefined ? '' : `${progress.count} `}${Math.floor(fraction * 100)}%`;
  const details: string[] = [];
  if (progress.ratePerSecond !== undefined) {
    details.push(`${Math.round(progress.ratePerSecond).toLocaleString('en-US')} ${unit}/s`);
  }
  if (progress.etaSeconds !== undefined) details.push(`ETA ${formatDuration(progress.etaSeconds)}`);
  // cli-progress writes the line without wrapping; one column stays free for the cursor.
  const available = progress.widthColumns - 1;
  for (let kept = details.length; kept >= 0; kept--) {
    const tail = [percent, ...details.slice(0, kept)].join(' | ');
    const fixed = `${label} [] ${tail}`.length;
    const barWidth = Math.min(MAXIMUM_BAR_WIDTH, available - fixed);
    if (barWidth >= MINIMUM_BAR_WIDTH || kept === 0) {
      const width = Math.max(0, barWidth);
      const complete = Math.round(fraction * width);
      const bar =
        progress.barCharacters.complete.repeat(complete) +
        progress.barCharacters.incomplete.repeat(width - complete);
      return `${label} [${bar}] ${tail}`.slice(0, Math.max(0, available));
    }
  }
  return percent;
}

/**
 * A progress bar (percent, then iterations per second and ETA once measured) on an interactive terminal,
 * fitted to its width, and nothing at all otherwise, so logs and CI output stay clean. cli-progress
 * draws and throttles; the line itself comes from {@link formatProgressLine}.
 */
export function createProgressReporter(
  stream: NodeJS.WriteStream = process.stderr,
  options: ProgressReporterOptions = {},
): ProgressReporter {
  if (!stream.isTTY) return { update() {}, stop() {} };
  const nowMs = options.nowMs ?? Date.now;
  const preset = cliProgress.Presets.shades_classic;
  let startedMs = 0;
  let firstDone = 0;
  let latest = { done: 0, total: 1, atMs: 0 };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      hideCursor: true,
      clearOnComplete: true,
      linewrap: false,
      format: (_options, params) => {
        const elapsedMs = latest.atMs - startedMs;
        const measured = elapsedMs >= MINIMUM_RATE_WINDOW_MS && latest.done > firstDone;
        const ratePerSecond = measured ? ((latest.done - firstDone) * 1000) / elapsedMs : undefined;
        return formatProgressLine({
          fraction: params.progress,
          ratePerSecond,
          etaSeconds: ratePerSecond === undefined ? undefined : (latest.total - latest.done) / ratePerSecond,
          widthColumns: stream.columns || params.maxWidth,
          barCharacters: { complete: preset.barCompleteChar, incomplete: preset.barIncompleteChar },
          ...(options.task === undefined ? {} : { task: options.task }),
          ...(options.unit === undefined ? {} : { unit: options.unit }),
          ...(options.showCount === true ? { count: `${latest.done}/${latest.total}` } : {}),
        });
      },
    },
    preset,
  );
  let started = false;
  return {
    update(done, total) {
      latest = { done, total, atMs: nowMs() };
      if (!started) {
        startedMs = latest.atMs;
        firstDone = done;
        bar.start(total, done);
        started = true;
      } else bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
