import { defineStrategy, future } from '@lb/core';

const asset = future('ESH6');

/**
 * Buys one ESH6 at a time (a market order, the next only once the last filled) up to six contracts, and
 * keeps one limit buy far below the market working throughout; logs what it resumed with. For the
 * `lb trade` crash test: a resumed account must neither repeat nor lose any of that.
 */
export default defineStrategy({
  name: 'TradeCrash',
  sleeptime: '1S',
  market: '24/7',
  async initialize() {
    const working = this.getOpenOrders().map((order) => `${order.id}:${order.type}`);
    this.log(
      `resumed with position ${this.getPosition(asset)?.quantity ?? 0}, working [${working.join(' ')}]`,
    );
  },
  async onTradingIteration() {
    const open = this.getOpenOrders();
    if (!open.some((order) => order.type === 'limit')) {
      this.submitOrder(this.createOrder(asset, 1, 'buy', { type: 'limit', limitPrice: 1 }));
    }
    const held = this.getPosition(asset)?.quantity ?? 0;
    if (held < 6 && !open.some((order) => order.type === 'market')) {
      this.submitOrder(this.createOrder(asset, 1, 'buy'));
    }
  },
});

export const backtestOptions = { budget: 500_000, instruments: { ES: { multiplier: 50, tickSize: 0.25 } } };
