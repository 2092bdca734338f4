// Runs inside a scratch project that installed only @lb/core, @lb/dbn, @lb/dbn-files and @lb/backtest from
// their tarballs (no @lb/databento, no vitest): a user's own backtest script on the example's DBN sample.
import { backtest, Strategy } from '@lb/backtest';
import { continuousFuture } from '@lb/core';
import { createDbnFileSource } from '@lb/dbn-files';

const dataDirectory = process.argv[2];
if (dataDirectory === undefined) throw new Error('usage: node backtest.mjs <folder of DBN files>');

/** Buys one continuous MES contract at the first iteration and holds it. */
class BuyAndHoldMes extends Strategy {
  sleeptime = '15M';
  onTradingIteration() {
    const asset = continuousFuture('MES');
    if (this.getPosition(asset) === undefined && this.getOpenOrders().length === 0) {
      this.submitOrder(this.createOrder(asset, 1, 'buy'));
    }
  }
}

const result = await backtest({
  strategy: new BuyAndHoldMes(),
  dataSource: createDbnFileSource({ dir: dataDirectory }),
  start: '2024-01-03T14:30:00Z',
  end: '2024-01-05T21:00:00Z',
  budget: 50_000,
  fees: { flatFee: 0.5 },
});
const { numberOfTrades, feesPaid, startingValue } = result.stats;
if (numberOfTrades !== 1) throw new Error(`expected 1 fill, got ${numberOfTrades}`);
if (feesPaid !== 0.5) throw new Error(`expected $0.50 of fees, got ${feesPaid}`);
if (startingValue !== 50_000) throw new Error(`expected a $50,000 start, got ${startingValue}`);
console.log(
  `backtest: ${numberOfTrades} fill over ${result.iterations} iterations, no @lb/databento, no vitest: ok`,
);
