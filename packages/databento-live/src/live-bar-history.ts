import {
  type Asset,
  Bars,
  type DataSourceV1,
  fetchBars,
  InvalidArgumentError,
  parseTimestep,
  type Timestep,
} from '@lb/core';

/**
 * Joins historical and live bars at `seamNanos`: history rows opening before the seam, live rows opening at
 * or after it. With the live subscription replaying from the seam (see {@link loadHistoryForLive}) the
 * result has no gap and no duplicate at the seam. The seam defaults to the first live bar's open.
 * @throws InvalidArgumentError when the two series have different timesteps.
 */
export function mergeBarsAtSeam(input: { history: Bars; live: Bars; seamNanos?: bigint }): Bars {
  const { history, live } = input;
  if (live.length === 0 && input.seamNanos === undefined) return history;
  const seam = input.seamNanos ?? live.tsEventNanos[0]!;
  const before = history.slice(0, history.indexAtOrAfter(seam));
  const after = live.slice(live.indexAtOrAfter(seam));
  if (
    before.length > 0 &&
    after.length > 0 &&
    before.metadata.timestep.durationMs !== after.metadata.timestep.durationMs
  ) {
    throw new InvalidArgumentError(
      `Cannot merge ${after.metadata.timestep.label} live bars onto ${before.metadata.timestep.label} history; subscribe to the history's timestep.`,
      { argument: 'live' },
    );
  }
  return Bars.concat([before, after], {
    symbol: history.metadata.symbol,
    timestep: history.metadata.timestep,
  });
}

/** Input of {@link loadHistoryForLive}. */
export interface LoadHistoryForLiveInput {
  /** Any data source; wrap it in the Feather cache so repeated starts download nothing again. */
  readonly source: DataSourceV1;
  readonly asset: Asset;
  readonly timestep: Timestep | string;
  /** First bar wanted. */
  readonly start: Date | string;
  /** Current time; default now. The seam is this instant floored to the timestep. */
  readonly now?: Date;
  readonly signal?: AbortSignal;
}

/**
 * Loads history up to the live seam and says where the live subscription must replay from. The seam is
 * `now` floored to the timestep, moved back to the end of what the source has (`doFetchAvailableRange`,
 * floored) when the historical origin lags, so the live replay covers exactly what history lacks.
 */
export async function loadHistoryForLive(
  input: LoadHistoryForLiveInput,
): Promise<{ bars: Bars; seamNanos: bigint; seam: Date }> {
  const timestep = parseTimestep(input.timestep);
  const durationMs = timestep.durationMs;
  let seamMs = Math.floor((input.now ?? new Date()).getTime() / durationMs) * durationMs;
  if (input.source.doFetchAvailableRange !== undefined) {
    const available = await input.source.doFetchAvailableRange(
      { asset: input.asset, timestep, start: new Date(input.start), end: new Date(seamMs) },
      { ...(input.signal ? { signal: input.signal } : {}) },
    );
    seamMs = Math.min(seamMs, Math.floor(available.end.getTime() / durationMs) * durationMs);
  }
  const seam = new Date(seamMs);
  const bars = await fetchBars(
    input.source,
    { asset: input.asset, timestep, start: input.start, end: seam },
    input.signal ? { signal: input.signal } : {},
  );
  return { bars, seamNanos: BigInt(seamMs) * 1_000_000n, seam };
}

/**
 * History plus today's closed live bars for one asset, grown as live updates arrive: what a strategy at T
 * may see. Bars opening before the seam or at/before the last bar held are ignored, so a replayed or
 * repeated update can never duplicate a bar.
 */
export class LiveBarSeries {
  #bars: Bars;
  readonly #seamNanos: bigint;

  constructor(input: { history: Bars; seamNanos: bigint }) {
    this.#bars = input.history.slice(0, input.history.indexAtOrAfter(input.seamNanos));
    this.#seamNanos = input.seamNanos;
  }

  /** Every bar held: history before the seam, then closed live bars. */
  get bars(): Bars {
    return this.#bars;
  }

  /** Appends the new bars of a live update (copying; O(history) per call) and returns the series. */
  append(live: Bars): Bars {
    const last = this.#bars.tsEventNanos.at(-1);
    const from = last === undefined || last < this.#seamNanos ? this.#seamNanos : last + 1n;
    const fresh = live.slice(live.indexAtOrAfter(from));
    if (fresh.length > 0) this.#bars = mergeBarsAtSeam({ history: this.#bars, live: fresh, seamNanos: from });
    return this.#bars;
  }
}
