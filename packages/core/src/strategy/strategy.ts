import type { Asset } from '../asset.js';
import type { Bars } from '../bars.js';
import { LbError } from '../errors.js';
import type { Fill, Order, OrderSide, OrderSpec, Position } from '../orders.js';
import type { Timestep } from '../timestep.js';
import type { MarketTime } from './market-time.js';
import type { Sleeptime } from './sleeptime.js';
import type {
  CancelReason,
  CreateOrderOptions,
  HistoricalPricesOptions,
  MarketName,
  ModifyOrderOptions,
  StatsRow,
  StrategyContext,
} from './strategy-context.js';

/** What a hook may return: nothing, or a promise the engine awaits before going on. */
export type HookResult = void | Promise<void>;

/**
 * Every hook an engine calls, in Lumibot's order within a session: `beforeMarketOpens`,
 * `beforeStartingTrading`, `onTradingIteration` every `sleeptime` until `beforeMarketCloses`
 * (`minutesBeforeClosing` before the close, after which iterations stop), `afterMarketCloses`; `initialize` once first and
 * `onStrategyEnd` once last; the order hooks whenever the broker reports; `onAbruptClosing` on an error or
 * abort; `traceStats` after each iteration.
 */
export const STRATEGY_HOOK_NAMES = [
  'initialize',
  'onTradingIteration',
  'beforeMarketOpens',
  'beforeStartingTrading',
  'beforeMarketCloses',
  'afterMarketCloses',
  'onNewOrder',
  'onFilledOrder',
  'onCanceledOrder',
  'onAbruptClosing',
  'onStrategyEnd',
  'traceStats',
] as const;

/** One of {@link STRATEGY_HOOK_NAMES}. */
export type StrategyHookName = (typeof STRATEGY_HOOK_NAMES)[number];

const CONTEXT = Symbol.for('lb.strategy.context');
// Strategy modules loaded through a separate module graph (tsx's tsImport, a second copy of the package)
// subclass another copy of this class, so identity is a registered-symbol marker, not `instanceof`.
const STRATEGY_MARKER = Symbol.for('lb.strategy.Strategy');

/**
 * Base class of strategies, after Lumibot's `Strategy`: override the hooks, set `sleeptime`, `market`,
 * `minutesBeforeClosing` and `parameters` (as fields or inside `initialize()`), and call the context
 * methods on `this`. Any engine runs it: `backtest()` from `@lb/backtest`, or a live engine.
 *
 * @example
 * class BuyAndHold extends Strategy<{ symbol: string }> {
 *   override parameters = { symbol: 'MESH5' };
 *   override async onTradingIteration() {
 *     const asset = future(this.parameters.symbol);
 *     if ((await this.getLastPrice(asset)) === undefined) return;
 *     if (this.getPosition(asset) === undefined) this.submitOrder(this.createOrder(asset, 1, 'buy'));
 *   }
 * }
 */
export class Strategy<P extends object = Record<string, unknown>> implements StrategyContext {
  /** Time between iterations. Read after `initialize()`, so setting it there works. */
  sleeptime: Sleeptime = '1M';
  /** Calendar whose sessions the strategy iterates in. Read after `initialize()`. */
  market: MarketName = 'us_futures';
  /**
   * Minutes before each session close at which `beforeMarketCloses` runs and `onTradingIteration` stops
   * until the next session (as in Lumibot; fills and the equity curve go on to the close). Default 5; 0
   * iterates up to the close. Ignored by `24/7`, whose sessions are UTC days rather than market closes.
   */
  minutesBeforeClosing = 5;
  /** Typed parameters; an engine's `parameters` option is merged over them before `initialize`. */
  parameters: P;
  /** Free-form state, like Lumibot's `self.vars`. */
  vars: Record<string, unknown> = {};
  /** @internal Set by the engine while the strategy runs. */
  [CONTEXT]: StrategyContext | undefined;
  /** @internal Marks strategies across copies of this package; see {@link Strategy.isInstance}. */
  readonly [STRATEGY_MARKER] = true;

  constructor(parameters?: Partial<P>) {
    this.parameters = { ...parameters } as P;
  }

  /** True for a strategy built on any copy of @lb/core (where `instanceof` would fail). */
  static isInstance(value: unknown): value is Strategy<object> {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[STRATEGY_MARKER] === true
    );
  }

  /** Called once before anything else; set `sleeptime`, `market`, `minutesBeforeClosing` here if you like. */
  initialize(): HookResult {}
  /** Called every `sleeptime` while the market is open. */
  onTradingIteration(): HookResult {}
  /** Called before each session opens. */
  beforeMarketOpens(): HookResult {}
  /** Called at each session open, after `beforeMarketOpens` and before its first iteration. */
  beforeStartingTrading(): HookResult {}
  /** Called `minutesBeforeClosing` minutes before each session close. */
  beforeMarketCloses(): HookResult {}
  /** Called at each session close, after its last iteration. */
  afterMarketCloses(): HookResult {}
  /** Called when the broker accepts an order. */
  onNewOrder(_order: Order): HookResult {}
  /** Called when an order fills; `position` is the position in the traded instrument after it. */
  onFilledOrder(_order: Order, _fill: Fill, _position: Position | undefined): HookResult {}
  /** Called when an order stops working without filling, with the reason. */
  onCanceledOrder(_order: Order, _reason: CancelReason): HookResult {}
  /** Called when the run stops on an error or an abort, before the error propagates. */
  onAbruptClosing(_error: unknown): HookResult {}
  /** Called once after the last session. */
  onStrategyEnd(): HookResult {}
  /** A row of values recorded after each iteration (`statsRows` of a backtest result, `stats.csv`). */
  traceStats(): StatsRow | undefined {
    return undefined;
  }

  /** The running engine's context. @throws LbError when the strategy is not running. */
  get context(): StrategyContext {
    const context = this[CONTEXT];
    if (context === undefined) {
      throw new LbError(
        'This strategy is not running: context methods work only inside its hooks while an engine runs it (e.g. backtest() from @lb/backtest).',
      );
    }
    return context;
  }

  getHistoricalPrices(
    asset: Asset,
    length: number,
    timestep?: string | Timestep,
    options?: HistoricalPricesOptions,
  ): Promise<Bars> {
    return this.context.getHistoricalPrices(asset, length, timestep, options);
  }
  /**
   * The last `length` bars, synchronously, from a series already loaded (see
   * {@link StrategyContext.getLoadedHistoricalPrices}).
   * @throws DataNotLoadedError when the series was not loaded by an earlier `await getHistoricalPrices`.
   */
  getLoadedHistoricalPrices(
    asset: Asset,
    length: number,
    timestep?: string | Timestep,
    options?: HistoricalPricesOptions,
  ): Bars {
    return this.context.getLoadedHistoricalPrices(asset, length, timestep, options);
  }
  getHistoricalPricesForAssets(
    assets: readonly Asset[],
    length: number,
    timestep?: string | Timestep,
    options?: HistoricalPricesOptions,
  ): Promise<Map<Asset, Bars>> {
    return this.context.getHistoricalPricesForAssets(assets, length, timestep, options);
  }
  getLastPrice(asset: Asset): Promise<number | undefined> {
    return this.context.getLastPrice(asset);
  }
  /**
   * The last close, synchronously, for an asset already loaded (see {@link StrategyContext.getLoadedLastPrice}).
   * @throws DataNotLoadedError when it was not loaded yet.
   */
  getLoadedLastPrice(asset: Asset): number | undefined {
    return this.context.getLoadedLastPrice(asset);
  }
  getLastPrices(assets: readonly Asset[]): Promise<Map<Asset, number | undefined>> {
    return this.context.getLastPrices(assets);
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
  cancelOpenOrders(asset?: Asset): void {
    this.context.cancelOpenOrders(asset);
  }
  modifyOrder(order: Order | string, changes: ModifyOrderOptions): Order | undefined {
    return this.context.modifyOrder(order, changes);
  }
  closePosition(asset: Asset): Order | undefined {
    return this.context.closePosition(asset);
  }
  sellAll(): Order[] {
    return this.context.sellAll();
  }
  getOrder(orderId: string): Order | undefined {
    return this.context.getOrder(orderId);
  }
  getOrders(): Order[] {
    return this.context.getOrders();
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
  getMarketTime(): MarketTime {
    return this.context.getMarketTime();
  }
  getMinutesToClose(): number {
    return this.context.getMinutesToClose();
  }
  isMarketOpen(): boolean {
    return this.context.isMarketOpen();
  }
  log(message: string): void {
    this.context.log(message);
  }
}

/**
 * Whether `strategy` implements `hook` itself (a subclass override, or a hook given to defineStrategy), so
 * an engine can skip building events nobody reads. For engines.
 */
export function strategyImplementsHook(strategy: Strategy<object>, hook: StrategyHookName): boolean {
  return strategy[hook] !== Strategy.prototype[hook];
}

/** Attaches (or, with undefined, detaches) the context an engine provides while it runs `strategy`. For engines. */
export function bindStrategyContext(strategy: Strategy<object>, context: StrategyContext | undefined): void {
  strategy[CONTEXT] = context;
}

type HookThis<P extends object> = Strategy<P>;

/** Hooks and settings accepted by {@link defineStrategy}; hooks run with `this` bound to the strategy. */
export interface StrategyDefinition<P extends object> {
  readonly name?: string;
  readonly sleeptime?: Sleeptime;
  readonly market?: MarketName;
  readonly minutesBeforeClosing?: number;
  readonly parameters?: P;
  initialize?(this: HookThis<P>): HookResult;
  onTradingIteration?(this: HookThis<P>): HookResult;
  beforeMarketOpens?(this: HookThis<P>): HookResult;
  beforeStartingTrading?(this: HookThis<P>): HookResult;
  beforeMarketCloses?(this: HookThis<P>): HookResult;
  afterMarketCloses?(this: HookThis<P>): HookResult;
  onNewOrder?(this: HookThis<P>, order: Order): HookResult;
  onFilledOrder?(this: HookThis<P>, order: Order, fill: Fill, position: Position | undefined): HookResult;
  onCanceledOrder?(this: HookThis<P>, order: Order, reason: CancelReason): HookResult;
  onAbruptClosing?(this: HookThis<P>, error: unknown): HookResult;
  onStrategyEnd?(this: HookThis<P>): HookResult;
  traceStats?(this: HookThis<P>): StatsRow | undefined;
}

/** A strategy class made by {@link defineStrategy}: construct it with parameter overrides. */
export interface DefinedStrategyClass<P extends object> {
  new (parameters?: Partial<P>): Strategy<P>;
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
 * const result = await backtest({ strategy: new Hold(), dataSource, start: '2024-01-02', end: '2024-03-01' });
 */
export function defineStrategy<P extends object = Record<string, unknown>>(
  definition: StrategyDefinition<P>,
): DefinedStrategyClass<P> {
  const defined = class extends Strategy<P> {
    constructor(parameters?: Partial<P>) {
      super({ ...definition.parameters, ...parameters } as Partial<P>);
      if (definition.sleeptime !== undefined) this.sleeptime = definition.sleeptime;
      if (definition.market !== undefined) this.market = definition.market;
      if (definition.minutesBeforeClosing !== undefined)
        this.minutesBeforeClosing = definition.minutesBeforeClosing;
    }
  };
  // Only the hooks given become methods, so engines can tell which hooks the strategy implements.
  for (const hook of STRATEGY_HOOK_NAMES) {
    const implementation = definition[hook];
    if (implementation !== undefined) {
      Object.defineProperty(defined.prototype, hook, {
        value: implementation,
        writable: true,
        configurable: true,
      });
    }
  }
  Object.defineProperty(defined, 'name', { value: definition.name ?? 'DefinedStrategy' });
  return defined as unknown as DefinedStrategyClass<P>;
}
