// Reads `lookback` minutes of continuous ES every ten minutes of a 14:30-15:00 UTC weekday session: core
// splits each read into dated contracts (ESH5, ESM5 around the 2025-03-11 roll), which a source with a cost
// limit approves together.
import { continuousFuture, defineStrategy } from '@lb/core';

const asset = continuousFuture('ES');

export default defineStrategy({
  name: 'ReadsEs',
  sleeptime: '10M',
  parameters: { lookback: 10 },
  initialize() {
    this.vars.closes = [];
  },
  async onTradingIteration() {
    const bars = await this.getHistoricalPrices(asset, this.parameters.lookback, '1m');
    this.vars.closes.push(bars.close.at(-1));
  },
});

export const backtestOptions = {
  calendar: {
    sessions(start, end) {
      const sessions = [];
      const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
      for (; day.getTime() < end.getTime(); day.setUTCDate(day.getUTCDate() + 1)) {
        if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
        const date = day.toISOString().slice(0, 10);
        const open = new Date(`${date}T14:30:00Z`);
        const close = new Date(`${date}T15:00:00Z`);
        if (close > start && open < end) sessions.push({ open, close });
      }
      return sessions;
    },
  },
};
