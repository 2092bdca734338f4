import {
  type Asset,
  assetKey,
  type Fill,
  type Order,
  type OrderSide,
  type OrderSpec,
  type OrderStatus,
  type OrderType,
  type TradingFee,
} from '@lb/core';
import type { DataFeed, FeedSeries } from './data-feed.js';
import { type FillModelOrder, findFillPrice } from './fill-model.js';
import type { FuturesLedger } from './futures-ledger.js';
import type { ResolvedInstrument } from './instruments.js';

/** One execution in a backtest result: plain, JSON-ready data. */
export interface TradeRecord {
  readonly orderId: string;
  /** Fill time (the open of the bar it filled in), ISO 8601 UTC. */
  readonly time: string;
  readonly timestampMs: number;
  /** Asset key of the order (`continuous_future:ES`, `future:ESH2025`, `stock:AAPL`). */
  readonly asset: string;
  /** Instrument actually traded (`ESH5`, `AAPL`). */
  readonly symbol: string;
  readonly side: OrderSide;
  readonly quantity: number;
  readonly price: number;
  readonly fee: number;
  /** P&L realised by the closed part of the fill, before fees. */
  readonly realizedPnl: number;
  /** Quantity of existing lots this fill closed. */
  readonly closedQuantity: number;
  readonly tag?: string;
}

/** An order in a backtest result. */
export interface OrderRecord {
  readonly id: string;
  readonly asset: string;
  readonly side: OrderSide;
  readonly quantity: number;
  readonly type: OrderType;
  readonly orderClass: OrderSpec['orderClass'];
  readonly status: OrderStatus;
  readonly submittedAt: string;
  readonly parentId?: string;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly filledAt?: string;
  readonly filledPrice?: number;
  readonly tag?: string;
}

/** A position after a fill changed it. */
export interface PositionRecord {
  readonly time: string;
  readonly timestampMs: number;
  readonly symbol: string;
  readonly quantity: number;
  readonly averagePrice: number;
}

/** What the broker tells the strategy, drained by the event loop after each processing step. */
export type BrokerEvent =
  | { readonly kind: 'fill'; readonly order: Order; readonly fill: Fill }
  | { readonly kind: 'cancel'; readonly order: Order };

interface WorkingOrder extends FillModelOrder {
  readonly id: string;
  readonly sequence: number;
  readonly spec: OrderSpec;
  readonly parentId: string | undefined;
  readonly series: FeedSeries;
  readonly submittedAtMs: number;
  /** OCO legs (and the container) do not execute themselves when true. */
  readonly isContainer: boolean;
  status: OrderStatus;
  nextBarIndex: number;
  /** Other legs of the same one-cancels-other group. */
  siblings: WorkingOrder[] | undefined;
  /** Legs to place once this order fills (bracket and OTO). */
  readonly childLegs: ReadonlyArray<LegSpec>;
  filledAtMs: number;
  filledPrice: number;
}

interface LegSpec {
  readonly type: OrderType;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
}

/** Settings of a {@link SimulatedBroker}. */
export interface SimulatedBrokerSettings {
  readonly ledger: FuturesLedger;
  readonly feed: DataFeed;
  readonly fees: readonly TradingFee[];
  /** Adverse slippage on market and stop fills, in ticks. */
  readonly slippageTicks: number;
  /** Instrument of the bar at `index` of `series` (continuous series change contract at rolls). */
  readonly instrumentAt: (series: FeedSeries, index: number) => ResolvedInstrument;
  /** Build fill events (order snapshots with BigInt times); off when the strategy has no fill hook. */
  readonly emitFillEvents: boolean;
  /** Build cancel events; off when the strategy has no cancel hook. */
  readonly emitCancelEvents: boolean;
}

const NANOS_PER_MS = 1_000_000n;
const DAY_MS = 86_400_000;

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/**
 * Executes orders against preloaded bars. An order submitted at T is evaluated on bars opening at or after
 * T, each bar only once it has ended (so never before the strategy could have seen it), in the open, high,
 * low, close order of the fill model. No partial fills; no bar, no fill.
 */
export class SimulatedBroker {
  readonly #settings: SimulatedBrokerSettings;
  readonly #working: WorkingOrder[] = [];
  readonly #all: WorkingOrder[] = [];
  readonly #byId = new Map<string, WorkingOrder>();
  readonly #point = new Int32Array(1);
  readonly #candidateOrders: WorkingOrder[] = [];
  readonly #candidatePrices: number[] = [];
  readonly #candidatePoints: number[] = [];
  #nextId = 1;
  #isoTimeMs = Number.NaN;
  #isoText = '';
  #isoDayMs = Number.NaN;
  #isoDayPrefix = '';
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

  /** The next order id the broker will assign (ids are `1`, `2`, ... so runs are deterministic). */
  get nextOrderId(): number {
    return this.#nextId;
  }

  /** Accepts an order at `nowMs`; `series` must be the asset's fill series. */
  submit(spec: OrderSpec, series: FeedSeries, nowMs: number): Order {
    const lastClose = series.visible > 0 ? series.bars.close[series.visible - 1]! : Number.NaN;
    const nextBarIndex = lowerBound(series.timesMs, nowMs);
    if (spec.orderClass === 'oco') {
      const container = this.#create(spec, series, nowMs, nextBarIndex, undefined, true, spec.type, []);
      this.#placeLegs(container, spec.side, legsOf(spec), nextBarIndex, lastClose);
      return toOrder(container);
    }
    const childLegs = spec.orderClass === 'bracket' || spec.orderClass === 'oto' ? legsOf(spec) : [];
    const order = this.#create(spec, series, nowMs, nextBarIndex, undefined, false, spec.type, childLegs);
    order.trailExtremePrice = lastClose;
    return toOrder(order);
  }

  /** A mark to {@link rollback} to: orders submitted after it can be forgotten (used to re-run a hook). */
  checkpoint(): number {
    return this.#all.length;
  }

  /**
   * Forgets orders submitted since `checkpoint`. Only valid while nothing was processed in between: the event
   * loop checkpoints before a strategy hook and rolls back if the hook must run again after a data load.
   */
  rollback(checkpoint: number): void {
    while (this.#all.length > checkpoint) {
      const order = this.#all.pop()!;
      this.#byId.delete(order.id);
      this.#nextId = order.sequence;
    }
    const working = this.#working;
    let kept = 0;
    for (let index = 0; index < working.length; index++) {
      const order = working[index]!;
      if (this.#byId.get(order.id) === order) working[kept++] = order;
    }
    working.length = kept;
  }

  /** Cancels a working order (and the legs of an OCO container). Returns false if it was not working. */
  cancel(orderId: string): boolean {
    const order = this.#byId.get(orderId);
    if (order === undefined || order.status !== 'open') return false;
    this.#cancel(order, 'canceled');
    if (order.isContainer) for (const leg of order.siblings ?? []) this.#cancel(leg, 'canceled');
    this.#prune();
    return true;
  }

  /** The current state of an order. */
  getOrder(orderId: string): Order | undefined {
    const order = this.#byId.get(orderId);
    return order === undefined ? undefined : toOrder(order);
  }

  /** Orders still working. */
  getOpenOrders(): Order[] {
    return this.#working.filter((order) => !order.isContainer).map(toOrder);
  }

  /** Fills working orders against every bar that has ended by `nowMs`. */
  process(nowMs: number): void {
    const working = this.#working;
    if (working.length === 0) return;
    const seen: FeedSeries[] = [];
    for (let index = 0; index < working.length; index++) {
      const series = working[index]!.series;
      if (!seen.includes(series)) seen.push(series);
    }
    for (const series of seen) this.#processSeries(series, this.#settings.feed.visibleCount(series, nowMs));
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
      orders.length = 0;
      prices.length = 0;
      points.length = 0;
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
        let position = orders.length;
        while (position > 0 && points[position - 1]! > this.#point[0]!) position--;
        if (position === orders.length) {
          orders.push(order);
          prices.push(price);
          points.push(this.#point[0]!);
        } else {
          orders.splice(position, 0, order);
          prices.splice(position, 0, price);
          points.splice(position, 0, this.#point[0]!);
        }
      }
      for (let index = 0; index < orders.length; index++) {
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
   * open, both charged fees like any order (tagged `roll`).
   */
  roll(
    heldVia: Asset,
    from: ResolvedInstrument,
    fromPrice: number,
    series: FeedSeries,
    rollIndex: number,
    signedQuantity: number,
  ): void {
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
    const closing = this.#create(
      spec(closeSide),
      series,
      timestampMs,
      rollIndex,
      undefined,
      false,
      'market',
      [],
    );
    this.#fill(closing, from, fromPrice, timestampMs, series, rollIndex);
    const opening = this.#create(
      spec(openSide),
      series,
      timestampMs,
      rollIndex,
      undefined,
      false,
      'market',
      [],
    );
    this.#fill(
      opening,
      this.#settings.instrumentAt(series, rollIndex),
      series.bars.open[rollIndex]!,
      timestampMs,
      series,
      rollIndex,
    );
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
    const { ledger, fees } = this.#settings;
    const quantity = order.spec.quantity;
    const signedQuantity = order.side === 'buy' ? quantity : -quantity;
    const isMaker = order.type === 'limit' || order.type === 'stop_limit';
    let fee = 0;
    for (const schedule of fees) {
      if (isMaker ? !schedule.maker : !schedule.taker) continue;
      fee += schedule.flatFee + schedule.percentFee * price * quantity * instrument.multiplier;
    }
    // The exact preview walks the lots; skip it when even opening the whole quantity is affordable.
    const worstCaseCost =
      fee +
      quantity * (instrument.cashSettled ? price * instrument.multiplier : instrument.marginPerContract);
    const cashDelta =
      ledger.cash >= worstCaseCost ? 0 : ledger.previewCashDelta(instrument, signedQuantity, price, fee);
    if (cashDelta < 0 && ledger.cash + cashDelta < 0) {
      // Not enough cash for the margin (or the shares): a real broker rejects the order outright.
      this.#cancel(order, 'rejected');
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
      });
    }
    this.#cancelSiblings(order);
    if (order.parentId !== undefined) {
      const parent = this.#byId.get(order.parentId);
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
      const spec: OrderSpec = {
        asset: parent.spec.asset,
        side,
        quantity: parent.spec.quantity,
        type: leg.type,
        orderClass: 'simple',
        ...(leg.limitPrice === undefined ? {} : { limitPrice: leg.limitPrice }),
        ...(leg.stopPrice === undefined ? {} : { stopPrice: leg.stopPrice }),
        ...(parent.spec.tag === undefined ? {} : { tag: parent.spec.tag }),
      };
      const child = this.#create(
        spec,
        parent.series,
        parent.submittedAtMs,
        nextBarIndex,
        parent.id,
        false,
        leg.type,
        [],
      );
      child.trailExtremePrice = lastClose;
      group.push(child);
    }
    if (group.length > 1) for (const child of group) child.siblings = group;
    if (parent.isContainer) parent.siblings = group;
  }

  #create(
    spec: OrderSpec,
    series: FeedSeries,
    nowMs: number,
    nextBarIndex: number,
    parentId: string | undefined,
    isContainer: boolean,
    type: OrderType,
    childLegs: ReadonlyArray<LegSpec>,
  ): WorkingOrder {
    const sequence = this.#nextId++;
    const order: WorkingOrder = {
      id: String(sequence),
      sequence,
      spec,
      parentId,
      series,
      submittedAtMs: nowMs,
      isContainer,
      status: 'open',
      nextBarIndex,
      siblings: undefined,
      childLegs,
      filledAtMs: Number.NaN,
      filledPrice: Number.NaN,
      side: spec.side,
      type,
      limitPrice: spec.limitPrice ?? Number.NaN,
      stopPrice: spec.stopPrice ?? Number.NaN,
      trailPrice: spec.trailPrice ?? 0,
      trailPercent: spec.trailPercent ?? 0,
      stopTriggered: false,
      trailExtremePrice: Number.NaN,
    };
    this.#working.push(order);
    this.#all.push(order);
    this.#byId.set(order.id, order);
    return order;
  }

  /**
   * ISO 8601 text of an instant, cached for the most recent instant: a fill, the order it completes and the
   * position it changes share one timestamp, and toISOString is costly next to the rest of a fill.
   */
  isoTime(timeMs: number): string {
    if (timeMs === this.#isoTimeMs) return this.#isoText;
    this.#isoTimeMs = timeMs;
    const dayMs = timeMs - (((timeMs % DAY_MS) + DAY_MS) % DAY_MS);
    if (dayMs !== this.#isoDayMs) {
      this.#isoDayMs = dayMs;
      this.#isoDayPrefix = new Date(dayMs).toISOString().slice(0, 11);
    }
    // Same text as Date#toISOString, built from a cached date part: much cheaper for thousands of fills.
    const ofDay = timeMs - dayMs;
    this.#isoText =
      this.#isoDayPrefix +
      pad2(Math.floor(ofDay / 3_600_000)) +
      ':' +
      pad2(Math.floor(ofDay / 60_000) % 60) +
      ':' +
      pad2(Math.floor(ofDay / 1_000) % 60) +
      '.' +
      String(1000 + Math.floor(ofDay % 1_000)).slice(1) +
      'Z';
    return this.#isoText;
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
      if (sibling !== order && sibling.status === 'open') this.#cancel(sibling, 'canceled');
    }
  }

  #cancel(order: WorkingOrder, status: 'canceled' | 'rejected'): void {
    order.status = status;
    if (!order.isContainer && this.#settings.emitCancelEvents) {
      this.events.push({ kind: 'cancel', order: toOrder(order) });
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

function legsOf(spec: OrderSpec): LegSpec[] {
  const legs: LegSpec[] = [];
  if (spec.takeProfit !== undefined) legs.push({ type: 'limit', limitPrice: spec.takeProfit.limitPrice });
  if (spec.stopLoss !== undefined) {
    legs.push(
      spec.stopLoss.limitPrice === undefined
        ? { type: 'stop', stopPrice: spec.stopLoss.stopPrice }
        : { type: 'stop_limit', stopPrice: spec.stopLoss.stopPrice, limitPrice: spec.stopLoss.limitPrice },
    );
  }
  return legs;
}

/** Index of the first value >= target in a sorted array. */
function lowerBound(values: Float64Array, target: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

function toOrder(order: WorkingOrder): Order {
  const snapshot: { -readonly [K in keyof Order]: Order[K] } = {
    ...order.spec,
    id: order.id,
    status: order.status,
  };
  if (order.parentId !== undefined) snapshot.parentId = order.parentId;
  snapshot.submittedAtNanos = BigInt(order.submittedAtMs) * NANOS_PER_MS;
  if (order.status === 'filled') {
    snapshot.filledAtNanos = BigInt(order.filledAtMs) * NANOS_PER_MS;
    snapshot.filledPrice = order.filledPrice;
  }
  return Object.freeze(snapshot);
}

function toOrderRecord(order: WorkingOrder, asset: string, isoTime: (timeMs: number) => string): OrderRecord {
  const spec = order.spec;
  // Built by assignment rather than conditional spreads: thousands of orders per run add up.
  const record: { -readonly [K in keyof OrderRecord]: OrderRecord[K] } = {
    id: order.id,
    asset,
    side: spec.side,
    quantity: spec.quantity,
    type: spec.type,
    orderClass: spec.orderClass,
    status: order.status,
    submittedAt: isoTime(order.submittedAtMs),
  };
  if (order.parentId !== undefined) record.parentId = order.parentId;
  if (spec.limitPrice !== undefined) record.limitPrice = spec.limitPrice;
  if (spec.stopPrice !== undefined) record.stopPrice = spec.stopPrice;
  if (order.status === 'filled') {
    record.filledAt = isoTime(order.filledAtMs);
    record.filledPrice = order.filledPrice;
  }
  if (spec.tag !== undefined) record.tag = spec.tag;
  return record;
}
