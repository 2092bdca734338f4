import {
  computeFillFee,
  type FillModelOrder,
  FuturesLedger,
  findFillPrice,
  type InstrumentOverride,
  lookupInitialMargin,
  MissingInstrumentSpecError,
  type ResolvedInstrument,
} from '@lb/backtest';
import {
  type Asset,
  assetKey,
  type Broker,
  type BrokerEvent,
  type CancelReason,
  createOrderSpec,
  createTradingFee,
  InvalidArgumentError,
  type ModifyOrderOptions,
  type Order,
  type OrderSpec,
  type Position,
  type TradingFee,
  UnsupportedFunctionalityError,
} from '@lb/core';
import {
  type PaperBrokerState,
  type PaperFillState,
  type PaperOrderState,
  readPaperBrokerState,
  writePaperBrokerState,
} from './state-file.js';

const NANOS_PER_MS = 1_000_000n;

/** Options of {@link PaperBroker}. */
export interface PaperBrokerOptions {
  /**
   * Where the account lives. Loaded when it exists (the account resumes: cash, positions, working orders,
   * last processed bars), written atomically after every change. Without it the account is in memory only.
   */
  readonly stateFile?: string;
  /** Starting cash of a new account (ignored when the state file exists). Default 100,000. */
  readonly initialCash?: number;
  /** Fee schedules charged on every fill, as in `backtest({ fees })`. */
  readonly fees?: Partial<TradingFee> | ReadonlyArray<Partial<TradingFee>>;
  readonly buyFees?: Partial<TradingFee> | ReadonlyArray<Partial<TradingFee>>;
  readonly sellFees?: Partial<TradingFee> | ReadonlyArray<Partial<TradingFee>>;
  /** Adverse slippage on market and stop fills, in ticks. Default 0. */
  readonly slippageTicks?: number;
  /** Multiplier, tick size and margin by root (`MES`) or contract (`MESH5`), as in backtests. */
  readonly instruments?: Readonly<Record<string, InstrumentOverride>>;
  /** The current time in epoch ms (orders are stamped with it). Default `Date.now`. */
  readonly clockMs?: () => number;
}

/** One closed bar for {@link PaperBroker.processBar}. */
export interface PaperBar {
  /** The asset the bar belongs to, as orders name it (a continuous future for `ES.c.0` bars). */
  readonly asset: Asset;
  /** The instrument actually traded (`ESH6`); for a continuous future, the contract of this bar. */
  readonly symbol: string;
  /** Open of the bar, epoch ms (bars are stamped at their open). */
  readonly openTimeMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/** A fill as recorded by the paper broker (JSON-ready, same fields as a backtest trade). */
export interface PaperTrade {
  readonly orderId: string;
  readonly time: string;
  readonly timestampMs: number;
  readonly asset: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: number;
  readonly price: number;
  readonly fee: number;
  readonly realizedPnl: number;
  readonly closedQuantity: number;
  /** Contract multiplier of the traded instrument (1 for stocks). */
  readonly multiplier: number;
}

interface WorkingState extends FillModelOrder {
  readonly record: PaperOrderState;
}

function feeList(input: Partial<TradingFee> | ReadonlyArray<Partial<TradingFee>> | undefined): TradingFee[] {
  if (input === undefined) return [];
  return (Array.isArray(input) ? input : [input]).map((fee) => createTradingFee(fee));
}

/**
 * A paper account implementing core's {@link Broker} with the backtest's rules: orders fill on bars as they
 * close, by `@lb/backtest`'s fill model (open, high, low, close path; limits at their price, gaps at the
 * open), and cash, margin and FIFO lots move through its `FuturesLedger`. An order submitted at T fills
 * only on bars opening at or after T. Simple orders only (market, limit, stop, stop-limit, trailing stop).
 *
 * Crash safety: with a `stateFile`, every change is written atomically before the call returns, and each
 * asset's last processed bar is part of the state, so after a restart a bar already seen (at or before that
 * bar) is ignored: no order fills twice, none is lost.
 */
export class PaperBroker implements Broker {
  readonly brokerId = 'paper';
  readonly #stateFile: string | undefined;
  readonly #state: PaperBrokerState;
  readonly #ledger: FuturesLedger;
  readonly #working: WorkingState[] = [];
  readonly #assets = new Map<string, Asset>();
  readonly #buyFees: TradingFee[];
  readonly #sellFees: TradingFee[];
  readonly #slippageTicks: number;
  readonly #overrides: Readonly<Record<string, InstrumentOverride>>;
  readonly #instruments = new Map<string, ResolvedInstrument>();
  readonly #clockMs: () => number;
  readonly #events: BrokerEvent[] = [];
  readonly #point = new Int32Array(1);

  constructor(options: PaperBrokerOptions = {}) {
    const initialCash = options.initialCash ?? 100_000;
    if (!Number.isFinite(initialCash) || initialCash < 0) {
      throw new InvalidArgumentError(`initialCash must be a non-negative number, got ${initialCash}.`, {
        argument: 'initialCash',
      });
    }
    const slippageTicks = options.slippageTicks ?? 0;
    if (!Number.isFinite(slippageTicks) || slippageTicks < 0) {
      throw new InvalidArgumentError(`slippageTicks must be a non-negative number, got ${slippageTicks}.`, {
        argument: 'slippageTicks',
      });
    }
    const common = feeList(options.fees);
    this.#buyFees = [...common, ...feeList(options.buyFees)];
    this.#sellFees = [...common, ...feeList(options.sellFees)];
    this.#slippageTicks = slippageTicks;
    this.#overrides = options.instruments ?? {};
    this.#clockMs = options.clockMs ?? Date.now;
    this.#stateFile = options.stateFile;
    const loaded = options.stateFile === undefined ? undefined : readPaperBrokerState(options.stateFile);
    this.#state = loaded ?? {
      version: 1,
      initialCash,
      nextOrderId: 1,
      orders: [],
      fills: [],
      marks: {},
      lastBarOpenMs: {},
    };
    this.#ledger = new FuturesLedger(this.#state.initialCash);
    // The ledger is rebuilt by replaying the fills: the same arithmetic, in the same order, as when they
    // happened, so cash and lots come back exactly.
    for (const fill of this.#state.fills) {
      const signed = fill.side === 'buy' ? fill.quantity : -fill.quantity;
      this.#ledger.applyFill(fill.instrument, signed, fill.price, fill.fee);
      this.#instruments.set(fill.instrument.symbol, fill.instrument);
    }
    for (const holding of this.#ledger.holdings) {
      const mark = this.#state.marks[holding.instrument.symbol];
      if (mark !== undefined) holding.markPrice = mark;
    }
    for (const record of this.#state.orders) {
      this.#assets.set(record.id, reviveAsset(record.asset));
      if (record.status === 'open') this.#working.push(toWorking(record));
    }
    if (loaded === undefined) this.#save();
  }

  /** The state file, if any. */
  get stateFile(): string | undefined {
    return this.#stateFile;
  }

  /** Open of the last bar processed for `asset` (epoch ms), or undefined before its first bar. */
  lastBarOpenMs(asset: Asset): number | undefined {
    return this.#state.lastBarOpenMs[assetKey(asset)];
  }

  /** Registers contract terms for a traded symbol (`ESH6`), e.g. resolved from a data source's spec. */
  setInstrument(instrument: ResolvedInstrument): void {
    this.#instruments.set(instrument.symbol, instrument);
  }

  /** @throws UnsupportedFunctionalityError for bracket, OCO and OTO orders; InvalidArgumentError for a bad spec. */
  submitOrder(spec: OrderSpec): Order {
    const checked = createOrderSpec(spec);
    if (checked.orderClass !== 'simple') {
      throw new UnsupportedFunctionalityError(
        `The paper broker accepts simple orders only, not ${checked.orderClass}; submit the legs as separate orders.`,
        { functionality: `orderClass:${checked.orderClass}` },
      );
    }
    const nowMs = this.#clockMs();
    const record: PaperOrderState = {
      id: String(this.#state.nextOrderId++),
      asset: plainAsset(checked.asset),
      side: checked.side,
      quantity: checked.quantity,
      type: checked.type,
      status: 'open',
      submittedAtMs: nowMs,
      firstBarOpenMs: nowMs,
      stopTriggered: false,
      trailExtremePrice: null,
      ...(checked.limitPrice === undefined ? {} : { limitPrice: checked.limitPrice }),
      ...(checked.stopPrice === undefined ? {} : { stopPrice: checked.stopPrice }),
      ...(checked.trailPrice === undefined ? {} : { trailPrice: checked.trailPrice }),
      ...(checked.trailPercent === undefined ? {} : { trailPercent: checked.trailPercent }),
      ...(checked.timeInForce === undefined ? {} : { timeInForce: checked.timeInForce }),
      ...(checked.tag === undefined ? {} : { tag: checked.tag }),
    };
    this.#state.orders.push(record);
    this.#assets.set(record.id, checked.asset);
    this.#working.push(toWorking(record));
    const order = this.#toOrder(record);
    this.#events.push({ kind: 'new', order });
    this.#save();
    return order;
  }

  /** Cancels a working order; false (and nothing changes) when it is unknown or no longer working. */
  cancelOrder(orderId: string, reason: CancelReason = 'canceled'): boolean {
    const working = this.#working.find((order) => order.record.id === orderId);
    if (working === undefined) return false;
    this.#stop(working, reason === 'rejected' ? 'rejected' : 'canceled', reason);
    this.#save();
    return true;
  }

  /**
   * Changes a working order's limit price, stop price or quantity in place.
   * @throws InvalidArgumentError when the change does not fit the order type or is invalid.
   */
  modifyOrder(orderId: string, changes: ModifyOrderOptions): Order | undefined {
    const working = this.#working.find((order) => order.record.id === orderId);
    if (working === undefined) return undefined;
    const record = working.record;
    if (changes.limitPrice !== undefined && record.type !== 'limit' && record.type !== 'stop_limit') {
      throw new InvalidArgumentError(
        `Cannot set a limit price on ${record.type} order ${orderId}; cancel it and submit a limit order.`,
        { argument: 'limitPrice' },
      );
    }
    if (changes.stopPrice !== undefined && record.type !== 'stop' && record.type !== 'stop_limit') {
      throw new InvalidArgumentError(
        `Cannot set a stop price on ${record.type} order ${orderId}; cancel it and submit a stop order.`,
        { argument: 'stopPrice' },
      );
    }
    const changed = createOrderSpec({ ...this.#specOf(record), ...changes });
    Object.assign(record, {
      quantity: changed.quantity,
      ...(changed.limitPrice === undefined ? {} : { limitPrice: changed.limitPrice }),
      ...(changed.stopPrice === undefined ? {} : { stopPrice: changed.stopPrice }),
    });
    const index = this.#working.indexOf(working);
    this.#working[index] = toWorking(record);
    this.#save();
    return this.#toOrder(record);
  }

  getOrder(orderId: string): Order | undefined {
    const record = this.#state.orders.find((order) => order.id === orderId);
    return record === undefined ? undefined : this.#toOrder(record);
  }

  getOrders(): Order[] {
    return this.#state.orders.map((record) => this.#toOrder(record));
  }

  getOpenOrders(): Order[] {
    return this.#working.map((working) => this.#toOrder(working.record));
  }

  getPositions(): Position[] {
    const positions: Position[] = [];
    for (const holding of this.#ledger.holdings) {
      if (holding.quantity === 0) continue;
      const symbol = holding.instrument.symbol;
      positions.push({
        asset: this.#heldVia(symbol),
        symbol,
        quantity: holding.quantity,
        averagePrice: holding.entryNotional / holding.quantity,
      });
    }
    return positions;
  }

  getCash(): number {
    return this.#ledger.cash;
  }

  getPortfolioValue(): number {
    return this.#ledger.portfolioValue();
  }

  drainEvents(): BrokerEvent[] {
    return this.#events.splice(0);
  }

  /** Every fill so far, oldest first, in the backtest's trade record shape. */
  getTrades(): PaperTrade[] {
    return this.#state.fills.map((fill) => ({
      orderId: fill.orderId,
      time: new Date(fill.barOpenMs).toISOString(),
      timestampMs: fill.barOpenMs,
      asset: assetKey(reviveAsset(fill.asset)),
      symbol: fill.instrument.symbol,
      side: fill.side,
      quantity: fill.quantity,
      price: fill.price,
      fee: fill.fee,
      realizedPnl: fill.realizedPnl,
      closedQuantity: fill.closedQuantity,
      multiplier: fill.instrument.multiplier,
    }));
  }

  /** Realised P&L of every fill so far, before fees. */
  getRealizedPnl(): number {
    return this.#state.fills.reduce((sum, fill) => sum + fill.realizedPnl, 0);
  }

  /**
   * Fills working orders of `bar.asset` against one closed bar and marks positions in its symbol to its
   * close. A bar opening at or before the last one processed for the asset is ignored (returns false): a
   * replayed or restarted feed can never fill an order twice.
   */
  processBar(bar: PaperBar): boolean {
    const key = assetKey(bar.asset);
    const last = this.#state.lastBarOpenMs[key];
    if (last !== undefined && bar.openTimeMs <= last) return false;
    this.#state.lastBarOpenMs[key] = bar.openTimeMs;
    const candidates: { order: WorkingState; price: number; point: number }[] = [];
    for (const order of this.#working) {
      const record = order.record;
      if (record.firstBarOpenMs > bar.openTimeMs || assetKey(this.#assets.get(record.id)!) !== key) continue;
      if (order.type === 'trailing_stop' && Number.isNaN(order.trailExtremePrice)) {
        // As in backtests, a trailing stop starts from the last close seen when it was placed.
        const lastClose = this.#state.marks[bar.symbol];
        if (lastClose !== undefined) order.trailExtremePrice = lastClose;
      }
      const slippage =
        this.#slippageTicks === 0
          ? 0
          : this.#slippageTicks * this.#instrument(bar.asset, bar.symbol).tickSize;
      const price = findFillPrice(order, bar.open, bar.high, bar.low, bar.close, slippage, this.#point);
      record.stopTriggered = order.stopTriggered;
      record.trailExtremePrice = Number.isNaN(order.trailExtremePrice) ? null : order.trailExtremePrice;
      if (Number.isNaN(price)) continue;
      candidates.push({ order, price, point: this.#point[0]! });
    }
    // Earliest path point first, then submission order: the same tie-break as the backtest's broker.
    candidates.sort((left, right) => left.point - right.point);
    for (const candidate of candidates) this.#fill(candidate.order, candidate.price, bar);
    this.#state.marks[bar.symbol] = bar.close;
    const holding = this.#ledger.holding(bar.symbol);
    if (holding !== undefined) holding.markPrice = bar.close;
    this.#save();
    return true;
  }

  /** Cancels working `day` orders submitted before `closeMs` with reason `expired` (at a session close). */
  expireDayOrders(closeMs: number): void {
    const expiring = this.#working.filter(
      (order) => order.record.timeInForce === 'day' && order.record.submittedAtMs < closeMs,
    );
    for (const order of expiring) this.#stop(order, 'canceled', 'expired');
    if (expiring.length > 0) this.#save();
  }

  #fill(order: WorkingState, price: number, bar: PaperBar): void {
    const record = order.record;
    const asset = this.#assets.get(record.id)!;
    let instrument: ResolvedInstrument;
    try {
      instrument = this.#instrument(asset, bar.symbol);
    } catch {
      this.#stop(order, 'rejected', 'rejected');
      return;
    }
    const quantity = record.quantity;
    const signed = record.side === 'buy' ? quantity : -quantity;
    const fee = computeFillFee({
      schedules: record.side === 'buy' ? this.#buyFees : this.#sellFees,
      orderType: record.type,
      quantity,
      price,
      multiplier: instrument.multiplier,
    });
    const cashDelta = this.#ledger.previewCashDelta(instrument, signed, price, fee);
    if (cashDelta < 0 && this.#ledger.cash + cashDelta < 0) {
      // Not enough cash for the margin (or the shares): rejected, as the backtest's broker does.
      this.#stop(order, 'rejected', 'rejected');
      return;
    }
    const result = this.#ledger.applyFill(instrument, signed, price, fee);
    record.status = 'filled';
    record.filledAtMs = bar.openTimeMs;
    record.filledPrice = price;
    this.#working.splice(this.#working.indexOf(order), 1);
    const fill: PaperFillState = {
      orderId: record.id,
      asset: record.asset,
      instrument: {
        symbol: instrument.symbol,
        multiplier: instrument.multiplier,
        tickSize: instrument.tickSize,
        marginPerContract: instrument.marginPerContract,
        cashSettled: instrument.cashSettled,
      },
      side: record.side,
      quantity,
      price,
      fee,
      barOpenMs: bar.openTimeMs,
      realizedPnl: result.realizedPnl,
      closedQuantity: result.closedQuantity,
    };
    this.#state.fills.push(fill);
    const holding = this.#ledger.holding(instrument.symbol)!;
    this.#events.push({
      kind: 'fill',
      order: this.#toOrder(record),
      fill: {
        orderId: record.id,
        asset,
        symbol: instrument.symbol,
        side: record.side,
        quantity,
        price,
        fee,
        timestampNanos: BigInt(bar.openTimeMs) * NANOS_PER_MS,
      },
      position:
        holding.quantity === 0
          ? undefined
          : {
              asset,
              symbol: instrument.symbol,
              quantity: holding.quantity,
              averagePrice: holding.entryNotional / holding.quantity,
            },
    });
  }

  #stop(order: WorkingState, status: 'canceled' | 'rejected', reason: CancelReason): void {
    order.record.status = status;
    order.record.cancelReason = reason;
    this.#working.splice(this.#working.indexOf(order), 1);
    this.#events.push({ kind: 'cancel', order: this.#toOrder(order.record), reason });
  }

  /** Contract terms of `symbol`: registered, then overrides by contract or root, as in backtests. */
  #instrument(asset: Asset, symbol: string): ResolvedInstrument {
    const known = this.#instruments.get(symbol);
    if (known !== undefined) return known;
    const override = this.#overrides[symbol] ?? this.#overrides[asset.symbol];
    let resolved: ResolvedInstrument;
    if (override === undefined) {
      if (asset.type !== 'stock') {
        throw new MissingInstrumentSpecError(
          `No multiplier/tick size for ${assetKey(asset)} (${symbol}). Pass instruments: { ${asset.symbol}: { multiplier, tickSize } } to the paper broker.`,
          { asset: assetKey(asset) },
        );
      }
      resolved = { symbol, multiplier: 1, tickSize: 0.01, marginPerContract: 0, cashSettled: true };
    } else if (asset.type === 'stock' || asset.type === 'option') {
      resolved = {
        symbol,
        multiplier: override.multiplier,
        tickSize: override.tickSize,
        marginPerContract: 0,
        cashSettled: true,
      };
    } else {
      resolved = {
        symbol,
        multiplier: override.multiplier,
        tickSize: override.tickSize,
        marginPerContract: override.margin ?? lookupInitialMargin(asset.symbol).margin,
        cashSettled: false,
      };
    }
    this.#instruments.set(symbol, resolved);
    return resolved;
  }

  /** The asset a symbol's position was last traded through (a continuous future for rolled contracts). */
  #heldVia(symbol: string): Asset {
    for (let index = this.#state.fills.length - 1; index >= 0; index--) {
      const fill = this.#state.fills[index]!;
      if (fill.instrument.symbol === symbol) return reviveAsset(fill.asset);
    }
    return reviveAsset({ type: 'stock', symbol });
  }

  #specOf(record: PaperOrderState): OrderSpec {
    return {
      asset: this.#assets.get(record.id)!,
      side: record.side,
      quantity: record.quantity,
      type: record.type,
      orderClass: 'simple',
      ...(record.limitPrice === undefined ? {} : { limitPrice: record.limitPrice }),
      ...(record.stopPrice === undefined ? {} : { stopPrice: record.stopPrice }),
      ...(record.trailPrice === undefined ? {} : { trailPrice: record.trailPrice }),
      ...(record.trailPercent === undefined ? {} : { trailPercent: record.trailPercent }),
      ...(record.timeInForce === undefined ? {} : { timeInForce: record.timeInForce }),
      ...(record.tag === undefined ? {} : { tag: record.tag }),
    };
  }

  #toOrder(record: PaperOrderState): Order {
    const order: { -readonly [K in keyof Order]: Order[K] } = {
      ...this.#specOf(record),
      id: record.id,
      status: record.status,
      submittedAtNanos: BigInt(record.submittedAtMs) * NANOS_PER_MS,
    };
    if (record.status === 'filled') {
      order.filledAtNanos = BigInt(record.filledAtMs!) * NANOS_PER_MS;
      order.filledPrice = record.filledPrice!;
    }
    return Object.freeze(order);
  }

  #save(): void {
    if (this.#stateFile !== undefined) writePaperBrokerState(this.#stateFile, this.#state);
  }
}

function toWorking(record: PaperOrderState): WorkingState {
  return {
    record,
    side: record.side,
    type: record.type,
    limitPrice: record.limitPrice ?? Number.NaN,
    stopPrice: record.stopPrice ?? Number.NaN,
    trailPrice: record.trailPrice ?? 0,
    trailPercent: record.trailPercent ?? 0,
    stopTriggered: record.stopTriggered,
    trailExtremePrice: record.trailExtremePrice ?? Number.NaN,
  };
}

type PlainAsset = PaperOrderState['asset'];

function plainAsset(asset: Asset): PlainAsset {
  if (asset.type === 'future') {
    return {
      type: 'future',
      symbol: asset.symbol,
      year: asset.year,
      month: asset.month,
      ...(asset.expiration === undefined ? {} : { expiration: asset.expiration }),
    };
  }
  return { ...asset };
}

function reviveAsset(plain: PlainAsset): Asset {
  if (plain.type === 'future') return Object.freeze({ ...plain, expiration: plain.expiration });
  return Object.freeze({ ...plain });
}
