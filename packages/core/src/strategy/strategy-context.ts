import type { Asset } from '../asset.js';
import type { Bars } from '../bars.js';
import type { BackAdjustment } from '../fetch-bars.js';
import type { MarketCalendarName } from '../market-calendar.js';
import type { Order, OrderClass, OrderSide, OrderSpec, OrderType, Position } from '../orders.js';
import type { Timestep } from '../timestep.js';
import type { MarketTime } from './market-time.js';

/** Market calendars a strategy can follow (`strategy.market`). */
export type MarketName = MarketCalendarName;

/** How long an order works: `day` expires at the session close, `gtc` until filled or canceled. */
export type TimeInForce = 'day' | 'gtc';

/**
 * Why an order stopped working without filling: `canceled` by the strategy, `rejected` by the broker (e.g.
 * not enough cash for its margin), `expired` (a day order at the session close), `roll` (an exit order of
 * a continuous future canceled at a roll because `rollExitOrders` is `cancel`), `replaced` (by modifyOrder).
 */
export type CancelReason = 'canceled' | 'rejected' | 'expired' | 'roll' | 'replaced';

/** Options of {@link StrategyContext.getHistoricalPrices}. */
export interface HistoricalPricesOptions {
  /** Venue hint passed to the data source. */
  readonly exchange?: string;
  /** Ask the source to bypass its caches when the series is first loaded. */
  readonly forceCacheUpdate?: boolean;
  /**
   * For a continuous future: `none` (default) keeps each contract's own prices; `difference` or `ratio`
   * back-adjusts older contracts at each roll so the series has no roll gaps (for signals, not for fills).
   */
  readonly backAdjust?: BackAdjustment;
}

/**
 * Options of {@link StrategyContext.createOrder}, mirroring Lumibot's `create_order`. The type is inferred
 * when omitted: limit and stop prices make a stop-limit, a limit price a limit, a stop price a stop, a trail a
 * trailing stop, nothing a market order. Take-profit plus stop-loss prices make a bracket.
 */
export interface CreateOrderOptions {
  readonly type?: OrderType;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly trailPrice?: number;
  readonly trailPercent?: number;
  readonly takeProfitPrice?: number;
  readonly stopLossPrice?: number;
  readonly stopLossLimitPrice?: number;
  readonly orderClass?: OrderClass;
  /** Default `gtc`. A `day` order still working at the session close is canceled with reason `expired`. */
  readonly timeInForce?: TimeInForce;
  readonly tag?: string;
}

/** Changes accepted by {@link StrategyContext.modifyOrder}. */
export interface ModifyOrderOptions {
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly quantity?: number;
}

/** A row returned by `traceStats()`: column name to value, collected once per iteration. */
export type StatsRow = Readonly<Record<string, number | string | boolean | null>>;

/**
 * What a strategy can see and do while it runs, whatever runs it (the backtester, a live or paper engine).
 *
 * Data accessors are asynchronous (`await this.getHistoricalPrices(...)`): the first request for an asset
 * may need a network or disk load, and the hook waits for it instead of being aborted and re-run, so each
 * hook runs exactly once per event. Everything else is synchronous.
 *
 * The fast path: {@link getLoadedHistoricalPrices} and {@link getLoadedLastPrice} answer synchronously from
 * series already in memory (loaded by an earlier `await getHistoricalPrices`, e.g. in an async
 * `initialize()`), so a hot `onTradingIteration` can stay synchronous and cost no promise. They throw
 * `DataNotLoadedError` for a series not loaded yet; the hook is never re-run.
 */
export interface StrategyContext {
  /**
   * The last `length` bars of `asset` at `timestep` that have ended by now (a 1-minute bar stamped 09:31 is
   * visible from 09:32). `bars.close.at(-1)` is the seed's `bars.df['close'].iloc[-1]`.
   */
  getHistoricalPrices(
    asset: Asset,
    length: number,
    timestep?: string | Timestep,
    options?: HistoricalPricesOptions,
  ): Promise<Bars>;
  /**
   * {@link getHistoricalPrices} without the promise, for series already in memory: the same window (the last
   * `length` bars ended by now, no lookahead), returned synchronously.
   *
   * @example
   * override async initialize() {
   *   await this.getHistoricalPrices(asset, 50, '1m'); // loads the series once
   * }
   * override onTradingIteration() {
   *   const close = this.getLoadedHistoricalPrices(asset, 50, '1m').close;
   * }
   * @throws DataNotLoadedError when that asset and timestep (with `length` bars of warm-up in a backtest)
   * were not loaded by an earlier `await getHistoricalPrices`. The hook is not re-run.
   */
  getLoadedHistoricalPrices(
    asset: Asset,
    length: number,
    timestep?: string | Timestep,
    options?: HistoricalPricesOptions,
  ): Bars;
  /** {@link getHistoricalPrices} for several assets at once, keyed by the asset objects passed. */
  getHistoricalPricesForAssets(
    assets: readonly Asset[],
    length: number,
    timestep?: string | Timestep,
    options?: HistoricalPricesOptions,
  ): Promise<Map<Asset, Bars>>;
  /** Close of the last completed bar (at the fill timestep), or undefined before the first bar. */
  getLastPrice(asset: Asset): Promise<number | undefined>;
  /**
   * {@link getLastPrice} without the promise, for an asset whose series at the engine's default timestep
   * is already in memory (e.g. after `await this.getLastPrice(asset)` in `initialize()`).
   * @throws DataNotLoadedError when it is not loaded yet. The hook is not re-run.
   */
  getLoadedLastPrice(asset: Asset): number | undefined;
  /** {@link getLastPrice} for several assets, keyed by the asset objects passed. */
  getLastPrices(assets: readonly Asset[]): Promise<Map<Asset, number | undefined>>;
  /** The position held in `asset` (for a continuous future: in the contract currently held), if any. */
  getPosition(asset: Asset): Position | undefined;
  /** Every non-flat position. */
  getPositions(): Position[];
  getCash(): number;
  /** Cash plus the value of open positions at their last prices. */
  getPortfolioValue(): number;
  /** Builds and validates an order (it is not sent until {@link submitOrder}). */
  createOrder(asset: Asset, quantity: number, side: OrderSide, options?: CreateOrderOptions): OrderSpec;
  /** Sends an order to the broker; in a backtest it fills on a later bar. */
  submitOrder(order: OrderSpec): Order;
  /** Cancels a working order. */
  cancelOrder(order: Order | string): void;
  /** Cancels every working order, or those of `asset` only. */
  cancelOpenOrders(asset?: Asset): void;
  /**
   * Changes a working order's limit price, stop price or quantity; returns its new state (undefined when
   * it was no longer working).
   */
  modifyOrder(order: Order | string, changes: ModifyOrderOptions): Order | undefined;
  /** Submits market orders closing the position in `asset`; undefined when flat. */
  closePosition(asset: Asset): Order | undefined;
  /** Cancels every working order and closes every position with market orders (Lumibot's `sell_all`). */
  sellAll(): Order[];
  /** The current state of an order. */
  getOrder(orderId: string): Order | undefined;
  /** Every order submitted so far, with its status (open, filled, canceled, rejected). */
  getOrders(): Order[];
  /** Orders still working. */
  getOpenOrders(): Order[];
  /** The current time (simulated in a backtest). */
  getDatetime(): Date;
  /** The current time in epoch milliseconds (no allocation). */
  getTimestampMs(): number;
  /** The current time on the market's wall clock (New York for `us_futures` and `nyse`). */
  getMarketTime(): MarketTime;
  /** Minutes until the current session closes (0 when the market is closed). */
  getMinutesToClose(): number;
  /** Whether the strategy's market is in session now. */
  isMarketOpen(): boolean;
  /** Logs a message stamped with the current time. */
  log(message: string): void;
}
