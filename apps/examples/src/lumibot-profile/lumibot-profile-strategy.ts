import { type Asset, continuousFuture, Strategy } from '@lb/core';

/**
 * Lumibot's documented Databento profiling strategy: trade MES, ES and MNQ continuous futures one at a
 * time every 15 minutes; each iteration reads the last price and 20 one-minute bars, buys one contract
 * when flat, sells it on the next iteration, then moves on to the next instrument.
 */
export class LumibotProfileStrategy extends Strategy {
  override sleeptime = '15M' as const;
  override market = 'us_futures' as const;
  private readonly assets: readonly Asset[] = ['MES', 'ES', 'MNQ'].map((root) => continuousFuture(root));
  private turn = 0;

  override async onTradingIteration(): Promise<void> {
    const asset = this.assets[this.turn % this.assets.length]!;
    await this.getLastPrice(asset);
    await this.getHistoricalPrices(asset, 20, '1m');
    if (this.getOpenOrders().length > 0) return;
    const held = this.getPosition(asset)?.quantity ?? 0;
    if (held === 0) {
      this.submitOrder(this.createOrder(asset, 1, 'buy'));
    } else {
      this.submitOrder(this.createOrder(asset, held, 'sell'));
      this.turn++;
    }
  }
}

/** The profile's window: 2024-01-03 09:30 to 2024-01-04 16:00 New York. */
export const PROFILE_START = '2024-01-03T14:30:00Z';
export const PROFILE_END = '2024-01-04T21:00:00Z';
