import { Strategy } from '@lb/backtest';
import { continuousFuture } from '@lb/core';

const EXIT_AT_MS = Date.parse('2024-01-04T20:00:00Z');

/** Buys one continuous MES contract at the first iteration and sells it at 2024-01-04 20:00 UTC: one round trip. */
export default class RoundTripMes extends Strategy {
  override sleeptime = '15M' as const;

  override onTradingIteration(): void {
    const asset = continuousFuture('MES');
    if (this.getOpenOrders().length > 0) return;
    const held = this.getPosition(asset) !== undefined;
    const beforeExit = this.getTimestampMs() < EXIT_AT_MS;
    if (!held && beforeExit && this.getOrders().length === 0) {
      this.submitOrder(this.createOrder(asset, 1, 'buy'));
    }
    if (held && !beforeExit) this.submitOrder(this.createOrder(asset, 1, 'sell'));
  }
}

export const backtestOptions = { budget: 50_000, fees: { flatFee: 0.5 } };
