import { type Asset, assetKey, type Bar, Bars, type DataSourceV1, type Timestep } from '@lb/core';
import { type LiveBarFeed, loadHistoryForLive, mergeBarsAtSeam } from '@lb/databento-live';

/** One live bar with the instrument it traded in (a continuous future's contract changes at rolls). */
export interface LiveBar extends Bar {
  readonly symbol: string;
}

interface AssetBars {
  readonly asset: Asset;
  /** Live bars received, oldest first; `released` of them have been handed to the broker. */
  readonly bars: LiveBar[];
  released: number;
  history: Promise<{ bars: Bars; seamNanos: bigint }> | undefined;
  /** The history once loaded, for the synchronous accessors. */
  loadedHistory: Bars | undefined;
}

/**
 * The live side of the market the engine trades: buffers closed bars from a {@link LiveBarFeed} as they
 * arrive (possibly ahead of the engine's clock, e.g. during a replay), and releases them by close time, so
 * a strategy at T sees (and the broker fills on) only bars that ended at or before T, as in backtests.
 */
export class LiveMarket {
  readonly timestep: Timestep;
  readonly #stepMs: number;
  readonly #byKey = new Map<string, AssetBars>();
  readonly #history: DataSourceV1;
  #waiters: (() => void)[] = [];
  #failure: unknown;
  #ended = false;
  /** Bars dropped because they were at or before the last one of their asset (a replay overlap). */
  duplicatesDropped = 0;

  constructor(input: { feed: LiveBarFeed; history: DataSourceV1 }) {
    this.timestep = input.feed.timestep;
    this.#stepMs = this.timestep.durationMs;
    this.#history = input.history;
  }

  /** Consumes `feed` until it ends or `signal` aborts; a feed failure is kept and rethrown to waiters. */
  async consume(feed: LiveBarFeed, signal: AbortSignal): Promise<void> {
    try {
      for await (const update of feed.updates({ signal })) {
        const entry = this.#entry(update.asset);
        const bars = update.bars;
        for (let index = 0; index < bars.length; index++) {
          const bar = bars.at(index)!;
          const last = entry.bars.at(-1);
          if (last !== undefined && bar.tsEventNanos <= last.tsEventNanos) {
            this.duplicatesDropped++;
            continue;
          }
          entry.bars.push({ ...bar, symbol: bars.symbolAt(index) });
        }
        this.#wake();
      }
    } catch (error) {
      if (!signal.aborted) this.#failure = error;
    } finally {
      this.#ended = true;
      this.#wake();
    }
  }

  /** The error the feed failed with, if it did. */
  get failure(): unknown {
    return this.#failure;
  }

  /** Close time (epoch ms) of the newest bar received for `asset`, or -Infinity before any. */
  receivedThroughMs(asset: Asset): number {
    const last = this.#byKey.get(assetKey(asset))?.bars.at(-1);
    return last === undefined
      ? Number.NEGATIVE_INFINITY
      : Number(last.tsEventNanos / 1_000_000n) + this.#stepMs;
  }

  /** Resolves at the next arrival (or at the end of the feed). */
  nextArrival(): Promise<void> {
    if (this.#ended) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Takes every bar that closed by `nowMs` and was not released yet, across assets, oldest open first
   * (ties in asset order), for the broker.
   */
  release(nowMs: number): { asset: Asset; bar: LiveBar }[] {
    const released: { asset: Asset; bar: LiveBar }[] = [];
    for (const entry of this.#byKey.values()) {
      while (entry.released < entry.bars.length) {
        const bar = entry.bars[entry.released]!;
        if (Number(bar.tsEventNanos / 1_000_000n) + this.#stepMs > nowMs) break;
        entry.released++;
        released.push({ asset: entry.asset, bar });
      }
    }
    released.sort((left, right) => (left.bar.tsEventNanos < right.bar.tsEventNanos ? -1 : 1));
    return released;
  }

  /**
   * History plus the live bars closed by `nowMs`, at the feed's timestep. History is loaded once per asset
   * (through the data source, normally the cache), up to the minute the engine started.
   */
  async barsAt(asset: Asset, nowMs: number, lookbackBars: number, startedAtMs: number): Promise<Bars> {
    const entry = this.#entry(asset);
    entry.history ??= loadHistoryForLive({
      source: this.#history,
      asset,
      timestep: this.timestep,
      // Generous for sessions and weekends: history is cached, and only the last `length` bars are kept.
      start: new Date(startedAtMs - lookbackBars * this.#stepMs * 3 - 4 * 86_400_000),
      now: new Date(startedAtMs),
    });
    const history = await entry.history;
    entry.loadedHistory = history.bars;
    return this.#withLiveBars(entry, history.bars, nowMs);
  }

  /**
   * {@link barsAt} without the promise: undefined until an earlier `barsAt` for `asset` has loaded its
   * history (then the same bars).
   */
  loadedBarsAt(asset: Asset, nowMs: number): Bars | undefined {
    const entry = this.#byKey.get(assetKey(asset));
    if (entry?.loadedHistory === undefined) return undefined;
    return this.#withLiveBars(entry, entry.loadedHistory, nowMs);
  }

  #withLiveBars(entry: AssetBars, history: Bars, nowMs: number): Bars {
    const visible: LiveBar[] = [];
    for (const bar of entry.bars) {
      if (Number(bar.tsEventNanos / 1_000_000n) + this.#stepMs > nowMs) break;
      visible.push(bar);
    }
    if (visible.length === 0) return history;
    const live = Bars.fromRows(visible, { symbol: visible.at(-1)!.symbol, timestep: this.timestep });
    return mergeBarsAtSeam({ history, live });
  }

  #entry(asset: Asset): AssetBars {
    const key = assetKey(asset);
    let entry = this.#byKey.get(key);
    if (entry === undefined) {
      entry = { asset, bars: [], released: 0, history: undefined, loadedHistory: undefined };
      this.#byKey.set(key, entry);
    }
    return entry;
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
