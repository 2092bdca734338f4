import type { OrderSide, OrderType } from '@lb/core';

/**
 * The part of a working order the fill model reads and updates. Kept as a plain mutable record so the broker
 * evaluates orders bar after bar without allocating.
 */
export interface FillModelOrder {
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly limitPrice: number;
  readonly stopPrice: number;
  readonly trailPrice: number;
  readonly trailPercent: number;
  /** Stop-limit only: the stop has been touched and the order now works as a limit. */
  stopTriggered: boolean;
  /** Trailing stop only: best price seen since activation (highest for a sell, lowest for a buy). */
  trailExtremePrice: number;
}

/** Price path points inside one bar, in the order they are assumed to trade. */
const OPEN = 0;
const HIGH = 1;
const LOW = 2;
const CLOSE = 3;

/**
 * Finds where `order` fills inside one bar. A bar's prices are assumed to trade in the order open, high,
 * low, close: an order that the open already satisfies (a gap through its price) fills at the open; one
 * touched later fills at its own price (limit, stop or trailing level). Market orders fill at the open.
 * Slippage (a price amount, not ticks) is applied adversely to market and stop-type fills, never to limits.
 *
 * Updates the order's stop-limit trigger and trailing extreme as the path is walked.
 * @returns the fill price, or NaN when the order does not fill in this bar; `pointOut[0]` receives the path
 * point (0 open .. 3 close) so the broker can order competing fills (OCO legs) inside one bar.
 */
export function findFillPrice(
  order: FillModelOrder,
  open: number,
  high: number,
  low: number,
  close: number,
  slippage: number,
  pointOut: Int32Array,
): number {
  const isBuy = order.side === 'buy';
  const adverse = isBuy ? slippage : -slippage;
  for (let point = OPEN; point <= CLOSE; point++) {
    const price = point === OPEN ? open : point === HIGH ? high : point === LOW ? low : close;
    pointOut[0] = point;
    switch (order.type) {
      case 'market':
        return open + adverse;
      case 'limit':
        if (isBuy ? price <= order.limitPrice : price >= order.limitPrice) {
          return point === OPEN ? open : order.limitPrice;
        }
        break;
      case 'stop':
        if (isBuy ? price >= order.stopPrice : price <= order.stopPrice) {
          return (point === OPEN ? open : order.stopPrice) + adverse;
        }
        break;
      case 'stop_limit': {
        if (!order.stopTriggered) {
          if (!(isBuy ? price >= order.stopPrice : price <= order.stopPrice)) break;
          order.stopTriggered = true;
          const triggerPrice = point === OPEN ? open : order.stopPrice;
          // Triggered inside the limit: fills right there; otherwise it rests as a limit for later points.
          if (isBuy ? triggerPrice <= order.limitPrice : triggerPrice >= order.limitPrice)
            return triggerPrice;
          break;
        }
        if (isBuy ? price <= order.limitPrice : price >= order.limitPrice) {
          return point === OPEN ? open : order.limitPrice;
        }
        break;
      }
      case 'trailing_stop': {
        if (Number.isNaN(order.trailExtremePrice)) order.trailExtremePrice = price;
        const extreme = order.trailExtremePrice;
        const level = trailingLevel(order, extreme);
        if (isBuy ? price >= level : price <= level) return (point === OPEN ? open : level) + adverse;
        if (isBuy ? price < extreme : price > extreme) order.trailExtremePrice = price;
        break;
      }
    }
  }
  return Number.NaN;
}

/** The stop level of a trailing stop whose best price so far is `extreme`. */
export function trailingLevel(order: FillModelOrder, extreme: number): number {
  const distance = order.trailPrice > 0 ? order.trailPrice : (extreme * order.trailPercent) / 100;
  return order.side === 'buy' ? extreme + distance : extreme - distance;
}
