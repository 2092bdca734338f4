import type { SessionCalendar } from '@lb/backtest';
import {
  type Asset,
  assetKey,
  type Bars,
  type Broker,
  type BrokerEvent,
  beforeCloseTiming,
  bindStrategyContext,
  type CreateOrderOptions,
  createDataNotLoadedError,
  createOrderFromOptions,
  type DataSourceV1,
  getMarketCalendar,
  type HistoricalPricesOptions,
  type MarketTime,
  type ModifyOrderOptions,
  marketTimeZone,
  type Order,
  type OrderSide,
  type OrderSpec,
  type Position,
  parseSleeptime,
  parseTimestep,
  type Strategy,
  type StrategyContext,
  strategyImplementsHook,
  type Timestep,
  toMarketTime,
} from '@lb/core';
import type { LiveBarFeed } from '@lb/databento-live';
import { systemClock, type TradeClock } from './clock.js';
import { LiveMarket } from './live-market.js';
import type { PaperBar } from './paper-broker.js';

/** Connection state shown in the status line. */
export type TradeConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'stopped';

/** What the engine reports after each step, for a status line. */
export interface TradeStatus {
  readonly connection: TradeConnectionState;
  /** Waiting for data (disconnected, or bars not in yet) instead of running hooks. */
  readonly paused: boolean;
  readonly nowMs: number;
  /** Open of the newest bar released to the strategy, epoch ms. */
  readonly lastBarOpenMs: number | undefined;
  readonly positions: readonly Position[];
  readonly cash: number;
  readonly portfolioValue: number;
}

/** Where connection changes come from: a Databento Live client (its `reconnecting`/`connected` events). */
export interface TradeConnectionEvents {
  on(name: 'reconnecting' | 'connected', listener: (...args: never[]) => void): unknown;
  off(name: 'reconnecting' | 'connected', listener: (...args: never[]) => void): unknown;
}

/** A broker the engine feeds closed bars to (a paper broker); a real broker fills on its own. */
export interface BarDrivenBroker extends Broker {
  processBar(bar: PaperBar): boolean;
  expireDayOrders?(closeMs: number): void;
}

/** Options of {@link trade}. */
export interface TradeOptions<S extends Strategy<object> = Strategy<object>> {
  readonly strategy: S;
  /** History for `getHistoricalPrices` before the live bars (normally Databento through the cache). */
  readonly history: DataSourceV1;
  /** Closed live bars. */
  readonly live: LiveBarFeed;
  readonly broker: Broker | BarDrivenBroker;
  /** Session calendar; defaults to @lb/core's calendar for the strategy's `market`. */
  readonly calendar?: SessionCalendar;
  /** Default: the system clock. */
  readonly clock?: TradeClock;
  /** Stop (cleanly, like an abort) at this instant, epoch ms. Default: never. */
  readonly endMs?: number;
  /**
   * Assets traded live: before each step the engine waits until their bars through that instant are in
   * (or `barWaitMs` passed while connected: a quiet market has no bar). Default: every asset seen so far.
   */
  readonly assets?: readonly Asset[];
  /** How long past an instant to wait for its bars while connected. Default 10 s; Infinity waits for data. */
  readonly barWaitMs?: number;
  /** Connection events (the Databento Live client); while disconnected the engine pauses. */
  readonly connection?: TradeConnectionEvents;
  /** Merged over the strategy's own `parameters` before `initialize`. */
  readonly parameters?: Partial<S['parameters']>;
  readonly logger?: (line: string) => void;
  readonly onStatus?: (status: TradeStatus) => void;
  /** Stops the run cleanly: `onStrategyEnd` runs and `trade` resolves. */
  readonly signal?: AbortSignal;
}

/** What {@link trade} returns once stopped. */
export interface TradeResult {
  readonly startMs: number;
  readonly endMs: number;
  /** Iterations run. */
  readonly iterations: number;
  readonly logLines: readonly string[];
  /** Bars the feed delivered twice (a replay overlap) and the engine dropped. */
  readonly duplicateBarsDropped: number;
  /** Portfolio value and cash after each iteration of this run (for results files and a tearsheet). */
  readonly equity: { readonly timesMs: number[]; readonly values: number[]; readonly cash: number[] };
}

const WEEK_MS = 7 * 86_400_000;

function isBarDriven(broker: Broker | BarDrivenBroker): broker is BarDrivenBroker {
  return typeof (broker as BarDrivenBroker).processBar === 'function';
}

/**
 * Trades `strategy` live on the wall clock with the same hooks and timing as a backtest: in each session,
 * `beforeMarketOpens` and `beforeStartingTrading` at the open (or at start), `onTradingIteration` every
 * `sleeptime` on the session's grid until `beforeMarketCloses`, `minutesBeforeClosing` before the close
 * (the equity is still recorded on the grid after it), `afterMarketCloses` at the close; `initialize`
 * first and `onStrategyEnd` last; order hooks as the broker reports. Before each step at T, closed bars through T go to the broker (a paper broker fills on them,
 * as the backtest's does) and become visible to `getHistoricalPrices`: history plus live bars closed by T.
 *
 * A step waits for its data: while the gateway is disconnected the engine pauses (logged, in the status)
 * and the reconnect's replay fills the gap, so no iteration sees a gap and no order fills on stale data.
 * Resolves when `signal` aborts or `endMs` is reached; rejects (after `onAbruptClosing`) on a hook error or
 * a feed failure.
 */
export async function trade<S extends Strategy<object>>(options: TradeOptions<S>): Promise<TradeResult> {
  const strategy = options.strategy;
  const clock = options.clock ?? systemClock;
  const broker = options.broker;
  const logLines: string[] = [];
  const log = (line: string) => {
    const stamped = `${new Date(clock.nowMs()).toISOString()} ${line}`;
    logLines.push(stamped);
    options.logger?.(stamped);
  };
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal?.reason);
  if (options.signal?.aborted) stop.abort(options.signal.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // One promise for the whole run: waits race against it without adding a listener each time.
  const stopped = new Promise<void>((resolve) => {
    if (stop.signal.aborted) resolve();
    else stop.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const market = new LiveMarket({ feed: options.live, history: options.history });
  const consuming = market.consume(options.live, stop.signal);
  const startMs = clock.nowMs();
  let nowMs = startMs;
  let connection: TradeConnectionState = options.connection === undefined ? 'connected' : 'connecting';
  let paused = false;
  let lastBarOpenMs: number | undefined;
  let iterations = 0;
  const equity = { timesMs: [] as number[], values: [] as number[], cash: [] as number[] };
  let sessionOpenMs = Number.NaN;
  let sessionCloseMs = Number.NaN;
  const seenAssets = new Map<string, Asset>();
  for (const asset of options.assets ?? []) seenAssets.set(assetKey(asset), asset);
  const barWaitMs = options.barWaitMs ?? 10_000;

  const onReconnecting = () => {
    connection = 'reconnecting';
    log('live gateway disconnected; pausing until it reconnects and replays the gap');
    report();
  };
  const onConnected = () => {
    if (connection === 'reconnecting') log('live gateway reconnected; replaying missed bars');
    connection = 'connected';
    report();
  };
  options.connection?.on('reconnecting', onReconnecting);
  options.connection?.on('connected', onConnected);

  const report = () =>
    options.onStatus?.({
      connection,
      paused,
      nowMs,
      lastBarOpenMs,
      positions: broker.getPositions(),
      cash: broker.getCash(),
      portfolioValue: broker.getPortfolioValue(),
    });

  /** Waits until the bars through `timeMs` of every live asset are in; false when the run stopped. */
  const waitForData = async (timeMs: number): Promise<boolean> => {
    const behind = () => {
      const assets = options.assets ?? [...seenAssets.values()];
      if (assets.length === 0 && options.assets === undefined) return false;
      return assets.some((asset) => market.receivedThroughMs(asset) < timeMs);
    };
    let graceEndMs = timeMs + barWaitMs;
    while (behind()) {
      if (stop.signal.aborted || market.ended) return false;
      if (!paused) {
        paused = true;
        report();
      }
      const arrival = market.nextArrival();
      if (connection !== 'connected') {
        // Disconnected: the grace restarts once reconnected, so bars replayed after it count.
        await Promise.race([arrival, stopped]);
        graceEndMs = Math.max(graceEndMs, clock.nowMs() + barWaitMs);
        continue;
      }
      if (Number.isFinite(graceEndMs) && clock.nowMs() >= graceEndMs) break;
      // The end of the run also ends a timed wait: a --duration stop must not hang on a quiet market. With
      // no grace (barWaitMs Infinity) the wait is for data only, so a jumping test clock never warps past it.
      const wakeMs = Number.isFinite(graceEndMs)
        ? Math.min(graceEndMs, options.endMs ?? Number.POSITIVE_INFINITY)
        : Number.POSITIVE_INFINITY;
      const sleeps: Promise<unknown>[] = [arrival, stopped];
      if (Number.isFinite(wakeMs)) sleeps.push(clock.sleepUntil(wakeMs, stop.signal).catch(() => {}));
      await Promise.race(sleeps);
      if (options.endMs !== undefined && clock.nowMs() >= options.endMs && behind()) return false;
    }
    if (paused) {
      paused = false;
      report();
    }
    return !stop.signal.aborted;
  };

  const dispatch = async () => {
    for (let events = broker.drainEvents(); events.length > 0; events = broker.drainEvents()) {
      for (const event of events) await deliver(event);
    }
  };
  const deliver = async (event: BrokerEvent) => {
    if (event.kind === 'fill') {
      log(
        `filled order ${event.order.id}: ${event.fill.side} ${event.fill.quantity} ${event.fill.symbol} at ${event.fill.price}`,
      );
      if (strategyImplementsHook(strategy, 'onFilledOrder'))
        await strategy.onFilledOrder(event.order, event.fill, event.position);
    } else if (event.kind === 'cancel') {
      log(`order ${event.order.id} ${event.reason}`);
      if (strategyImplementsHook(strategy, 'onCanceledOrder'))
        await strategy.onCanceledOrder(event.order, event.reason);
    } else if (strategyImplementsHook(strategy, 'onNewOrder')) {
      await strategy.onNewOrder(event.order);
    }
  };

  /** Moves the clock to `timeMs`, waits for its bars, releases them to the broker; false when stopped. */
  const advance = async (timeMs: number): Promise<boolean> => {
    if (options.endMs !== undefined && timeMs > options.endMs) return false;
    try {
      await clock.sleepUntil(timeMs, stop.signal);
    } catch {
      return false;
    }
    if (!(await waitForData(timeMs))) return false;
    if (market.failure !== undefined) throw market.failure;
    nowMs = timeMs;
    for (const { asset, bar } of market.release(timeMs)) {
      seenAssets.set(assetKey(asset), asset);
      lastBarOpenMs = Number(bar.tsEventNanos / 1_000_000n);
      if (isBarDriven(broker)) {
        broker.processBar({
          asset,
          symbol: bar.symbol,
          openTimeMs: lastBarOpenMs,
          open: bar.open,
          high: bar.high,
          low: bar.low,
          close: bar.close,
        });
      }
    }
    await dispatch();
    return true;
  };

  const runHook = async (hook: () => unknown) => {
    await hook();
    await dispatch();
    report();
  };

  const context = createContext({
    strategy,
    broker,
    market,
    now: () => nowMs,
    startMs,
    session: () => ({ openMs: sessionOpenMs, closeMs: sessionCloseMs }),
    onAsset: (asset) => {
      if (!seenAssets.has(assetKey(asset))) seenAssets.set(assetKey(asset), asset);
    },
    log,
  });
  if (options.parameters !== undefined) {
    strategy.parameters = { ...strategy.parameters, ...options.parameters } as S['parameters'];
  }
  bindStrategyContext(strategy, context);
  try {
    await runHook(() => strategy.initialize());
    const calendar = options.calendar ?? getMarketCalendar(strategy.market);
    const sleeptimeMs = parseSleeptime(strategy.sleeptime);
    // As a backtest (and Lumibot): no onTradingIteration in the last minutesBeforeClosing of a session, so a
    // strategy that flattens in beforeMarketCloses cannot reopen before the close.
    const { beforeCloseMs, stopsIterating } = beforeCloseTiming(strategy.minutesBeforeClosing, calendar.name);
    let windowStartMs = startMs;
    running: while (!stop.signal.aborted) {
      const windowEndMs = Math.min(options.endMs ?? Number.POSITIVE_INFINITY, windowStartMs + WEEK_MS);
      if (windowEndMs <= windowStartMs) break;
      const sessions = calendar.sessions(new Date(windowStartMs), new Date(windowEndMs));
      for (const session of sessions) {
        const openMs = session.open.getTime();
        const marketCloseMs = session.close.getTime();
        // Clipped to the end of the run, as a backtest clips its last session to its end.
        const closeMs = Math.min(marketCloseMs, options.endMs ?? Number.POSITIVE_INFINITY);
        if (closeMs <= windowStartMs) continue;
        sessionOpenMs = openMs;
        sessionCloseMs = marketCloseMs;
        // Stay on the session's grid (open + k x sleeptime) when starting mid-session, as backtests do.
        const skipped = windowStartMs > openMs ? Math.ceil((windowStartMs - openMs) / sleeptimeMs) : 0;
        const firstMs = openMs + skipped * sleeptimeMs;
        if (!(await advance(firstMs))) break running;
        await runHook(() => strategy.beforeMarketOpens());
        await runHook(() => strategy.beforeStartingTrading());
        const beforeCloseAtMs = marketCloseMs - beforeCloseMs;
        let beforeCloseDone =
          !strategyImplementsHook(strategy, 'beforeMarketCloses') || beforeCloseAtMs >= closeMs;
        for (let timeMs = firstMs; timeMs < closeMs; timeMs += sleeptimeMs) {
          if (!beforeCloseDone && timeMs >= beforeCloseAtMs) {
            if (!(await advance(Math.max(beforeCloseAtMs, nowMs)))) break running;
            await runHook(() => strategy.beforeMarketCloses());
            beforeCloseDone = true;
          }
          if (!(await advance(timeMs))) break running;
          if (!stopsIterating || timeMs < beforeCloseAtMs) {
            await runHook(() => strategy.onTradingIteration());
            iterations++;
          }
          equity.timesMs.push(nowMs);
          equity.values.push(broker.getPortfolioValue());
          equity.cash.push(broker.getCash());
        }
        if (!beforeCloseDone) {
          if (!(await advance(Math.max(beforeCloseAtMs, nowMs)))) break running;
          await runHook(() => strategy.beforeMarketCloses());
        }
        if (!(await advance(closeMs))) break running;
        if (isBarDriven(broker)) broker.expireDayOrders?.(closeMs);
        await dispatch();
        await runHook(() => strategy.afterMarketCloses());
      }
      windowStartMs = Math.max(windowEndMs, sessions.at(-1)?.close.getTime() ?? windowEndMs);
      if (options.endMs === undefined && !(await advance(windowStartMs))) break;
    }
    connection = 'stopped';
    await runHook(() => strategy.onStrategyEnd());
    if (market.failure !== undefined) throw market.failure;
    log(`stopped after ${iterations} iterations`);
    return {
      startMs,
      endMs: nowMs,
      iterations,
      logLines,
      duplicateBarsDropped: market.duplicatesDropped,
      equity,
    };
  } catch (error) {
    log(`ERROR ${error instanceof Error ? error.message : String(error)}`);
    if (strategyImplementsHook(strategy, 'onAbruptClosing')) {
      try {
        await strategy.onAbruptClosing(error);
      } catch (hookError) {
        log(
          `ERROR onAbruptClosing threw: ${hookError instanceof Error ? hookError.message : String(hookError)}`,
        );
      }
    }
    throw error;
  } finally {
    bindStrategyContext(strategy, undefined);
    options.signal?.removeEventListener('abort', onAbort);
    options.connection?.off('reconnecting', onReconnecting);
    options.connection?.off('connected', onConnected);
    stop.abort();
    await options.live.close();
    await consuming;
  }
}

interface ContextInput {
  readonly strategy: Strategy<object>;
  readonly broker: Broker;
  readonly market: LiveMarket;
  readonly now: () => number;
  readonly startMs: number;
  readonly session: () => { openMs: number; closeMs: number };
  readonly onAsset: (asset: Asset) => void;
  readonly log: (line: string) => void;
}

/** The strategy's view of the live run: the same {@link StrategyContext} a backtest provides. */
function createContext(input: ContextInput): StrategyContext {
  const { broker, market } = input;
  const timeZone = marketTimeZone(input.strategy.market);
  const bars = async (asset: Asset, length: number, timestep?: string | Timestep): Promise<Bars> => {
    input.onAsset(asset);
    const target = timestep === undefined ? market.timestep : parseTimestep(timestep);
    const ratio = target.durationMs / market.timestep.durationMs;
    const all = await market.barsAt(asset, input.now(), length * Math.max(1, ratio), input.startMs);
    return lastWindow(all, target, ratio, length);
  };
  // The synchronous twin of `bars`: the same window from history already loaded, or DataNotLoadedError.
  const loadedBars = (
    asset: Asset,
    length: number,
    timestep: string | Timestep | undefined,
    accessor?: string,
  ): Bars => {
    const target = timestep === undefined ? market.timestep : parseTimestep(timestep);
    const all = market.loadedBarsAt(asset, input.now());
    if (all === undefined) {
      throw createDataNotLoadedError({
        asset,
        length,
        timestep: timestep ?? market.timestep,
        ...(accessor === undefined ? {} : { accessor }),
      });
    }
    return lastWindow(all, target, target.durationMs / market.timestep.durationMs, length);
  };
  const lastWindow = (all: Bars, target: Timestep, ratio: number, length: number): Bars => {
    const resampled = ratio === 1 ? all : all.resample(target);
    // A resampled bar is visible once its whole interval has ended, as in backtests.
    let end = resampled.length;
    while (end > 0 && Number(resampled.tsEventNanos[end - 1]! / 1_000_000n) + target.durationMs > input.now())
      end--;
    return resampled.slice(Math.max(0, end - length), end);
  };
  const context: StrategyContext = {
    getHistoricalPrices: (asset, length, timestep, _options?: HistoricalPricesOptions) =>
      bars(asset, length, timestep),
    getLoadedHistoricalPrices: (asset, length, timestep, _options?: HistoricalPricesOptions) =>
      loadedBars(asset, length, timestep),
    async getHistoricalPricesForAssets(assets, length, timestep) {
      const result = new Map<Asset, Bars>();
      for (const asset of assets) result.set(asset, await bars(asset, length, timestep));
      return result;
    },
    async getLastPrice(asset) {
      const recent = await bars(asset, 1);
      return recent.length === 0 ? undefined : recent.close[recent.length - 1];
    },
    getLoadedLastPrice(asset) {
      const recent = loadedBars(asset, 1, undefined, 'getLoadedLastPrice');
      return recent.length === 0 ? undefined : recent.close[recent.length - 1];
    },
    async getLastPrices(assets) {
      const result = new Map<Asset, number | undefined>();
      for (const asset of assets) result.set(asset, await context.getLastPrice(asset));
      return result;
    },
    getPosition(asset) {
      const key = assetKey(asset);
      return broker
        .getPositions()
        .find((position) => assetKey(position.asset) === key || position.symbol === asset.symbol);
    },
    getPositions: () => broker.getPositions(),
    getCash: () => broker.getCash(),
    getPortfolioValue: () => broker.getPortfolioValue(),
    createOrder: (asset: Asset, quantity: number, side: OrderSide, options?: CreateOrderOptions): OrderSpec =>
      createOrderFromOptions(asset, quantity, side, options),
    submitOrder(order: OrderSpec): Order {
      input.onAsset(order.asset);
      const submitted = broker.submitOrder(order);
      input.log(
        `submitted order ${submitted.id}: ${order.side} ${order.quantity} ${assetKey(order.asset)} ${order.type}`,
      );
      return submitted;
    },
    cancelOrder(order) {
      broker.cancelOrder(typeof order === 'string' ? order : order.id);
    },
    cancelOpenOrders(asset) {
      for (const order of broker.getOpenOrders()) {
        if (asset === undefined || assetKey(order.asset) === assetKey(asset)) broker.cancelOrder(order.id);
      }
    },
    modifyOrder: (order, changes: ModifyOrderOptions) =>
      broker.modifyOrder(typeof order === 'string' ? order : order.id, changes),
    closePosition(asset) {
      const position = context.getPosition(asset);
      if (position === undefined) return undefined;
      return context.submitOrder(
        createOrderFromOptions(
          position.asset,
          Math.abs(position.quantity),
          position.quantity > 0 ? 'sell' : 'buy',
        ),
      );
    },
    sellAll() {
      context.cancelOpenOrders();
      return broker
        .getPositions()
        .map((position) =>
          context.submitOrder(
            createOrderFromOptions(
              position.asset,
              Math.abs(position.quantity),
              position.quantity > 0 ? 'sell' : 'buy',
            ),
          ),
        );
    },
    getOrder: (orderId) => broker.getOrder(orderId),
    getOrders: () => broker.getOrders(),
    getOpenOrders: () => broker.getOpenOrders(),
    getDatetime: () => new Date(input.now()),
    getTimestampMs: () => input.now(),
    getMarketTime: (): MarketTime => toMarketTime(input.now(), timeZone),
    getMinutesToClose() {
      const { openMs, closeMs } = input.session();
      const now = input.now();
      return now >= openMs && now < closeMs ? (closeMs - now) / 60_000 : 0;
    },
    isMarketOpen() {
      const { openMs, closeMs } = input.session();
      const now = input.now();
      return now >= openMs && now < closeMs;
    },
    log: (message) => input.log(message),
  };
  return context;
}
