import {
  type Asset,
  type Bars,
  contractAsset,
  createOrderSpec,
  type DataSourceV1,
  type FutureAsset,
  InvalidArgumentError,
  type Order,
  type OrderSide,
  type OrderSpec,
  type OrderType,
  type Position,
  rollSchedule,
  type Timestep,
  type TradingFee,
} from '@lb/core';
import type { BacktestResult } from './backtest.js';
import { buildIterationSchedule, type SessionCalendar } from './clock.js';
import { DataFeed, DataNotLoadedSignal, type FeedSeries } from './data-feed.js';
import { FuturesLedger } from './futures-ledger.js';
import {
  type InstrumentOverride,
  type ResolvedInstrument,
  resolveInstrument,
  tradedSymbol,
} from './instruments.js';
import { type BrokerEvent, SimulatedBroker } from './simulated-broker.js';
import { computeStats } from './stats.js';
import {
  attachContext,
  type CreateOrderOptions,
  type HistoricalPricesOptions,
  hasHook,
  type Strategy,
  type StrategyContext,
} from './strategy.js';

/** Validated inputs of one run. @internal */
export interface EventLoopConfig {
  readonly strategy: Strategy<object>;
  readonly dataSource: DataSourceV1;
  readonly startMs: number;
  readonly endMs: number;
  readonly budget: number;
  readonly fees: readonly TradingFee[];
  readonly slippageTicks: number;
  readonly calendar: SessionCalendar;
  readonly sleeptimeMs: number;
  readonly fillTimestep: Timestep;
  readonly instruments: Readonly<Record<string, InstrumentOverride>>;
  readonly autoRoll: boolean;
  readonly parameters: Record<string, unknown>;
  readonly riskFreeRate: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly logger?: (line: string) => void;
  readonly signal?: AbortSignal;
}

type HookResult = void | Promise<void>;

const NO_OPTIONS: CreateOrderOptions = Object.freeze({});

/**
 * One backtest run: walks the precomputed iteration schedule, lets the broker fill orders on bars that have
 * ended, runs the strategy's hooks and records the equity curve. Also the strategy's context.
 * @internal Use `backtest()`.
 */
class EventLoop implements StrategyContext {
  readonly #config: EventLoopConfig;
  readonly #feed: DataFeed;
  readonly #ledger: FuturesLedger;
  readonly #broker: SimulatedBroker;
  readonly #instruments = new Map<string, ResolvedInstrument>();
  readonly #seriesInstrument = new Map<FeedSeries, ResolvedInstrument>();
  readonly #logs: string[] = [];
  readonly #warned = new Set<string>();
  // Strategies pass the same asset objects every iteration; formatting a contract code each time is waste.
  readonly #symbols = new WeakMap<Asset, string>();
  #stagedCancels: string[] = [];
  #stagedLogs: string[] = [];
  #nowMs: number;
  // The series of the last getHistoricalPrices call, reused while the asset and timestep stay the same.
  #lastSeries: FeedSeries | undefined;
  #lastAsset: Asset | undefined;
  #lastTimestep: string | Timestep | undefined;
  // Set once a continuous future is traded: only then does the loop look for rolls.
  #watchRolls = false;
  readonly #iterationHook = (): HookResult => this.#config.strategy.onTradingIteration();

  constructor(config: EventLoopConfig) {
    this.#config = config;
    this.#nowMs = config.startMs;
    this.#feed = new DataFeed({
      dataSource: config.dataSource,
      startMs: config.startMs,
      endMs: config.endMs,
      ...(config.signal === undefined ? {} : { signal: config.signal }),
    });
    this.#ledger = new FuturesLedger(config.budget);
    this.#broker = new SimulatedBroker({
      ledger: this.#ledger,
      feed: this.#feed,
      fees: config.fees,
      slippageTicks: config.slippageTicks,
      instrumentAt: (series, index) =>
        series.asset.type === 'continuous_future'
          ? this.#instruments.get(series.bars.symbolAt(index))!
          : this.#seriesInstrument.get(series)!,
      emitFillEvents: hasHook(config.strategy, 'onFilledOrder'),
      emitCancelEvents: hasHook(config.strategy, 'onCanceledOrder'),
    });
  }

  async run(): Promise<BacktestResult> {
    const config = this.#config;
    const strategy = config.strategy;
    const schedule = buildIterationSchedule(
      config.calendar,
      config.startMs,
      config.endMs,
      config.sleeptimeMs,
    );
    const times = schedule.timesMs;
    const total = times.length;
    const values = new Float64Array(total);
    const cash = new Float64Array(total);
    const broker = this.#broker;
    const ledger = this.#ledger;
    const onProgress = config.onProgress;
    const progressStep = Math.max(1, Math.floor(total / 100));
    const signal = config.signal;

    strategy.parameters = { ...strategy.parameters, ...config.parameters };
    attachContext(strategy, this);
    try {
      this.#nowMs = total > 0 ? times[0]! : config.startMs;
      await this.#invoke(() => strategy.initialize());
      const sessionFirst = schedule.sessionFirstIteration;
      for (let session = 0; session + 1 < sessionFirst.length; session++) {
        const first = sessionFirst[session]!;
        const last = sessionFirst[session + 1]!;
        this.#nowMs = times[first]!;
        const before = this.#invoke(() => strategy.beforeMarketOpens());
        if (before !== undefined) await before;
        for (let iteration = first; iteration < last; iteration++) {
          const nowMs = times[iteration]!;
          this.#nowMs = nowMs;
          // Rolls first: they fill working orders on the old contract's bars up to the roll themselves, so
          // orders then meet the new contract's bars only once the position is in the new contract.
          if (this.#watchRolls) await this.#handleRolls(nowMs);
          if (broker.workingCount > 0) broker.process(nowMs);
          if (broker.events.length > 0) {
            const dispatched = this.#dispatchEvents();
            if (dispatched !== undefined) await dispatched;
          }
          // The common case inline: a synchronous hook that needs no new data costs one call, no closure.
          const checkpoint = broker.checkpoint();
          let pending: Promise<void> | undefined;
          try {
            const result = strategy.onTradingIteration();
            if (result !== undefined) pending = this.#settleAsync(result, this.#iterationHook, checkpoint);
            else if (this.#stagedCancels.length > 0 || this.#stagedLogs.length > 0) this.#commit();
          } catch (error) {
            pending = this.#retry(error, this.#iterationHook, checkpoint);
          }
          if (pending !== undefined) await pending;
          // Cancels requested by the hook are reported right away.
          if (broker.events.length > 0) {
            const dispatched = this.#dispatchEvents();
            if (dispatched !== undefined) await dispatched;
          }
          cash[iteration] = ledger.cash;
          values[iteration] = ledger.holdings.length === 0 ? ledger.cash : this.#markToMarket(nowMs);
          if ((iteration + 1) % progressStep === 0) {
            signal?.throwIfAborted();
            if (onProgress !== undefined) {
              onProgress(iteration + 1, total);
              // Let a UI repaint its progress bar (and abort handlers run) about a hundred times per run.
              await yieldToEventLoop();
            }
          }
        }
        // Bars ending at the close can still fill orders placed in the session's last iteration.
        this.#nowMs = schedule.sessionCloseMs[session]!;
        if (broker.workingCount > 0) broker.process(this.#nowMs);
        if (broker.events.length > 0) {
          const dispatched = this.#dispatchEvents();
          if (dispatched !== undefined) await dispatched;
        }
        const after = this.#invoke(() => strategy.afterMarketCloses());
        if (after !== undefined) await after;
      }
      if (total % progressStep !== 0 || total === 0) onProgress?.(total, total);
      // Orders placed in the last iteration can fill on bars ending at the final close, after the last
      // point was recorded: the curve's last point is the state at the end, so it agrees with the final
      // positions and stats.
      if (total > 0) {
        cash[total - 1] = ledger.cash;
        values[total - 1] = ledger.holdings.length === 0 ? ledger.cash : this.#markToMarket(this.#nowMs);
      }
    } finally {
      attachContext(strategy, undefined);
    }
    return this.#buildResult(times, values, cash, schedule.sessionFirstIteration);
  }

  // ---- StrategyContext -------------------------------------------------------------------------------

  getHistoricalPrices(
    asset: Asset,
    length: number,
    timestep: string | Timestep = this.#config.fillTimestep,
    options?: HistoricalPricesOptions,
  ): Bars {
    // Strategies usually ask for the same asset and timestep every iteration: skip the map lookups then.
    let series = this.#lastSeries;
    if (
      series === undefined ||
      asset !== this.#lastAsset ||
      timestep !== this.#lastTimestep ||
      length > series.lookbackBars
    ) {
      series = this.#feed.series(asset, timestep, length, options);
      this.#lastSeries = series;
      this.#lastAsset = asset;
      this.#lastTimestep = timestep;
    }
    return this.#feed.window(series, length, this.#nowMs);
  }

  getLastPrice(asset: Asset): number | undefined {
    const series = this.#feed.series(asset, this.#config.fillTimestep, 1);
    const visible = this.#feed.visibleCount(series, this.#nowMs);
    return visible === 0 ? undefined : series.bars.close[visible - 1];
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
      const matches = isContinuous
        ? this.#broker.heldVia.get(held) === asset || this.#isHeldVia(held, asset)
        : held === symbol;
      if (matches) return this.#toPosition(asset, held, holding.quantity, holding.entryNotional);
    }
    return undefined;
  }

  getPositions(): Position[] {
    const positions: Position[] = [];
    for (const holding of this.#ledger.holdings) {
      if (holding.quantity === 0) continue;
      const asset = this.#broker.heldVia.get(holding.instrument.symbol)!;
      positions.push(
        this.#toPosition(asset, holding.instrument.symbol, holding.quantity, holding.entryNotional),
      );
    }
    return positions;
  }

  getCash(): number {
    return this.#ledger.cash;
  }

  getPortfolioValue(): number {
    return this.#markToMarket(this.#nowMs);
  }

  createOrder(
    asset: Asset,
    quantity: number,
    side: OrderSide,
    options: CreateOrderOptions = NO_OPTIONS,
  ): OrderSpec {
    const type: OrderType =
      options.type ??
      (options.limitPrice !== undefined && options.stopPrice !== undefined
        ? 'stop_limit'
        : options.limitPrice !== undefined
          ? 'limit'
          : options.stopPrice !== undefined
            ? 'stop'
            : options.trailPrice !== undefined || options.trailPercent !== undefined
              ? 'trailing_stop'
              : 'market');
    if (type === 'market' && options === NO_OPTIONS) {
      // Fast path for the most common order: a plain market order needs only these three checks, and
      // skipping the schema keeps strategies that trade every few bars cheap.
      if (!(Number.isFinite(quantity) && quantity > 0) || (side !== 'buy' && side !== 'sell')) {
        return createOrderSpec({ asset, side, quantity, type, orderClass: 'simple' });
      }
      return Object.freeze({ asset, side, quantity, type, orderClass: 'simple' as const });
    }
    const hasTakeProfit = options.takeProfitPrice !== undefined;
    const hasStopLoss = options.stopLossPrice !== undefined;
    const orderClass =
      options.orderClass ??
      (hasTakeProfit && hasStopLoss ? 'bracket' : hasTakeProfit || hasStopLoss ? 'oto' : 'simple');
    return createOrderSpec({
      asset,
      side,
      quantity,
      type,
      orderClass,
      ...(options.limitPrice === undefined ? {} : { limitPrice: options.limitPrice }),
      ...(options.stopPrice === undefined ? {} : { stopPrice: options.stopPrice }),
      ...(options.trailPrice === undefined ? {} : { trailPrice: options.trailPrice }),
      ...(options.trailPercent === undefined ? {} : { trailPercent: options.trailPercent }),
      ...(hasTakeProfit ? { takeProfit: { limitPrice: options.takeProfitPrice! } } : {}),
      ...(hasStopLoss
        ? {
            stopLoss: {
              stopPrice: options.stopLossPrice!,
              ...(options.stopLossLimitPrice === undefined ? {} : { limitPrice: options.stopLossLimitPrice }),
            },
          }
        : {}),
      ...(options.tag === undefined ? {} : { tag: options.tag }),
    });
  }

  submitOrder(order: OrderSpec): Order {
    const series = this.#feed.series(order.asset, this.#config.fillTimestep, 1);
    this.#requireInstrument(series);
    this.#feed.visibleCount(series, this.#nowMs);
    return this.#broker.submit(order, series, this.#nowMs);
  }

  cancelOrder(order: Order | string): void {
    this.#stagedCancels.push(typeof order === 'string' ? order : order.id);
  }

  getOrder(orderId: string): Order | undefined {
    return this.#broker.getOrder(orderId);
  }

  getOpenOrders(): Order[] {
    return this.#broker.getOpenOrders();
  }

  getDatetime(): Date {
    return new Date(this.#nowMs);
  }

  getTimestampMs(): number {
    return this.#nowMs;
  }

  log(message: string): void {
    this.#stagedLogs.push(`${new Date(this.#nowMs).toISOString()} ${message}`);
  }

  // ---- internals -------------------------------------------------------------------------------------

  /**
   * Runs a strategy hook. Synchronous hooks that need no new data return undefined (no await in the hot
   * loop). When the hook asks for data not loaded yet, its orders, cancels and logs are discarded, the data
   * is loaded, and the hook runs again.
   */
  #invoke(hook: () => HookResult): Promise<void> | undefined {
    const checkpoint = this.#broker.checkpoint();
    try {
      const result = hook();
      if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
        return this.#settleAsync(result as Promise<void>, hook, checkpoint);
      }
    } catch (error) {
      return this.#retry(error, hook, checkpoint);
    }
    if (this.#stagedCancels.length > 0 || this.#stagedLogs.length > 0) this.#commit();
    return undefined;
  }

  async #settleAsync(result: Promise<void>, hook: () => HookResult, checkpoint: number): Promise<void> {
    try {
      await result;
    } catch (error) {
      return this.#retry(error, hook, checkpoint);
    }
    this.#commit();
  }

  async #retry(error: unknown, hook: () => HookResult, checkpoint: number): Promise<void> {
    this.#broker.rollback(checkpoint);
    this.#stagedCancels = [];
    this.#stagedLogs = [];
    if (!(error instanceof DataNotLoadedSignal)) throw error;
    await error.load();
    const again = this.#invoke(hook);
    if (again !== undefined) await again;
  }

  #commit(): void {
    for (const orderId of this.#stagedCancels) this.#broker.cancel(orderId);
    this.#stagedCancels = [];
    for (const line of this.#stagedLogs) this.#writeLog(line);
    this.#stagedLogs = [];
  }

  /** Delivers broker events to the strategy; returns a promise only when a hook went asynchronous. */
  #dispatchEvents(): Promise<void> | undefined {
    const strategy = this.#config.strategy;
    while (this.#broker.events.length > 0) {
      const events: BrokerEvent[] = this.#broker.events.splice(0);
      for (let index = 0; index < events.length; index++) {
        const event = events[index]!;
        const result =
          event.kind === 'fill'
            ? this.#invoke(() => strategy.onFilledOrder(event.order, event.fill))
            : this.#invoke(() => strategy.onCanceledOrder(event.order));
        if (result !== undefined) return this.#dispatchRest(result, events.slice(index + 1));
      }
    }
    return undefined;
  }

  async #dispatchRest(current: Promise<void>, rest: BrokerEvent[]): Promise<void> {
    await current;
    // Put the undelivered events back in front, in order, then continue.
    this.#broker.events.unshift(...rest);
    const next = this.#dispatchEvents();
    if (next !== undefined) await next;
  }

  #requireInstrument(series: FeedSeries): void {
    if (this.#seriesInstrument.has(series)) return;
    const asset = series.asset;
    if (asset.type === 'continuous_future') {
      this.#requireContractInstruments(series);
      return;
    }
    const symbol = tradedSymbol(asset);
    const cached = this.#instruments.get(symbol);
    if (cached !== undefined) {
      this.#seriesInstrument.set(series, cached);
      return;
    }
    throw new DataNotLoadedSignal(() => this.#loadInstrument(asset, symbol));
  }

  /** Resolves and remembers the instrument spec of the contract (or stock) traded as `symbol`. */
  async #loadInstrument(asset: Asset, symbol: string): Promise<void> {
    const instrument = await resolveInstrument(
      asset,
      symbol,
      this.#config.instruments,
      this.#config.dataSource,
      new Date(this.#nowMs),
      (message) => this.#warnOnce(message),
      this.#config.signal,
    );
    this.#instruments.set(symbol, instrument);
  }

  /** Resolves every contract a stitched continuous series passes through, so fills can book any of them. */
  #requireContractInstruments(series: FeedSeries): void {
    const root = series.asset.symbol;
    const symbols = (series.bars.metadata.segments ?? []).map((segment) => segment.symbol);
    const missing = symbols.filter((symbol) => !this.#instruments.has(symbol));
    if (missing.length === 0) {
      const first = this.#instruments.get(symbols[0] ?? '');
      if (first !== undefined) this.#seriesInstrument.set(series, first);
      this.#watchRolls = true;
      return;
    }
    throw new DataNotLoadedSignal(async () => {
      for (const symbol of missing)
        await this.#loadInstrument(this.#contractAsset(root, symbol, series), symbol);
    });
  }

  /** The dated contract behind `symbol` in a continuous series of `root`, from the core roll schedule. */
  #contractAsset(root: string, symbol: string, series: FeedSeries): FutureAsset {
    const times = series.timesMs;
    const segment = rollSchedule(
      root,
      new Date(times[0] ?? this.#config.startMs),
      new Date(Math.max(this.#config.endMs, (times[times.length - 1] ?? 0) + 1)),
    ).find((candidate) => candidate.symbol === symbol);
    if (segment === undefined) {
      throw new InvalidArgumentError(`Contract ${symbol} is not in the roll schedule of ${root}.`, {
        argument: 'asset',
      });
    }
    return contractAsset(segment);
  }

  /**
   * Handles positions held through a continuous future whose series has moved to the next contract: with
   * `autoRoll`, closes and reopens them in the new contract at the roll; otherwise keeps them in the old
   * contract and marks them with that contract's own bars from now on.
   */
  async #handleRolls(nowMs: number): Promise<void> {
    const broker = this.#broker;
    for (const holding of this.#ledger.holdings) {
      if (holding.quantity === 0) continue;
      const symbol = holding.instrument.symbol;
      const via = broker.heldVia.get(symbol);
      const series = broker.markSeries.get(symbol);
      if (via?.type !== 'continuous_future' || series === undefined || series.asset !== via) continue;
      const visible = this.#feed.visibleCount(series, nowMs);
      if (visible === 0 || series.bars.symbolAt(visible - 1) === symbol) continue;
      // The first bar after the last one of the held contract is where the roll happened.
      let rollIndex = visible - 1;
      while (rollIndex > 0 && series.bars.symbolAt(rollIndex - 1) !== symbol) rollIndex--;
      if (this.#config.autoRoll) {
        // Orders working through the roll meet the old contract's last bars first; they may close the position.
        broker.processBars(series, rollIndex);
        if (holding.quantity === 0) continue;
        const lastPrice = series.bars.close[rollIndex - 1] ?? holding.markPrice;
        broker.roll(
          via,
          holding.instrument as ResolvedInstrument,
          lastPrice,
          series,
          rollIndex,
          holding.quantity,
        );
        continue;
      }
      const contract = this.#contractAsset(via.symbol, symbol, series);
      let contractSeries: FeedSeries;
      try {
        contractSeries = this.#feed.series(contract, this.#config.fillTimestep, 1);
      } catch (error) {
        if (!(error instanceof DataNotLoadedSignal)) throw error;
        await error.load();
        contractSeries = this.#feed.series(contract, this.#config.fillTimestep, 1);
      }
      broker.markSeries.set(symbol, contractSeries);
    }
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

  #toPosition(asset: Asset, symbol: string, quantity: number, entryNotional: number): Position {
    return { asset, symbol, quantity, averagePrice: entryNotional / quantity };
  }

  #isHeldVia(symbol: string, asset: Asset): boolean {
    const via = this.#broker.heldVia.get(symbol);
    return via?.type === asset.type && via.symbol === asset.symbol;
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
    this.#writeLog(`${new Date(this.#nowMs).toISOString()} WARNING ${message}`);
  }

  #writeLog(line: string): void {
    this.#logs.push(line);
    this.#config.logger?.(line);
  }

  #buildResult(
    times: Float64Array,
    values: Float64Array,
    cash: Float64Array,
    sessionFirstIteration: Int32Array,
  ): BacktestResult {
    const config = this.#config;
    const broker = this.#broker;
    const finalPositions = this.#ledger.holdings
      .filter((holding) => holding.quantity !== 0)
      .map((holding) => ({
        symbol: holding.instrument.symbol,
        quantity: holding.quantity,
        averagePrice: holding.entryNotional / holding.quantity,
        lastPrice: holding.markPrice,
      }));
    return {
      strategy: config.strategy.constructor.name,
      start: new Date(config.startMs).toISOString(),
      end: new Date(config.endMs).toISOString(),
      budget: config.budget,
      parameters: { ...config.strategy.parameters } as Record<string, unknown>,
      iterations: times.length,
      equityCurve: {
        timestampsMs: toNumberArray(times),
        portfolioValue: toNumberArray(values),
        cash: toNumberArray(cash),
      },
      trades: broker.trades,
      orders: broker.orderRecords(),
      positions: broker.positions,
      finalPositions,
      stats: computeStats({
        startingValue: config.budget,
        startMs: config.startMs,
        endMs: config.endMs,
        timesMs: times,
        values,
        sessionFirstIteration,
        trades: broker.trades,
        feesPaid: broker.feesPaid,
        riskFreeRate: config.riskFreeRate,
      }),
      logs: this.#logs,
    };
  }
}

/** Runs one backtest. @internal Use `backtest()`, which validates options first. */
export function runEventLoop(config: EventLoopConfig): Promise<BacktestResult> {
  return new EventLoop(config).run();
}

// A preallocated array filled by a plain loop: Array.from or spreading a typed array goes through the
// iterator protocol and is several times slower; growing by push copies the backing store repeatedly.
function toNumberArray(values: Float64Array): number[] {
  // Filling with a double first makes V8 allocate packed double storage once, instead of a holey array
  // that is converted as it fills (about twice as fast for the equity curve of a long run).
  const result = new Array<number>(values.length).fill(0.5);
  for (let index = 0; index < values.length; index++) result[index] = values[index]!;
  return result;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
