import type { OrderType, TradingFee } from '@lb/core';

/** What {@link computeFillFee} needs to know about one fill. */
export interface FillFeeContext {
  /** The schedules of the fill's side (buy or sell), each charged when it applies to maker or taker fills. */
  readonly schedules: readonly TradingFee[];
  /** Limit and stop-limit orders rest on the book (maker); every other type takes liquidity (taker). */
  readonly orderType: OrderType;
  /** Contracts (or shares) filled, positive. */
  readonly quantity: number;
  /** Fill price per unit. */
  readonly price: number;
  /** Contract multiplier: a percent fee applies to the notional, price x quantity x multiplier. */
  readonly multiplier: number;
}

/**
 * The fee of one fill, the sum over the side's schedules of flat + per-contract + percent of notional. One
 * rule shared by the simulated broker and live paper brokers, so a fill costs the same in both.
 */
export function computeFillFee(context: FillFeeContext): number {
  const isMaker = context.orderType === 'limit' || context.orderType === 'stop_limit';
  let fee = 0;
  for (let index = 0; index < context.schedules.length; index++) {
    const schedule = context.schedules[index]!;
    if (isMaker ? !schedule.maker : !schedule.taker) continue;
    fee +=
      schedule.flatFee +
      schedule.perContractFee * context.quantity +
      schedule.percentFee * context.price * context.quantity * context.multiplier;
  }
  return fee;
}
