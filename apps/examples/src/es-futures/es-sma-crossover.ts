import { type Asset, continuousFuture, Strategy } from '@lb/core';

/** Parameters of {@link EsSmaCrossover}. */
export interface EsSmaCrossoverParameters {
  /** Futures root traded as a continuous future. */
  readonly root: string;
  readonly fastLength: number;
  readonly slowLength: number;
  readonly quantity: number;
}

/**
 * The seed's ES futures example as a TypeScript strategy: a fast/slow simple moving average crossover on
 * 1-minute bars of the continuous ES future, long one contract or flat. History is read through
 * `getHistoricalPrices` like Lumibot's `get_historical_prices`, so it only ever sees closed bars. It imports
 * only from `@lb/core`, so any engine (the backtester, a live engine) runs it.
 */
export class EsSmaCrossover extends Strategy<EsSmaCrossoverParameters> {
  override sleeptime = '1M' as const;
  override market = 'us_futures' as const;
  override parameters: EsSmaCrossoverParameters = { root: 'ES', fastLength: 20, slowLength: 50, quantity: 1 };
  private asset!: Asset;

  override initialize(): void {
    this.asset = continuousFuture(this.parameters.root);
  }

  override async onTradingIteration(): Promise<void> {
    const { fastLength, slowLength, quantity } = this.parameters;
    const bars = await this.getHistoricalPrices(this.asset, slowLength, '1m');
    if (bars.length < slowLength) return;
    const closes = bars.close;
    const fast = average(closes, closes.length - fastLength);
    const slow = average(closes, 0);
    const held = this.getPosition(this.asset)?.quantity ?? 0;
    const pending = this.getOpenOrders().length > 0;
    if (pending) return;
    if (fast > slow && held === 0) {
      this.submitOrder(this.createOrder(this.asset, quantity, 'buy'));
    } else if (fast < slow && held > 0) {
      this.submitOrder(this.createOrder(this.asset, held, 'sell'));
    }
  }
}

function average(values: Float64Array, from: number): number {
  let sum = 0;
  for (let index = from; index < values.length; index++) sum += values[index]!;
  return sum / (values.length - from);
}
