import type { Asset, DataSourceV1, Timestep } from '@lb/core';
import type { DataFeed, FeedSeries } from './data-feed.js';
import {
  type InstrumentOverride,
  type ResolvedInstrument,
  resolveInstrument,
  tradedSymbol,
} from './instruments.js';
import { contractInSeries } from './roll-contracts.js';

/** Settings of a {@link FillSeriesBook}. */
export interface FillSeriesBookSettings {
  readonly feed: DataFeed;
  readonly dataSource: DataSourceV1;
  /** Timestep orders fill on. */
  readonly fillTimestep: Timestep;
  /** The backtest's `instruments` option. */
  readonly overrides: Readonly<Record<string, InstrumentOverride>>;
  readonly startMs: number;
  readonly endMs: number;
  /** The simulated time, which dates instrument definitions. */
  readonly clockMs: () => number;
  readonly warn: (message: string) => void;
  readonly signal?: AbortSignal;
}

/**
 * The fill series orders can go to: loaded, with the instrument spec of every contract they can book
 * resolved (a continuous future's series books each contract of its roll schedule in turn).
 */
export class FillSeriesBook {
  readonly #settings: FillSeriesBookSettings;
  readonly #instruments = new Map<string, ResolvedInstrument>();
  readonly #seriesInstrument = new Map<FeedSeries, ResolvedInstrument>();
  // Fill series whose instruments are resolved: orders on them go to the broker at once.
  readonly #ready = new WeakSet<FeedSeries>();
  /** Set once a continuous future's series is ready: only then can positions need rolling. */
  hasContinuous = false;

  constructor(settings: FillSeriesBookSettings) {
    this.#settings = settings;
  }

  /** The ready fill series of `asset`, or undefined while it or its instruments are still loading. */
  readySeries(asset: Asset): FeedSeries | undefined {
    const series = this.#settings.feed.loaded(asset, this.#settings.fillTimestep, 1);
    return series !== undefined && this.#ready.has(series) ? series : undefined;
  }

  /** The instrument traded on bar `index` of a ready `series` (continuous series change contract at rolls). */
  instrumentAt(series: FeedSeries, index: number): ResolvedInstrument {
    return series.asset.type === 'continuous_future'
      ? this.#instruments.get(series.bars.symbolAt(index))!
      : this.#seriesInstrument.get(series)!;
  }

  /** Loads the fill series of `asset` and resolves every instrument it can book. */
  async prepare(asset: Asset): Promise<FeedSeries> {
    const { feed, fillTimestep, startMs, endMs } = this.#settings;
    const series = await feed.ensure(asset, fillTimestep, 1);
    if (this.#ready.has(series)) return series;
    if (asset.type === 'continuous_future') {
      const symbols = (series.bars.metadata.segments ?? []).map((segment) => segment.symbol);
      for (const symbol of symbols) {
        if (this.#instruments.has(symbol)) continue;
        const contract = contractInSeries({ root: asset.symbol, symbol, series, startMs, endMs });
        await this.#load(contract, symbol);
      }
      const firstInstrument = this.#instruments.get(symbols[0] ?? '');
      if (firstInstrument !== undefined) this.#seriesInstrument.set(series, firstInstrument);
      this.hasContinuous = true;
      this.#ready.add(series);
      return series;
    }
    const symbol = tradedSymbol(asset);
    if (!this.#instruments.has(symbol)) await this.#load(asset, symbol);
    this.#seriesInstrument.set(series, this.#instruments.get(symbol)!);
    this.#ready.add(series);
    return series;
  }

  /** Resolves and remembers the instrument spec of the contract (or stock) traded as `symbol`. */
  async #load(asset: Asset, symbol: string): Promise<void> {
    const settings = this.#settings;
    const instrument = await resolveInstrument({
      asset,
      symbol,
      overrides: settings.overrides,
      dataSource: settings.dataSource,
      at: new Date(settings.clockMs()),
      warn: settings.warn,
      ...(settings.signal === undefined ? {} : { signal: settings.signal }),
    });
    this.#instruments.set(symbol, instrument);
  }
}
