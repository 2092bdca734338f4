import {
  type CancelReason,
  createOrderSpec,
  InvalidArgumentError,
  type ModifyOrderOptions,
  type Order,
  type OrderSide,
  type OrderSpec,
  type OrderStatus,
  type OrderType,
} from '@lb/core';
import type { OrderRecord } from './broker-records.js';
import type { FeedSeries } from './data-feed.js';
import type { FillModelOrder } from './fill-model.js';

const NANOS_PER_MS = 1_000_000n;

/** An order inside the simulated broker: its spec plus the mutable state the fill model reads. @internal */
export interface WorkingOrder extends FillModelOrder {
  readonly id: string;
  readonly sequence: number;
  spec: OrderSpec;
  limitPrice: number;
  stopPrice: number;
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
  cancelReason: CancelReason | undefined;
}

export interface LegSpec {
  readonly type: OrderType;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
}

/** The exit legs an order spec asks for: a take-profit limit, a stop-loss stop (or stop-limit). */
export function legsOf(spec: OrderSpec): LegSpec[] {
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

/** The immutable {@link Order} snapshot strategies see. */
export function toOrder(order: WorkingOrder): Order {
  const spec = order.spec;
  // A plain market order (the common case) is built as a literal: spreading the spec costs far more.
  const snapshot: { -readonly [K in keyof Order]: Order[K] } = isPlainMarketSpec(spec)
    ? {
        asset: spec.asset,
        side: spec.side,
        quantity: spec.quantity,
        type: spec.type,
        orderClass: spec.orderClass,
        id: order.id,
        status: order.status,
      }
    : { ...spec, id: order.id, status: order.status };
  if (order.parentId !== undefined) snapshot.parentId = order.parentId;
  snapshot.submittedAtNanos = BigInt(order.submittedAtMs) * NANOS_PER_MS;
  if (order.status === 'filled') {
    snapshot.filledAtNanos = BigInt(order.filledAtMs) * NANOS_PER_MS;
    snapshot.filledPrice = order.filledPrice;
  }
  return Object.freeze(snapshot);
}

const PLAIN_MARKET_KEYS = 5;

/** Whether `spec` has only the five fields of a plain market order (what `createOrder` makes by default). */
function isPlainMarketSpec(spec: OrderSpec): boolean {
  if (spec.type !== 'market' || spec.orderClass !== 'simple') return false;
  let keys = 0;
  for (const _key in spec) keys++;
  return keys === PLAIN_MARKET_KEYS;
}

/** The plain {@link OrderRecord} a backtest result lists. */
export function toOrderRecord(
  order: WorkingOrder,
  asset: string,
  isoTime: (timeMs: number) => string,
): OrderRecord {
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
  if (order.cancelReason !== undefined) record.cancelReason = order.cancelReason;
  if (spec.timeInForce !== undefined) record.timeInForce = spec.timeInForce;
  if (spec.tag !== undefined) record.tag = spec.tag;
  return record;
}

/**
 * The spec of working order `order` with `changes` applied, validated like a new order.
 * @throws InvalidArgumentError when a change does not fit the order type (a limit price on a market order).
 */
export function changedSpec(order: WorkingOrder, changes: ModifyOrderOptions): OrderSpec {
  const orderId = order.id;
  if (changes.limitPrice !== undefined && order.type !== 'limit' && order.type !== 'stop_limit') {
    throw new InvalidArgumentError(
      `Cannot set a limit price on ${order.type} order ${orderId}; cancel it and submit a limit order.`,
      { argument: 'limitPrice' },
    );
  }
  if (changes.stopPrice !== undefined && order.type !== 'stop' && order.type !== 'stop_limit') {
    throw new InvalidArgumentError(
      `Cannot set a stop price on ${order.type} order ${orderId}; cancel it and submit a stop order.`,
      { argument: 'stopPrice' },
    );
  }
  return createOrderSpec({
    ...order.spec,
    ...(changes.limitPrice === undefined ? {} : { limitPrice: changes.limitPrice }),
    ...(changes.stopPrice === undefined ? {} : { stopPrice: changes.stopPrice }),
    ...(changes.quantity === undefined ? {} : { quantity: changes.quantity }),
  });
}

/** The simple order a bracket, OTO or OCO leg places: the parent's asset, quantity and tag. */
export function legOrderSpec(parent: OrderSpec, side: OrderSide, leg: LegSpec): OrderSpec {
  return {
    asset: parent.asset,
    side,
    quantity: parent.quantity,
    type: leg.type,
    orderClass: 'simple',
    ...(leg.limitPrice === undefined ? {} : { limitPrice: leg.limitPrice }),
    ...(leg.stopPrice === undefined ? {} : { stopPrice: leg.stopPrice }),
    ...(parent.tag === undefined ? {} : { tag: parent.tag }),
  };
}
