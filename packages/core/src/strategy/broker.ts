import type { Fill, Order, OrderSpec, Position } from '../orders.js';
import type { CancelReason, ModifyOrderOptions } from './strategy-context.js';

/** An order was accepted and is working. */
export interface BrokerNewOrderEvent {
  readonly kind: 'new';
  readonly order: Order;
}

/** An order filled; `position` is the position in the traded instrument after the fill (undefined if flat). */
export interface BrokerFillEvent {
  readonly kind: 'fill';
  readonly order: Order;
  readonly fill: Fill;
  readonly position: Position | undefined;
}

/** An order stopped working without filling. */
export interface BrokerCancelEvent {
  readonly kind: 'cancel';
  readonly order: Order;
  readonly reason: CancelReason;
}

/** What a broker reports; an engine delivers each to the matching strategy hook. */
export type BrokerEvent = BrokerNewOrderEvent | BrokerFillEvent | BrokerCancelEvent;

/**
 * An account a strategy trades through: the simulated broker of `@lb/backtest`, or a live/paper broker.
 *
 * Contract: order ids are unique strings; `submitOrder` returns at once with the order `open` (or
 * `rejected`), and its fills arrive later as events; events are buffered until the engine drains them, in
 * the order they happened; a fill event follows the state change, so `getPositions()` inside the fill hook
 * already includes it. Quantities are positive with a side; positions are signed.
 */
export interface Broker {
  /** Identifies the implementation (`backtest`, `paper`, ...). */
  readonly brokerId: string;
  /** Accepts an order. */
  submitOrder(order: OrderSpec): Order;
  /** Cancels a working order; false when it was not working. */
  cancelOrder(orderId: string, reason?: CancelReason): boolean;
  /** Changes a working order; returns its new state, or undefined when it was not working. */
  modifyOrder(orderId: string, changes: ModifyOrderOptions): Order | undefined;
  /** The current state of an order. */
  getOrder(orderId: string): Order | undefined;
  /** Every order, in submission order. */
  getOrders(): Order[];
  /** Orders still working. */
  getOpenOrders(): Order[];
  /** Non-flat positions. */
  getPositions(): Position[];
  /** Cash available. */
  getCash(): number;
  /** Cash plus positions at their last prices. */
  getPortfolioValue(): number;
  /** Events since the last call, oldest first. */
  drainEvents(): BrokerEvent[];
}
