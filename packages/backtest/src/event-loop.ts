import {
  type Asset,
  type Bars,
  type BrokerEvent,
  beforeCloseTiming,
  bindStrategyContext,
  type CreateOrderOptions,
  createDataNotLoadedError,
  createOrderFromOptions,
  type HistoricalPricesOptions,
  type HookResult,
  type MarketTime,
  type ModifyOrderOptions,
  type Order,
  type OrderSide,
  type OrderSpec,
  type Position,
  parseSleeptime,
  type Strategy,
  type StrategyContext,
  strategyImplementsHook,
  type Timestep,
  toMarketTime,
} from '@lb/core';
import type { BacktestResult } from './backtest-result.js';
import { buildBacktestResult, toStatsRow } from './build-result.js';
import { buildIterationSchedule, type SessionCalendar } from './clock.js';
import type { DataFeed, FeedSeries } from './data-feed.js';
import type { EventLoopConfig, QueuedOrder, RunState } from './event-loop-config.js';
import { FillSeriesBook } from './fill-series-book.js';
import { FuturesLedger } from './futures-ledger.js';
import { sameAsset, tradedSymbol } from './instruments.js';
import { resolveBenchmarkCurve } from './result-series.js';
import { type RollHeldPositionsOptions, rollHeldPositions } from './roll-contracts.js';
import { createRunDataFeed } from './run-data-feed.js';
import { SimulatedBroker } from './simulated-broker.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';

const NANOS_PER_MS = 1_000_000n;

/**
 * One backtest run: walks the precomputed iteration schedule, lets the broker fill orders on bars that have
 * ended, runs the strategy's hooks (each exactly once per event) and records the equity curve. Also the
 * strategy's context.
 * @internal Use `backtest()`.
 */
class EventLoop implements StrategyContext {
  readonly #config: EventLoopConfig;
  readonly #feed: DataFeed;
  readonly #ledger: FuturesLedger;
  readonly #broker: SimulatedBroker;
  readonly #fillSeries: FillSeriesBook;
  readonly #logs: string[] = [];
  readonly #warnings: string[] = [];
  readonly #warned = new Set<string>();
  // Strategies pass the same asset objects every iteration; formatting a contract code each time is waste.
  readonly #symbols = new WeakMap<Asset, string>();
  #queued: QueuedOrder[] = [];
  #nowMs: number;
  #timeZone = 'UTC';
  #calendar: SessionCalendar | undefined;
  #sessionOpenMs = Number.NaN;
  #sessionMarketCloseMs = Number.NaN;
  // The series of the last getHistoricalPrices call, reused while the asset and timestep stay the same.
  #lastSeries: FeedSeries | undefined;
  #lastAsset: Asset | undefined;
  #lastTimestep: string | Timestep | undefined;
  #lastOptions: HistoricalPricesOptions | undefined;

  constructor(config: EventLoopConfig) {
    this.#config = config;
    this.#nowMs = config.startMs;
    this.#feed = createRunDataFeed(config, {
      sessionCalendar: () => this.#calendar,
      warn: (message) => this.#warnOnce(message),
    });
    this.#ledger = new FuturesLedger(config.budget);
    const fillSeries = new FillSeriesBook({
      feed: this.#feed,
      dataSource: config.dataSource,
      fillTimestep: config.fillTimestep,
      overrides: config.instruments,
      startMs: config.startMs,
      endMs: config.endMs,
      clockMs: () => this.#nowMs,
      warn: (message) => this.#warnOnce(message),
      ...(config.signal === undefined ? {} : { signal: config.signal }),
    });
    this.#fillSeries = fillSeries;
    const strategy = config.strategy;
    this.#broker = new SimulatedBroker({
      ledger: this.#ledger,
      feed: this.#feed,
      buyFees: config.buyFees,
      sellFees: config.sellFees,
      slippageTicks: config.slippageTicks,
      instrumentAt: (series, index) => fillSeries.instrumentAt(series, index),
      emitFillEvents: strategyImplementsHook(strategy, 'onFilledOrder'),
      emitCancelEvents: strategyImplementsHook(strategy, 'onCanceledOrder'),
      emitNewOrderEvents: strategyImplementsHook(strategy, 'onNewOrder'),
      rollExitOrders: config.rollExitOrders,
      clockMs: () => this.#nowMs,
      fillSeriesOf: (asset) => fillSeries.readySeries(asset),
    });
  }

  async run(): Promise<BacktestResult> {
    const config = this.#config;
    const strategy = config.strategy;
    const broker = this.#broker;
    const ledger = this.#ledger;

    strategy.parameters = { ...strategy.parameters, ...config.parameters };
    bindStrategyContext(strategy, this);
    try {
      // initialize() may set sleeptime, market and minutesBeforeClosing (Lumibot's examples do), so the
      // schedule is built from the values it leaves.
      this.#timeZone = config.timeZoneOf(strategy.market);
      this.#calendar = config.calendar ?? config.calendarOf(strategy.market);
      await this.#runHook(strategy.initialize());
      this.#timeZone = config.timeZoneOf(strategy.market);
      const calendar = config.calendar ?? config.calendarOf(strategy.market);
      this.#calendar = calendar;
      const schedule = buildIterationSchedule(
        calendar,
        config.startMs,
        config.endMs,
        parseSleeptime(strategy.sleeptime),
      );
      const times = schedule.timesMs;
      const total = times.length;
      // Loaded up front so a benchmark the source does not have fails the run before it starts.
      if (config.benchmarkAsset !== undefined) {
        await this.#feed.ensure(config.benchmarkAsset, config.fillTimestep, 1);
      }
      const run: RunState = {
        times,
        // Typed arrays: cheap to allocate and fill; the result copies them into plain arrays on first read.
        values: new Float64Array(total),
        cash: new Float64Array(total),
        progressStep: Math.max(1, Math.floor(total / 100)),
        traceStats: strategyImplementsHook(strategy, 'traceStats'),
        statsRows: [],
        hookCalls: 0,
      };
      const onProgress = config.onProgress;
      const hasBeforeClose = strategyImplementsHook(strategy, 'beforeMarketCloses');
      const hasBeforeOpen = strategyImplementsHook(strategy, 'beforeMarketOpens');
      const hasStartTrading = strategyImplementsHook(strategy, 'beforeStartingTrading');
      const hasAfterClose = strategyImplementsHook(strategy, 'afterMarketCloses');
      const { beforeCloseMs: minutesBeforeClosingMs, stopsIterating } = beforeCloseTiming(
        strategy.minutesBeforeClosing,
        calendar.name,
      );
      const sessionFirst = schedule.sessionFirstIteration;

      for (let session = 0; session + 1 < sessionFirst.length; session++) {
        const first = sessionFirst[session]!;
        const last = sessionFirst[session + 1]!;
        const closeMs = schedule.sessionCloseMs[session]!;
        this.#sessionOpenMs = schedule.sessionOpenMs[session]!;
        this.#sessionMarketCloseMs = schedule.sessionMarketCloseMs[session]!;
        const beforeCloseMs = this.#sessionMarketCloseMs - minutesBeforeClosingMs;
        this.#nowMs = times[first]!;
        if (hasBeforeOpen) await this.#step(this.#nowMs, () => strategy.beforeMarketOpens());
        if (hasStartTrading) await this.#step(this.#nowMs, () => strategy.beforeStartingTrading());
        // As in Lumibot, onTradingIteration stops minutesBeforeClosing before the close, when
        // beforeMarketCloses runs (beforeCloseTiming): a strategy that flattens there cannot reopen before
        // the close. The instants after it still fill orders and record the equity curve.
        let split = first;
        while (split < last && times[split]! < beforeCloseMs) split++;
        await this.#iterate(first, split, run, true);
        if (hasBeforeClose && beforeCloseMs < closeMs) {
          await this.#step(Math.max(beforeCloseMs, this.#nowMs), () => strategy.beforeMarketCloses());
        }
        await this.#iterate(split, last, run, !stopsIterating);
        // Bars ending at the close can still fill orders placed in the session's last iteration; day orders
        // still working then expire.
        this.#nowMs = closeMs;
        if (broker.workingCount > 0) {
          broker.process(closeMs);
          if (closeMs === this.#sessionMarketCloseMs) broker.expireDayOrders(closeMs);
        }
        if (broker.events.length > 0) await this.#dispatchEvents();
        if (hasAfterClose) await this.#step(closeMs, () => strategy.afterMarketCloses());
      }
      const progressStep = run.progressStep;
      const values = run.values;
      const cash = run.cash;
      if (total % progressStep !== 0 || total === 0) onProgress?.(total, total);
      await this.#step(this.#nowMs, () => strategy.onStrategyEnd());
      // Orders placed in the last iteration can fill on bars ending at the final close, after the last
      // point was recorded: the curve's last point is the state at the end, so it agrees with the final
      // positions and stats.
      if (total > 0) {
        cash[total - 1] = ledger.cash;
        values[total - 1] = ledger.holdings.length === 0 ? ledger.cash : this.#markToMarket(this.#nowMs);
      }
      if (total > 0 && this.#broker.trades.length === 0 && this.#warnings.length > 0) {
        this.#warnOnce(`No trades: ${this.#warnings[0]}`);
      }
      const benchmark = await resolveBenchmarkCurve({
        benchmarkAsset: config.benchmarkAsset,
        broker,
        feed: this.#feed,
        fillTimestep: config.fillTimestep,
        timesMs: times,
        budget: config.budget,
      });
      return buildBacktestResult({
        strategy,
        startMs: config.startMs,
        endMs: config.endMs,
        budget: config.budget,
        riskFreeRate: config.riskFreeRate,
        broker,
        ledger,
        timesMs: times,
        values,
        cash,
        benchmark,
        statsRows: run.statsRows,
        iterations: run.hookCalls,
        sessionFirstIteration: schedule.sessionFirstIteration,
        warnings: this.#warnings,
        logs: this.#logs,
      });
    } catch (error) {
      if (strategyImplementsHook(strategy, 'onAbruptClosing')) {
        try {
          await strategy.onAbruptClosing(error);
        } catch (hookError) {
          this.#writeLog(
            `${new Date(this.#nowMs).toISOString()} ERROR onAbruptClosing threw: ${hookError instanceof Error ? hookError.message : String(hookError)}`,
          );
        }
      }
      throw error;
    } finally {
      bindStrategyContext(strategy, undefined);
    }
  }

  /**
   * Iterations `[from, to)` of the schedule, calling onTradingIteration when `callsHook` (else only fills
   * and the equity curve advance). Kept apart from run() on purpose: an async function resumes after every
   * await by restoring its frame, and this one's is small (an async hook awaits each time).
   */
  async #iterate(from: number, to: number, run: RunState, callsHook: boolean): Promise<void> {
    const strategy = this.#config.strategy;
    const broker = this.#broker;
    const times = run.times;
    for (let iteration = from; iteration < to; iteration++) {
      const nowMs = times[iteration]!;
      this.#nowMs = nowMs;
      // Rolls first: they fill working orders on the old contract's bars up to the roll themselves, so
      // orders then meet the new contract's bars only once the position is in the new contract.
      if (this.#fillSeries.hasContinuous) await rollHeldPositions(this.#rollContext(nowMs));
      if (broker.workingCount > 0) broker.process(nowMs);
      if (broker.events.length > 0) await this.#dispatchEvents();
      if (callsHook) {
        // The common case inline: a synchronous hook costs one call and no promise.
        const result = strategy.onTradingIteration();
        if (result !== undefined) await result;
        run.hookCalls++;
        if (this.#queued.length > 0) await this.#flushQueued();
        if (broker.events.length > 0) await this.#dispatchEvents();
      }
      this.#record(iteration, nowMs, run, callsHook);
      if ((iteration + 1) % run.progressStep === 0) {
        const yielded = this.#reportProgress(iteration + 1, times.length);
        if (yielded !== undefined) await yielded;
      }
    }
  }

  /** Records the state after iteration `iteration`: cash, value, traceStats row. */
  #record(iteration: number, nowMs: number, run: RunState, callsHook: boolean): void {
    const ledger = this.#ledger;
    run.cash[iteration] = ledger.cash;
    run.values[iteration] = ledger.holdings.length === 0 ? ledger.cash : this.#markToMarket(nowMs);
    if (run.traceStats && callsHook) {
      const row = this.#config.strategy.traceStats();
      if (row !== undefined) run.statsRows.push(toStatsRow(nowMs, row));
    }
  }

  /** Checks for an abort and reports progress; returns a promise when it yields to the event loop. */
  #reportProgress(done: number, total: number): Promise<void> | undefined {
    this.#config.signal?.throwIfAborted();
    const onProgress = this.#config.onProgress;
    if (onProgress === undefined) return undefined;
    onProgress(done, total);
    // Let a UI repaint its progress bar (and abort handlers run) about a hundred times per run.
    return yieldToEventLoop();
  }

  // ---- StrategyContext -------------------------------------------------------------------------------

  getHistoricalPrices(
    asset: Asset,
    length: number,
    timestep: string | Timestep = this.#config.fillTimestep,
    options?: HistoricalPricesOptions,
  ): Promise<Bars> {
    // Strategies usually ask for the same asset and timestep every iteration: skip the map lookups then.
    let series = this.#lastSeries;
    if (
      series === undefined ||
      asset !== this.#lastAsset ||
      timestep !== this.#lastTimestep ||
      options !== this.#lastOptions ||
      length > series.lookbackBars
    ) {
      series = this.#feed.loaded(asset, timestep, length, options);
      if (series === undefined) return this.#loadWindow(asset, length, timestep, options);
      this.#lastSeries = series;
      this.#lastAsset = asset;
      this.#lastTimestep = timestep;
      this.#lastOptions = options;
    }
    return Promise.resolve(this.#feed.window(series, length, this.#nowMs));
  }

  getLoadedHistoricalPrices(
    asset: Asset,
    length: number,
    timestep: string | Timestep = this.#config.fillTimestep,
    options?: HistoricalPricesOptions,
  ): Bars {
    // The same cache as getHistoricalPrices, minus the promise: a synchronous hook pays one window view.
    let series = this.#lastSeries;
    if (
      series === undefined ||
      asset !== this.#lastAsset ||
      timestep !== this.#lastTimestep ||
      options !== this.#lastOptions ||
      length > series.lookbackBars
    ) {
      series = this.#feed.loaded(asset, timestep, length, options);
      if (series === undefined) throw createDataNotLoadedError({ asset, length, timestep });
      this.#lastSeries = series;
      this.#lastAsset = asset;
      this.#lastTimestep = timestep;
      this.#lastOptions = options;
    }
    return this.#feed.window(series, length, this.#nowMs);
  }

  async #loadWindow(
    asset: Asset,
    length: number,
    timestep: string | Timestep,
    options: HistoricalPricesOptions | undefined,
  ): Promise<Bars> {
    const series = await this.#feed.ensure(asset, timestep, length, options);
    return this.#feed.window(series, length, this.#nowMs);
  }

  async getHistoricalPricesForAssets(
    assets: readonly Asset[],
    length: number,
    timestep: string | Timestep = this.#config.fillTimestep,
    options?: HistoricalPricesOptions,
  ): Promise<Map<Asset, Bars>> {
    const windows = await Promise.all(
      assets.map((asset) => this.getHistoricalPrices(asset, length, timestep, options)),
    );
    return new Map(assets.map((asset, index) => [asset, windows[index]!]));
  }

  getLastPrice(asset: Asset): Promise<number | undefined> {
    const series = this.#feed.loaded(asset, this.#config.fillTimestep, 1);
    if (series === undefined) {
      return this.#feed.ensure(asset, this.#config.fillTimestep, 1).then((loaded) => this.#lastClose(loaded));
    }
    return Promise.resolve(this.#lastClose(series));
  }

  getLoadedLastPrice(asset: Asset): number | undefined {
    const series = this.#feed.loaded(asset, this.#config.fillTimestep, 1);
    if (series === undefined) {
      throw createDataNotLoadedError({
        asset,
        length: 1,
        timestep: this.#config.fillTimestep,
        accessor: 'getLoadedLastPrice',
      });
    }
    return this.#lastClose(series);
  }

  #lastClose(series: FeedSeries): number | undefined {
    const visible = this.#feed.visibleCount(series, this.#nowMs);
    return visible === 0 ? undefined : series.bars.close[visible - 1];
  }

  async getLastPrices(assets: readonly Asset[]): Promise<Map<Asset, number | undefined>> {
    const prices = await Promise.all(assets.map((asset) => this.getLastPrice(asset)));
    return new Map(assets.map((asset, index) => [asset, prices[index]]));
  }

  getPosition(asset: Asset): Position | undefined {
    const isContinuous = asset.type === 'continuous_future';
    const symbol = isContinuous ? '' : this.#symbolOf(asset);
    const holdings = this.#ledger.holdings;
    for (let index = 0; index < holdings.length; index++) {
      const holding = holdings[index]!;
      if (holding.quantity === 0) continue;
      const held = holding.instrument.symbol;
      // A continuous position is held in whichever contract was traded through that continuous series.
      const via = isContinuous ? this.#broker.heldVia.get(held) : undefined;
      const matches = isContinuous
        ? via === asset || (via?.type === asset.type && via.symbol === asset.symbol)
        : held === symbol;
      if (!matches) continue;
      const quantity = holding.quantity;
      return { asset, symbol: held, quantity, averagePrice: holding.entryNotional / quantity };
    }
    return undefined;
  }

  getPositions(): Position[] {
    return this.#broker.getPositions();
  }

  getCash(): number {
    return this.#ledger.cash;
  }

  getPortfolioValue(): number {
    return this.#markToMarket(this.#nowMs);
  }

  createOrder(asset: Asset, quantity: number, side: OrderSide, options?: CreateOrderOptions): OrderSpec {
    return createOrderFromOptions(asset, quantity, side, options);
  }

  submitOrder(order: OrderSpec): Order {
    if (this.#queued.length === 0) {
      const series = this.#fillSeries.readySeries(order.asset);
      if (series !== undefined) {
        this.#feed.visibleCount(series, this.#nowMs);
        return this.#broker.submit(order, series, this.#nowMs);
      }
    }
    // Its bars or contract terms are still loading: the broker accepts it, with this id and submission
    // time, as soon as the hook settles (orders submitted after it in the same hook queue behind it).
    const id = this.#broker.reserveOrderId();
    const snapshot: Order = Object.freeze({
      ...order,
      id,
      status: 'open' as const,
      submittedAtNanos: BigInt(this.#nowMs) * NANOS_PER_MS,
    });
    this.#queued.push({ spec: order, order: snapshot, canceled: false });
    return snapshot;
  }

  cancelOrder(order: Order | string): void {
    const id = typeof order === 'string' ? order : order.id;
    const queued = this.#queued.find((candidate) => candidate.order.id === id);
    if (queued !== undefined) queued.canceled = true;
    else this.#broker.cancel(id);
  }

  cancelOpenOrders(asset?: Asset): void {
    for (const queued of this.#queued) {
      if (asset === undefined || sameAsset(queued.spec.asset, asset)) queued.canceled = true;
    }
    for (const order of this.#broker.getOpenOrders()) {
      if (asset === undefined || sameAsset(order.asset, asset))
        this.#broker.cancel(order.parentId ?? order.id);
      if (order.parentId !== undefined) this.#broker.cancel(order.id);
    }
  }

  modifyOrder(order: Order | string, changes: ModifyOrderOptions): Order | undefined {
    return this.#broker.modifyOrder(typeof order === 'string' ? order : order.id, changes);
  }

  closePosition(asset: Asset): Order | undefined {
    const position = this.getPosition(asset);
    return position === undefined ? undefined : this.submitOrder(closingOrderSpec(position));
  }

  sellAll(): Order[] {
    this.cancelOpenOrders();
    return this.getPositions().map((position) => this.submitOrder(closingOrderSpec(position)));
  }

  getOrder(orderId: string): Order | undefined {
    return (
      this.#broker.getOrder(orderId) ??
      this.#queued.find((candidate) => candidate.order.id === orderId)?.order
    );
  }

  getOrders(): Order[] {
    const orders = this.#broker.getOrders();
    for (const queued of this.#queued) orders.push(queued.order);
    return orders;
  }

  getOpenOrders(): Order[] {
    if (this.#queued.length === 0) return this.#broker.getOpenOrders();
    const orders = this.#broker.getOpenOrders();
    for (const queued of this.#queued) if (!queued.canceled) orders.push(queued.order);
    return orders;
  }

  getDatetime(): Date {
    return new Date(this.#nowMs);
  }

  getTimestampMs(): number {
    return this.#nowMs;
  }

  getMarketTime(): MarketTime {
    return toMarketTime(this.#nowMs, this.#timeZone);
  }

  getMinutesToClose(): number {
    if (!this.isMarketOpen()) return 0;
    return (this.#sessionMarketCloseMs - this.#nowMs) / 60_000;
  }

  isMarketOpen(): boolean {
    return this.#nowMs >= this.#sessionOpenMs && this.#nowMs < this.#sessionMarketCloseMs;
  }

  log(message: string): void {
    this.#writeLog(`${new Date(this.#nowMs).toISOString()} ${message}`);
  }

  // ---- internals -------------------------------------------------------------------------------------

  /** Awaits a hook's result when it is a promise, then accepts orders it queued. */
  async #runHook(result: HookResult): Promise<void> {
    if (result !== undefined) await result;
    if (this.#queued.length > 0) await this.#flushQueued();
  }

  /** One scheduled event at `atMs` outside the iteration grid: fills due by then, the hook, its events. */
  async #step(atMs: number, hook: () => HookResult): Promise<void> {
    this.#nowMs = atMs;
    const broker = this.#broker;
    if (this.#fillSeries.hasContinuous) await rollHeldPositions(this.#rollContext(atMs));
    if (broker.workingCount > 0) broker.process(atMs);
    if (broker.events.length > 0) await this.#dispatchEvents();
    await this.#runHook(hook());
    if (broker.events.length > 0) await this.#dispatchEvents();
  }

  /** Loads what queued orders need, then hands them to the broker in submission order. */
  async #flushQueued(): Promise<void> {
    while (this.#queued.length > 0) {
      const queued = this.#queued[0]!;
      const series = await this.#fillSeries.prepare(queued.spec.asset);
      this.#queued.shift();
      this.#feed.visibleCount(series, this.#nowMs);
      this.#broker.submit(queued.spec, series, this.#nowMs, queued.order.id);
      if (queued.canceled) this.#broker.cancel(queued.order.id);
    }
  }

  /** Delivers broker events to the strategy's hooks, in order, each awaited. */
  async #dispatchEvents(): Promise<void> {
    const strategy = this.#config.strategy;
    while (this.#broker.events.length > 0) {
      for (const event of this.#broker.events.splice(0)) await this.#runHook(deliverEvent(strategy, event));
    }
  }

  #rollContext(nowMs: number): RollHeldPositionsOptions {
    const config = this.#config;
    return {
      nowMs,
      ledger: this.#ledger,
      broker: this.#broker,
      feed: this.#feed,
      autoRoll: config.autoRoll,
      fillTimestep: config.fillTimestep,
      startMs: config.startMs,
      endMs: config.endMs,
    };
  }

  #markToMarket(nowMs: number): number {
    const holdings = this.#ledger.holdings;
    const markSeries = this.#broker.markSeries;
    for (let index = 0; index < holdings.length; index++) {
      const holding = holdings[index]!;
      if (holding.quantity === 0) continue;
      const series = markSeries.get(holding.instrument.symbol);
      if (series === undefined) continue;
      const visible = this.#feed.visibleCount(series, nowMs);
      if (visible > 0) holding.markPrice = series.bars.close[visible - 1]!;
    }
    return this.#ledger.portfolioValue();
  }

  #symbolOf(asset: Asset): string {
    let symbol = this.#symbols.get(asset);
    if (symbol === undefined) {
      symbol = tradedSymbol(asset);
      this.#symbols.set(asset, symbol);
    }
    return symbol;
  }

  #warnOnce(message: string): void {
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    this.#warnings.push(message);
    this.#config.onWarning(message);
    this.#writeLog(`${new Date(this.#nowMs).toISOString()} WARNING ${message}`);
  }

  #writeLog(line: string): void {
    this.#logs.push(line);
    this.#config.logger?.(line);
  }
}

export type { EventLoopConfig } from './event-loop-config.js';

/** Runs one backtest. @internal Use `backtest()`, which validates options first. */
export function runEventLoop(config: EventLoopConfig): Promise<BacktestResult> {
  return new EventLoop(config).run();
}

/** Calls the strategy hook of a broker event. */
function deliverEvent(strategy: Strategy<object>, event: BrokerEvent): HookResult {
  if (event.kind === 'fill') return strategy.onFilledOrder(event.order, event.fill, event.position);
  if (event.kind === 'cancel') return strategy.onCanceledOrder(event.order, event.reason);
  return strategy.onNewOrder(event.order);
}

/** A market order that flattens `position`. */
function closingOrderSpec(position: Position): OrderSpec {
  const side = position.quantity > 0 ? 'sell' : 'buy';
  return createOrderFromOptions(position.asset, Math.abs(position.quantity), side);
}
