import {
  type Asset,
  assetKey,
  type Broker,
  type BrokerEvent,
  type CancelReason,
  LbError,
  type ModifyOrderOptions,
  type Order,
  type OrderSide,
  type OrderSpec,
  type Position,
} from '@lb/core';
import type { OrderRecord, PositionRecord, TradeRecord } from './broker-records.js';
import type { FeedSeries } from './data-feed.js';
import { computeFillFee } from './fill-fee.js';
import { findFillPrice } from './fill-model.js';
import type { ResolvedInstrument } from './instruments.js';
import { IsoTimeFormatter } from './iso-time.js';
import { lowerBound } from './search-sorted.js';

const NANOS_PER_MS = 1_000_000n;

import {
  type NewWorkingOrder,
  NO_LEGS,
  type RollPositionOptions,
  type SimulatedBrokerSettings,
} from './simulated-broker-settings.js';
import {
  changedSpec,
  type LegSpec,
  legOrderSpec,
  legsOf,
  toOrder,
  toOrderRecord,
  type WorkingOrder,
} from './working-order.js';

export type { OrderRecord, PositionRecord, TradeRecord } from './broker-records.js';
export type {
  RollExitOrders,
  RollPositionOptions,
  SimulatedBrokerSettings,
} from './simulated-broker-settings.js';

/**
 * Executes orders against preloaded bars. An order submitted at T is evaluated on bars opening at or after
 * T, each bar only once it has ended (so never before the strategy could have seen it), in the open, high,
 * low, close order of the fill model. No partial fills; no bar, no fill.
 */
export class SimulatedBroker implements Broker {
  readonly brokerId = 'backtest';
  readonly #settings: SimulatedBrokerSettings;
  readonly #working: WorkingOrder[] = [];
  readonly #all: WorkingOrder[] = [];
  // Indexed by the order's sequence number (its id is that number as text): cheaper than a Map keyed by id.
  readonly #bySequence: Array<WorkingOrder | undefined> = [];
  readonly #point = new Int32Array(1);
  readonly #candidateOrders: WorkingOrder[] = [];
  readonly #candidatePrices: number[] = [];
  readonly #candidatePoints: number[] = [];
  #nextId = 1;
  // Set by submit() for an order whose id was reserved earlier; #create uses it once.
  #reservedSequence = 0;
  readonly #isoTime = new IsoTimeFormatter();
  readonly #assetKeys = new WeakMap<Asset, string>();
  /** Events since the last {@link drainEvents}. */
  readonly events: BrokerEvent[] = [];
  readonly trades: TradeRecord[] = [];
  readonly positions: PositionRecord[] = [];
  /** Series each traded symbol is marked to market with (the fill series of its last order). */
  readonly markSeries = new Map<string, FeedSeries>();
  /** The asset each traded symbol was last traded through (a continuous future for rolled contracts). */
  readonly heldVia = new Map<string, Asset>();
  feesPaid = 0;

  constructor(settings: SimulatedBrokerSettings) {
    this.#settings = settings;
  }

  /** Number of orders still working. */
  get workingCount(): number {
    return this.#working.length;
  }

  /** Takes the next order id now, for an order {@link submit}ted later with it (after its data loads). */
  reserveOrderId(): string {
    return String(this.#nextId++);
  }

  /**
   * Accepts an order at `nowMs`; `series` must be the asset's fill series. `reservedId` comes from
   * {@link reserveOrderId}.
   */
  submit(spec: OrderSpec, series: FeedSeries, nowMs: number, reservedId?: string): Order {
    this.#reservedSequence = reservedId === undefined ? 0 : Number(reservedId);
    const lastClose = series.visible > 0 ? series.bars.close[series.visible - 1]! : Number.NaN;
    const nextBarIndex = lowerBound(series.timesMs, nowMs);
    let accepted: WorkingOrder;
    if (spec.orderClass === 'oco') {
      accepted = this.#create({ spec, series, submittedAtMs: nowMs, nextBarIndex, isContainer: true });
      this.#placeLegs(accepted, spec.side, legsOf(spec), nextBarIndex, lastClose);
    } else {
      const childLegs = spec.orderClass === 'bracket' || spec.orderClass === 'oto' ? legsOf(spec) : [];
      accepted = this.#create({ spec, series, submittedAtMs: nowMs, nextBarIndex, childLegs });
      accepted.trailExtremePrice = lastClose;
    }
    const order = toOrder(accepted);
    if (this.#settings.emitNewOrderEvents) this.events.push({ kind: 'new', order });
    return order;
  }

  /**
   * {@link Broker.submitOrder}: accepts an order now. The asset's fill series must be loaded (an engine
   * loads it first; the backtest's strategy context does).
   * @throws LbError when the fill series of the asset is not loaded.
   */
  submitOrder(spec: OrderSpec): Order {
    const series = this.#settings.fillSeriesOf(spec.asset);
    if (series === undefined) {
      throw new LbError(
        `Cannot submit an order for ${assetKey(spec.asset)}: its bars are not loaded (submit through the strategy context, which loads them).`,
      );
    }
    const nowMs = this.#settings.clockMs();
    this.#settings.feed.visibleCount(series, nowMs);
    return this.submit(spec, series, nowMs);
  }

  /** Cancels a working order (and the legs of an OCO container). Returns false if it was not working. */
  cancel(orderId: string, reason: CancelReason = 'canceled'): boolean {
    const order = this.#orderById(orderId);
    if (order === undefined || order.status !== 'open') return false;
    this.#cancel(order, reason === 'rejected' ? 'rejected' : 'canceled', reason);
    if (order.isContainer) for (const leg of order.siblings ?? []) this.#cancel(leg, 'canceled', reason);
    this.#prune();
    return true;
  }

  /** {@link Broker.cancelOrder}. */
  cancelOrder(orderId: string, reason?: CancelReason): boolean {
    return this.cancel(orderId, reason);
  }

  /**
   * Changes a working order's limit price, stop price or quantity in place (its id and queue position
   * stay); returns the new state, or undefined when it is not working.
   * @throws InvalidArgumentError when the changed order is invalid (e.g. a limit price on a market order).
   */
  modifyOrder(orderId: string, changes: ModifyOrderOptions): Order | undefined {
    const order = this.#orderById(orderId);
    if (order === undefined || order.status !== 'open' || order.isContainer) return undefined;
    const changed = changedSpec(order, changes);
    order.spec = changed;
    order.limitPrice = changed.limitPrice ?? Number.NaN;
    order.stopPrice = changed.stopPrice ?? Number.NaN;
    return toOrder(order);
  }

  /** Cancels working `day` orders submitted before `closeMs`, with reason `expired`. */
  expireDayOrders(closeMs: number): void {
    const working = this.#working;
    let expired = false;
    for (let index = 0; index < working.length; index++) {
      const order = working[index]!;
      if (order.status !== 'open' || order.spec.timeInForce !== 'day' || order.submittedAtMs >= closeMs)
        continue;
      this.#cancel(order, 'canceled', 'expired');
      if (order.isContainer) for (const leg of order.siblings ?? []) this.#cancel(leg, 'canceled', 'expired');
      expired = true;
    }
    if (expired) this.#prune();
  }

  /** The current state of an order. */
  getOrder(orderId: string): Order | undefined {
    const order = this.#orderById(orderId);
    return order === undefined ? undefined : toOrder(order);
  }

  /** Every order submitted (bracket children included, OCO containers not), in submission order. */
  getOrders(): Order[] {
    const orders: Order[] = [];
    for (const order of this.#all) if (!order.isContainer) orders.push(toOrder(order));
    return orders;
  }

  /** Orders still working. */
  getOpenOrders(): Order[] {
    const orders: Order[] = [];
    for (const order of this.#working) if (!order.isContainer) orders.push(toOrder(order));
    return orders;
  }

  /** {@link Broker.getPositions}: non-flat positions, each under the asset it was traded through. */
  getPositions(): Position[] {
    const positions: Position[] = [];
    for (const holding of this.#settings.ledger.holdings) {
      if (holding.quantity === 0) continue;
      const symbol = holding.instrument.symbol;
      positions.push({
        asset: this.heldVia.get(symbol)!,
        symbol,
        quantity: holding.quantity,
        averagePrice: holding.entryNotional / holding.quantity,
      });
    }
    return positions;
  }

  /** {@link Broker.getCash}. */
  getCash(): number {
    return this.#settings.ledger.cash;
  }

  /** {@link Broker.getPortfolioValue}: at the marks of the last mark-to-market. */
  getPortfolioValue(): number {
    return this.#settings.ledger.portfolioValue();
  }

  /** {@link Broker.drainEvents}. */
  drainEvents(): BrokerEvent[] {
    return this.events.splice(0);
  }

  /** Fills working orders against every bar that has ended by `nowMs`. */
  process(nowMs: number): void {
    const working = this.#working;
    if (working.length === 0) return;
    // Each series once, in order of its first working order, found without building a list (few orders work
    // at once). Legs a fill places join the list on their parent's series, which is then already done.
    for (let index = 0; index < working.length; index++) {
      const series = working[index]!.series;
      let done = false;
      for (let earlier = 0; earlier < index && !done; earlier++) done = working[earlier]!.series === series;
      if (!done) this.#processSeries(series, this.#settings.feed.visibleCount(series, nowMs));
    }
    this.#prune();
  }

  /**
   * Fills working orders of `series` against its bars before index `endBar` only. Used at a continuous
   * future's roll: orders must meet the old contract's last bars before the position is rolled, and the new
   * contract's bars only after.
   */
  processBars(series: FeedSeries, endBar: number): void {
    if (this.#working.length === 0) return;
    this.#processSeries(series, endBar);
    this.#prune();
  }

  /** Every order ever submitted, as plain records. */
  orderRecords(): OrderRecord[] {
    const isoTime = (timeMs: number) => this.isoTime(timeMs);
    return this.#all.map((order) => toOrderRecord(order, this.#assetKeyOf(order.spec.asset), isoTime));
  }

  /** Fills working orders of `series` against its bars before index `visible`. */
  #processSeries(series: FeedSeries, visible: number): void {
    const working = this.#working;
    let first = visible;
    for (const order of working) {
      if (order.series === series && order.status === 'open' && order.nextBarIndex < first)
        first = order.nextBarIndex;
    }
    const { open, high, low, close } = series.bars;
    const slippageTicks = this.#settings.slippageTicks;
    const orders = this.#candidateOrders;
    const prices = this.#candidatePrices;
    const points = this.#candidatePoints;
    for (let bar = first; bar < visible; bar++) {
      // A count rather than `length = 0`: resetting three arrays' lengths per bar costs more than the rest.
      let candidates = 0;
      // Children placed by a fill in this bar start on the next bar, so a snapshot of the length is enough.
      const count = working.length;
      for (let index = 0; index < count; index++) {
        const order = working[index]!;
        if (
          order.series !== series ||
          order.status !== 'open' ||
          order.isContainer ||
          order.nextBarIndex > bar
        ) {
          continue;
        }
        order.nextBarIndex = bar + 1;
        const slippage =
          slippageTicks === 0 ? 0 : slippageTicks * this.#settings.instrumentAt(series, bar).tickSize;
        const price = findFillPrice(
          order,
          open[bar]!,
          high[bar]!,
          low[bar]!,
          close[bar]!,
          slippage,
          this.#point,
        );
        if (Number.isNaN(price)) continue;
        // Keep candidates ordered by path point, then submission order: the earliest touch wins an OCO race.
        const point = this.#point[0]!;
        let position = candidates;
        while (position > 0 && points[position - 1]! > point) {
          orders[position] = orders[position - 1]!;
          prices[position] = prices[position - 1]!;
          points[position] = points[position - 1]!;
          position--;
        }
        orders[position] = order;
        prices[position] = price;
        points[position] = point;
        candidates++;
      }
      for (let index = 0; index < candidates; index++) {
        const order = orders[index]!;
        if (order.status === 'open') this.#execute(order, prices[index]!, series, bar);
      }
    }
  }

  #execute(order: WorkingOrder, price: number, series: FeedSeries, bar: number): void {
    this.#fill(order, this.#settings.instrumentAt(series, bar), price, series.timesMs[bar]!, series, bar);
  }

  /**
   * Rolls a position held through a continuous series into the next contract at the roll instant: one
   * market order closes it at the old contract's last price, another reopens it at the new contract's first
   * open, both charged fees like any order (tagged `roll`). Orders still working on the series then move
   * to the new contract shifted by the roll spread (new open minus old close), or are canceled with reason
   * `roll`: left alone they would meet the new contract's bars at the old contract's prices.
   */
  roll(options: RollPositionOptions): void {
    const { heldVia, from, fromPrice, series, rollIndex, signedQuantity } = options;
    const quantity = Math.abs(signedQuantity);
    const timestampMs = series.timesMs[rollIndex]!;
    const closeSide: OrderSide = signedQuantity > 0 ? 'sell' : 'buy';
    const openSide: OrderSide = signedQuantity > 0 ? 'buy' : 'sell';
    const spec = (side: OrderSide): OrderSpec => ({
      asset: heldVia,
      side,
      quantity,
      type: 'market',
      orderClass: 'simple',
      tag: 'roll',
    });
    const closing = this.#create({
      spec: spec(closeSide),
      series,
      submittedAtMs: timestampMs,
      nextBarIndex: rollIndex,
    });
    this.#fill(closing, from, fromPrice, timestampMs, series, rollIndex);
    const opening = this.#create({
      spec: spec(openSide),
      series,
      submittedAtMs: timestampMs,
      nextBarIndex: rollIndex,
    });
    this.#fill(
      opening,
      this.#settings.instrumentAt(series, rollIndex),
      series.bars.open[rollIndex]!,
      timestampMs,
      series,
      rollIndex,
    );
    const spread = series.bars.open[rollIndex]! - fromPrice;
    for (const order of this.#working) {
      if (order.series !== series || order.status !== 'open' || order === opening) continue;
      if (this.#settings.rollExitOrders === 'cancel') {
        this.#cancel(order, 'canceled', 'roll');
        continue;
      }
      if (spread === 0 || order.type === 'market') continue;
      if (!Number.isNaN(order.limitPrice)) order.limitPrice += spread;
      if (!Number.isNaN(order.stopPrice)) order.stopPrice += spread;
      if (!Number.isNaN(order.trailExtremePrice)) order.trailExtremePrice += spread;
      if (!order.isContainer) {
        order.spec = Object.freeze({
          ...order.spec,
          ...(order.spec.limitPrice === undefined ? {} : { limitPrice: order.limitPrice }),
          ...(order.spec.stopPrice === undefined ? {} : { stopPrice: order.stopPrice }),
        });
      }
    }
    this.#prune();
  }

  #fill(
    order: WorkingOrder,
    instrument: ResolvedInstrument,
    price: number,
    timestampMs: number,
    series: FeedSeries,
    bar: number,
  ): void {
    const ledger = this.#settings.ledger;
    const quantity = order.spec.quantity;
    const signedQuantity = order.side === 'buy' ? quantity : -quantity;
    const fee = computeFillFee({
      schedules: order.side === 'buy' ? this.#settings.buyFees : this.#settings.sellFees,
      orderType: order.type,
      quantity,
      price,
      multiplier: instrument.multiplier,
    });
    // The exact preview walks the lots; skip it when even opening the whole quantity is affordable.
    const worstCaseCost =
      fee +
      quantity * (instrument.cashSettled ? price * instrument.multiplier : instrument.marginPerContract);
    const cashDelta =
      ledger.cash >= worstCaseCost ? 0 : ledger.previewCashDelta(instrument, signedQuantity, price, fee);
    if (cashDelta < 0 && ledger.cash + cashDelta < 0) {
      // Not enough cash for the margin (or the shares): a real broker rejects the order outright.
      this.#cancel(order, 'rejected', 'rejected');
      this.#cancelSiblings(order);
      return;
    }
    const result = ledger.applyFill(instrument, signedQuantity, price, fee);
    const time = this.isoTime(timestampMs);
    order.status = 'filled';
    order.filledAtMs = timestampMs;
    order.filledPrice = price;
    this.feesPaid += fee;
    const trade: TradeRecord = {
      orderId: order.id,
      time,
      timestampMs,
      asset: this.#assetKeyOf(order.spec.asset),
      symbol: instrument.symbol,
      side: order.side,
      quantity,
      price,
      fee,
      realizedPnl: result.realizedPnl,
      closedQuantity: result.closedQuantity,
    };
    if (order.spec.tag !== undefined) (trade as { tag?: string }).tag = order.spec.tag;
    this.trades.push(trade);
    const holding = ledger.holding(instrument.symbol)!;
    this.markSeries.set(instrument.symbol, series);
    this.heldVia.set(instrument.symbol, order.spec.asset);
    this.positions.push({
      time,
      timestampMs,
      symbol: instrument.symbol,
      quantity: holding.quantity,
      averagePrice: holding.quantity === 0 ? 0 : holding.entryNotional / holding.quantity,
    });
    if (this.#settings.emitFillEvents) {
      this.events.push({
        kind: 'fill',
        order: toOrder(order),
        fill: {
          orderId: order.id,
          asset: order.spec.asset,
          symbol: instrument.symbol,
          side: order.side,
          quantity,
          price,
          fee,
          timestampNanos: BigInt(timestampMs) * NANOS_PER_MS,
        },
        position:
          holding.quantity === 0
            ? undefined
            : {
                asset: order.spec.asset,
                symbol: instrument.symbol,
                quantity: holding.quantity,
                averagePrice: holding.entryNotional / holding.quantity,
              },
      });
    }
    this.#cancelSiblings(order);
    if (order.parentId !== undefined) {
      const parent = this.#orderById(order.parentId);
      if (parent?.isContainer === true && parent.status === 'open') {
        parent.status = 'filled';
        parent.filledAtMs = timestampMs;
        parent.filledPrice = price;
      }
    }
    if (order.childLegs.length > 0) {
      const exitSide: OrderSide = order.side === 'buy' ? 'sell' : 'buy';
      this.#placeLegs(order, exitSide, order.childLegs, bar + 1, series.bars.close[bar]!);
    }
  }

  #placeLegs(
    parent: WorkingOrder,
    side: OrderSide,
    legs: ReadonlyArray<LegSpec>,
    nextBarIndex: number,
    lastClose: number,
  ): void {
    const group: WorkingOrder[] = [];
    for (const leg of legs) {
      const spec = legOrderSpec(parent.spec, side, leg);
      const child = this.#create({
        spec,
        series: parent.series,
        submittedAtMs: parent.submittedAtMs,
        nextBarIndex,
        parentId: parent.id,
      });
      child.trailExtremePrice = lastClose;
      group.push(child);
    }
    if (group.length > 1) for (const child of group) child.siblings = group;
    if (parent.isContainer) parent.siblings = group;
  }

  #create(options: NewWorkingOrder): WorkingOrder {
    const { spec, series, submittedAtMs, nextBarIndex } = options;
    let sequence = this.#reservedSequence;
    if (sequence === 0) sequence = this.#nextId++;
    else this.#reservedSequence = 0;
    const order: WorkingOrder = {
      id: String(sequence),
      sequence,
      spec,
      parentId: options.parentId,
      series,
      submittedAtMs,
      isContainer: options.isContainer ?? false,
      status: 'open',
      nextBarIndex,
      siblings: undefined,
      childLegs: options.childLegs ?? NO_LEGS,
      filledAtMs: Number.NaN,
      filledPrice: Number.NaN,
      cancelReason: undefined,
      side: spec.side,
      type: spec.type,
      limitPrice: spec.limitPrice ?? Number.NaN,
      stopPrice: spec.stopPrice ?? Number.NaN,
      trailPrice: spec.trailPrice ?? 0,
      trailPercent: spec.trailPercent ?? 0,
      stopTriggered: false,
      trailExtremePrice: Number.NaN,
    };
    this.#working.push(order);
    this.#all.push(order);
    this.#bySequence[sequence] = order;
    return order;
  }

  #orderById(orderId: string): WorkingOrder | undefined {
    const order = this.#bySequence[Number(orderId)];
    // Number() also reads '1.0' or ' 1' as 1: only the exact id names the order.
    return order !== undefined && order.id === orderId ? order : undefined;
  }

  /** ISO 8601 text of an instant (see {@link IsoTimeFormatter}). */
  isoTime(timeMs: number): string {
    return this.#isoTime.format(timeMs);
  }

  #assetKeyOf(asset: Asset): string {
    let key = this.#assetKeys.get(asset);
    if (key === undefined) {
      key = assetKey(asset);
      this.#assetKeys.set(asset, key);
    }
    return key;
  }

  #cancelSiblings(order: WorkingOrder): void {
    const siblings = order.siblings;
    if (siblings === undefined) return;
    for (const sibling of siblings) {
      if (sibling !== order && sibling.status === 'open') this.#cancel(sibling, 'canceled', 'canceled');
    }
  }

  #cancel(order: WorkingOrder, status: 'canceled' | 'rejected', reason: CancelReason): void {
    order.status = status;
    order.cancelReason = reason;
    if (!order.isContainer && this.#settings.emitCancelEvents) {
      this.events.push({ kind: 'cancel', order: toOrder(order), reason });
    }
  }

  #prune(): void {
    const working = this.#working;
    let kept = 0;
    for (let index = 0; index < working.length; index++) {
      const order = working[index]!;
      if (order.status === 'open') working[kept++] = order;
    }
    working.length = kept;
  }
}
