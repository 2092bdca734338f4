import { type Bars, defineStrategy, future, type Strategy } from '@lb/core';

/** The parity rule, shared by the async and the synchronous variant. */
function act(strategy: Strategy<{ symbol: string }>, bars: Bars): void {
  const asset = future(strategy.parameters.symbol);
  const seen = (strategy.vars.seenOpensMs as number[][] | undefined) ?? [];
  seen.push([...bars.timestampsMs]);
  strategy.vars.seenOpensMs = seen;
  strategy.vars.iterations = ((strategy.vars.iterations as number | undefined) ?? 0) + 1;
  if (bars.length < 3) return;
  const close = bars.close[2]!;
  const position = strategy.getPosition(asset);
  if (strategy.getOpenOrders().length > 0) return;
  if (position === undefined && close > bars.close[1]! && bars.close[1]! > bars.close[0]!) {
    strategy.submitOrder(strategy.createOrder(asset, 1, 'buy'));
  } else if (position !== undefined && position.quantity > 0) {
    strategy.submitOrder(strategy.createOrder(asset, 1, 'sell', { limitPrice: close + 2 }));
    strategy.submitOrder(strategy.createOrder(asset, 1, 'sell', { stopPrice: close - 1.5 }));
  }
}

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
    act(this, await this.getHistoricalPrices(future(this.parameters.symbol), 3, '1m'));
  },
  onFilledOrder(order) {
    // The other exit leg no longer applies once one exit filled.
    if (order.side === 'sell') this.cancelOpenOrders();
  },
});

/**
 * {@link ParityStrategy} with a synchronous hook: it loads its series in `initialize` and reads it with
 * `getLoadedHistoricalPrices`.
 */
export const SyncParityStrategy = defineStrategy({
  name: 'SyncParityStrategy',
  sleeptime: '1M',
  market: '24/7',
  parameters: { symbol: 'ESH6' },
  async initialize() {
    await this.getHistoricalPrices(future(this.parameters.symbol), 3, '1m');
  },
  onTradingIteration() {
    act(this, this.getLoadedHistoricalPrices(future(this.parameters.symbol), 3, '1m'));
  },
  onFilledOrder(order) {
    if (order.side === 'sell') this.cancelOpenOrders();
  },
});
