import { type Bars, defineStrategy, future } from '@lb/core';

/**
 * A strategy exercising market, limit and stop orders on ESH6: it buys on two rising closes, then exits
 * with a limit above or a stop below. It records the bar opens each iteration saw (for gap checks).
 */
export const ParityStrategy = defineStrategy({
  name: 'ParityStrategy',
  sleeptime: '1M',
  market: '24/7',
  parameters: { symbol: 'ESH6' },
  async onTradingIteration() {
    const asset = future(this.parameters.symbol);
    const bars: Bars = await this.getHistoricalPrices(asset, 3, '1m');
    const seen = (this.vars.seenOpensMs as number[][] | undefined) ?? [];
    seen.push([...bars.timestampsMs]);
    this.vars.seenOpensMs = seen;
    if (bars.length < 3) return;
    const close = bars.close[2]!;
    const position = this.getPosition(asset);
    if (this.getOpenOrders().length > 0) return;
    if (position === undefined && close > bars.close[1]! && bars.close[1]! > bars.close[0]!) {
      this.submitOrder(this.createOrder(asset, 1, 'buy'));
    } else if (position !== undefined && position.quantity > 0) {
      this.submitOrder(this.createOrder(asset, 1, 'sell', { limitPrice: close + 2 }));
      this.submitOrder(this.createOrder(asset, 1, 'sell', { stopPrice: close - 1.5 }));
    }
  },
  onFilledOrder(order) {
    // The other exit leg no longer applies once one exit filled.
    if (order.side === 'sell') this.cancelOpenOrders();
  },
});
