import { continuousFuture, Strategy } from '@lb/core';

/** Long one continuous MES contract while the fast SMA of 5-minute closes is above the slow one. */
export default class SmaCrossMes extends Strategy<{ fast: number; slow: number }> {
  override sleeptime = '5M' as const;
  override parameters = { fast: 5, slow: 20 };

  override async onTradingIteration(): Promise<void> {
    const asset = continuousFuture('MES');
    const { fast, slow } = this.parameters;
    const close = (await this.getHistoricalPrices(asset, slow, '5m')).close;
    if (close.length < slow) return;
    const mean = (from: number) =>
      close.subarray(from).reduce((sum, value) => sum + value, 0) / (slow - from);
    const wantLong = mean(slow - fast) > mean(0);
    const long = this.getPosition(asset) !== undefined;
    if (wantLong !== long && this.getOpenOrders().length === 0) {
      this.submitOrder(this.createOrder(asset, 1, wantLong ? 'buy' : 'sell'));
    }
  }
}

export const backtestOptions = { budget: 50_000, fees: { flatFee: 0.5 } };
