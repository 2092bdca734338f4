import {
  type Asset,
  type Bars,
  type DataSourceV1,
  type Fill,
  LbError,
  type Order,
  type OrderClass,
  type OrderSide,
  type OrderSpec,
  type OrderType,
  type Position,
  type Timestep,
} from '@lb/core';
import type { BacktestOptions, BacktestResult } from './backtest.js';
import { backtest } from './backtest.js';
import type { Sleeptime } from './clock.js';

/** Market calendars a strategy can follow. */
export type MarketName = 'us_futures' | 'nyse';

/** Options of {@link StrategyContext.getHistoricalPrices}. */
export interface HistoricalPricesOptions {
  /** Venue hint passed to the data source. */
  readonly exchange?: string;
  /** Ask the source to bypass its caches when the series is first loaded. */
  readonly forceCacheUpdate?: boolean;
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
  readonly tag?: string;
}

/**
 * What a strategy can see and do while it runs. Everything is synchronous: data is preloaded, and a first
 * request for a new asset or timestep transparently loads it and re-runs the hook (read data before you
 * mutate your own state in a hook, or the mutation happens twice on that first call).
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
  ): Bars;
  /** Close of the last completed bar (at the fill timestep), or undefined before the first bar. */
  getLastPrice(asset: Asset): number | undefined;
  /** The position held in `asset` (for a continuous future: in the contract currently held), if any. */
  getPosition(asset: Asset): Position | undefined;
  /** Every non-flat position. */
  getPositions(): Position[];
  getCash(): number;
  /** Cash plus the value of open positions at their last prices. */
  getPortfolioValue(): number;
  /** Builds and validates an order (it is not sent until {@link submitOrder}). */
  createOrder(asset: Asset, quantity: number, side: OrderSide, options?: CreateOrderOptions): OrderSpec;
  /** Sends an order to the simulated broker; it fills on a later bar. */
  submitOrder(order: OrderSpec): Order;
  /** Cancels a working order. */
  cancelOrder(order: Order | string): void;
  /** The current state of an order. */
  getOrder(orderId: string): Order | undefined;
  /** Orders still working. */
  getOpenOrders(): Order[];
  /** The simulated current time. */
  getDatetime(): Date;
  /** The simulated current time in epoch milliseconds (no allocation). */
  getTimestampMs(): number;
  /** Logs a message stamped with the simulated time. */
  log(message: string): void;
}

const CONTEXT = Symbol.for('lb.backtest.strategyContext');
// Strategy modules loaded through a separate module graph (tsx's tsImport, a second copy of the package)
// subclass another copy of this class, so identity is a registered-symbol marker, not `instanceof`.
const STRATEGY_MARKER = Symbol.for('lb.backtest.Strategy');

/**
 * Base class of strategies, after Lumibot's `Strategy`: override the hooks, set `sleeptime`, `market` and
 * `parameters`, and call the context methods on `this`.
 *
 * @example
 * class BuyAndHold extends Strategy<{ symbol: string }> {
 *   override parameters = { symbol: 'MESH5' };
 *   override onTradingIteration() {
 *     const asset = future(this.parameters.symbol);
 *     if (this.getPosition(asset) === undefined) this.submitOrder(this.createOrder(asset, 1, 'buy'));
 *   }
 * }
 */
export class Strategy<P extends object = Record<string, unknown>> implements StrategyContext {
  /** Time between iterations. */
  sleeptime: Sleeptime = '1M';
  /** Calendar whose sessions the strategy iterates in. */
  market: MarketName = 'us_futures';
  /** Typed parameters; the backtest's `parameters` option is merged over them before `initialize`. */
  parameters: P;
  /** Free-form state, like Lumibot's `self.vars`. */
  vars: Record<string, unknown> = {};
  /** @internal Set by the event loop while the strategy runs. */
  [CONTEXT]: StrategyContext | undefined;
  /** @internal Marks strategies across copies of this package; see {@link Strategy.isInstance}. */
  readonly [STRATEGY_MARKER] = true;

  constructor(parameters?: Partial<P>) {
    this.parameters = { ...parameters } as P;
  }

  /** True for a strategy built on any copy of @lb/backtest (where `instanceof` would fail). */
  static isInstance(value: unknown): value is Strategy<object> {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[STRATEGY_MARKER] === true
    );
  }

  /** Called once before the first iteration. */
  initialize(): void | Promise<void> {}
  /** Called every `sleeptime` while the market is open. */
  onTradingIteration(): void | Promise<void> {}
  /** Called when an order fills. */
  onFilledOrder(_order: Order, _fill: Fill): void | Promise<void> {}
  /** Called when an order is canceled or rejected (e.g. not enough cash for its margin). */
  onCanceledOrder(_order: Order): void | Promise<void> {}
  /** Called at each session open, before its first iteration. */
  beforeMarketOpens(): void | Promise<void> {}
  /** Called at each session close, after its last iteration. */
  afterMarketCloses(): void | Promise<void> {}

  /** The running backtest's context. @throws LbError when the strategy is not running. */
  get context(): StrategyContext {
    const context = this[CONTEXT];
    if (context === undefined) {
      throw new LbError(
        'This strategy is not running: context methods work only inside its hooks during a backtest (run it with backtest() or MyStrategy.backtest()).',
      );
    }
    return context;
  }

  getHistoricalPrices(
    asset: Asset,
    length: number,
    timestep?: string | Timestep,
    options?: HistoricalPricesOptions,
  ): Bars {
    return this.context.getHistoricalPrices(asset, length, timestep, options);
  }
  getLastPrice(asset: Asset): number | undefined {
    return this.context.getLastPrice(asset);
  }
  getPosition(asset: Asset): Position | undefined {
    return this.context.getPosition(asset);
  }
  getPositions(): Position[] {
    return this.context.getPositions();
  }
  getCash(): number {
    return this.context.getCash();
  }
  getPortfolioValue(): number {
    return this.context.getPortfolioValue();
  }
  createOrder(asset: Asset, quantity: number, side: OrderSide, options?: CreateOrderOptions): OrderSpec {
    return this.context.createOrder(asset, quantity, side, options);
  }
  submitOrder(order: OrderSpec): Order {
    return this.context.submitOrder(order);
  }
  cancelOrder(order: Order | string): void {
    this.context.cancelOrder(order);
  }
  getOrder(orderId: string): Order | undefined {
    return this.context.getOrder(orderId);
  }
  getOpenOrders(): Order[] {
    return this.context.getOpenOrders();
  }
  getDatetime(): Date {
    return this.context.getDatetime();
  }
  getTimestampMs(): number {
    return this.context.getTimestampMs();
  }
  log(message: string): void {
    this.context.log(message);
  }

  /**
   * Backtests this strategy class, like Lumibot's `Strategy.backtest(datasource, start, end)`.
   * @example const result = await MyStrategy.backtest(source, '2024-01-02', '2024-02-01', { budget: 50_000 });
   */
  static backtest<S extends Strategy<object>>(
    this: new () => S,
    dataSource: DataSourceV1,
    start: Date | string,
    end: Date | string,
    options: Omit<BacktestOptions<S>, 'strategy' | 'dataSource' | 'start' | 'end'> = {},
  ): Promise<BacktestResult> {
    return backtest({ ...options, strategy: new this(), dataSource, start, end });
  }
}

/**
 * @internal Whether `strategy` implements `hook` itself (a subclass override, or a hook given to
 * defineStrategy), so the broker can skip building events nobody reads.
 */
export function hasHook(strategy: Strategy<object>, hook: 'onFilledOrder' | 'onCanceledOrder'): boolean {
  const definition = (strategy.constructor as { [DEFINITION]?: StrategyDefinition<object> })[DEFINITION];
  if (definition !== undefined) return definition[hook] !== undefined;
  return strategy[hook] !== Strategy.prototype[hook];
}

const DEFINITION = Symbol.for('lb.backtest.strategyDefinition');

/** @internal Attaches or detaches the context the event loop provides. */
export function attachContext(strategy: Strategy<object>, context: StrategyContext | undefined): void {
  strategy[CONTEXT] = context;
}

/** Hooks and settings accepted by {@link defineStrategy}; hooks run with `this` bound to the strategy. */
export interface StrategyDefinition<P extends object> {
  readonly name?: string;
  readonly sleeptime?: Sleeptime;
  readonly market?: MarketName;
  readonly parameters?: P;
  initialize?(this: Strategy<P>): void | Promise<void>;
  onTradingIteration?(this: Strategy<P>): void | Promise<void>;
  onFilledOrder?(this: Strategy<P>, order: Order, fill: Fill): void | Promise<void>;
  onCanceledOrder?(this: Strategy<P>, order: Order): void | Promise<void>;
  beforeMarketOpens?(this: Strategy<P>): void | Promise<void>;
  afterMarketCloses?(this: Strategy<P>): void | Promise<void>;
}

/** A strategy class made by {@link defineStrategy}: construct it with parameter overrides, or backtest it. */
export interface DefinedStrategyClass<P extends object> {
  new (parameters?: Partial<P>): Strategy<P>;
  backtest: typeof Strategy.backtest;
}

/**
 * Defines a strategy from an object of hooks instead of a subclass.
 * @example
 * const Hold = defineStrategy({
 *   sleeptime: '1D',
 *   parameters: { symbol: 'MESH5' },
 *   onTradingIteration() {
 *     const asset = future(this.parameters.symbol);
 *     if (this.getPosition(asset) === undefined) this.submitOrder(this.createOrder(asset, 1, 'buy'));
 *   },
 * });
 * const result = await Hold.backtest(source, '2024-01-02', '2024-03-01', { calendar });
 */
export function defineStrategy<P extends object = Record<string, unknown>>(
  definition: StrategyDefinition<P>,
): DefinedStrategyClass<P> {
  const defined = class extends Strategy<P> {
    constructor(parameters?: Partial<P>) {
      super({ ...definition.parameters, ...parameters } as Partial<P>);
      if (definition.sleeptime !== undefined) this.sleeptime = definition.sleeptime;
      if (definition.market !== undefined) this.market = definition.market;
    }
    override initialize() {
      return definition.initialize?.call(this);
    }
    override onTradingIteration() {
      return definition.onTradingIteration?.call(this);
    }
    override onFilledOrder(order: Order, fill: Fill) {
      return definition.onFilledOrder?.call(this, order, fill);
    }
    override onCanceledOrder(order: Order) {
      return definition.onCanceledOrder?.call(this, order);
    }
    override beforeMarketOpens() {
      return definition.beforeMarketOpens?.call(this);
    }
    override afterMarketCloses() {
      return definition.afterMarketCloses?.call(this);
    }
  };
  Object.defineProperty(defined, 'name', { value: definition.name ?? 'DefinedStrategy' });
  Object.defineProperty(defined, DEFINITION, { value: definition });
  return defined as unknown as DefinedStrategyClass<P>;
}
