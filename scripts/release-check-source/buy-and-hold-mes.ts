// A user's strategy file, kept in their own project (./my-strategies/x.ts) and run with `lb backtest`.
import { Strategy } from '@lb/backtest';
import { continuousFuture } from '@lb/core';

/** Buys one continuous MES contract at the first iteration and holds it. */
export default class BuyAndHoldMes extends Strategy {
  override sleeptime = '15M' as const;

  override onTradingIteration(): void {
    const asset = continuousFuture('MES');
    if (this.getPosition(asset) === undefined && this.getOpenOrders().length === 0) {
      this.submitOrder(this.createOrder(asset, 1, 'buy'));
    }
  }
}

export const backtestOptions = { budget: 50_000, fees: { flatFee: 0.5 } };
