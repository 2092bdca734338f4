import { describe, expect, it } from 'vitest';
import { FuturesLedger, type LedgerInstrument } from './futures-ledger.js';

const GC: LedgerInstrument = {
  symbol: 'GCZ4',
  multiplier: 100,
  marginPerContract: 10_000,
  cashSettled: false,
};

describe('FuturesLedger', () => {
  it('should follow the GC reference vector through an open, a flip and a close', () => {
    const ledger = new FuturesLedger(100_000);
    ledger.applyFill(GC, 1, 2000, 0);
    expect(ledger.cash).toBe(90_000);
    const flip = ledger.applyFill(GC, -2, 2005, 0);
    expect(ledger.cash).toBe(90_500);
    expect(flip.realizedPnl).toBe(500);
    const holding = ledger.holding('GCZ4')!;
    expect(holding.lots).toEqual([{ quantity: -1, entryPrice: 2005, margin: 10_000 }]);
    expect(holding.quantity).toBe(-1);
    const close = ledger.applyFill(GC, 1, 2003, 0);
    expect(ledger.cash).toBe(100_700);
    expect(close.realizedPnl).toBe(200);
    expect(holding.quantity).toBe(0);
    expect(holding.lots).toEqual([]);
    expect(ledger.portfolioValue()).toBe(100_700);
  });

  it('should value open lots as margin plus open profit at the mark', () => {
    const ledger = new FuturesLedger(100_000);
    ledger.applyFill(GC, 1, 2000, 0);
    ledger.holding('GCZ4')!.markPrice = 1990;
    expect(ledger.portfolioValue()).toBe(90_000 + 10_000 - 1_000);
  });

  it('should close lots first in first out', () => {
    const ledger = new FuturesLedger(100_000);
    ledger.applyFill(GC, 1, 2000, 0);
    ledger.applyFill(GC, 1, 2010, 0);
    const result = ledger.applyFill(GC, -1, 2020, 0);
    expect(result.realizedPnl).toBe(2_000);
    expect(ledger.holding('GCZ4')!.lots).toEqual([{ quantity: 1, entryPrice: 2010, margin: 10_000 }]);
    expect(ledger.cash).toBe(100_000 - 20_000 + 10_000 + 2_000);
  });

  it('should preview a fill without changing the account', () => {
    const ledger = new FuturesLedger(100_000);
    expect(ledger.previewCashDelta(GC, 2, 2000, 1.5)).toBe(-20_001.5);
    expect(ledger.cash).toBe(100_000);
    expect(ledger.holding('GCZ4')).toBeUndefined();
  });

  it('should settle stocks in cash', () => {
    const stock: LedgerInstrument = {
      symbol: 'AAPL',
      multiplier: 1,
      marginPerContract: 0,
      cashSettled: true,
    };
    const ledger = new FuturesLedger(10_000);
    ledger.applyFill(stock, 10, 100, 1);
    expect(ledger.cash).toBe(8_999);
    ledger.holding('AAPL')!.markPrice = 110;
    expect(ledger.portfolioValue()).toBe(10_099);
    const result = ledger.applyFill(stock, -10, 110, 1);
    expect(result.realizedPnl).toBe(100);
    expect(ledger.cash).toBe(10_098);
  });
});

describe('FuturesLedger cash-settled instruments', () => {
  it('should pay and value options as quantity x price x multiplier', () => {
    const call: LedgerInstrument = {
      symbol: 'AAPL 2024-06-21 C 190',
      multiplier: 100,
      marginPerContract: 0,
      cashSettled: true,
    };
    const ledger = new FuturesLedger(10_000);
    ledger.applyFill(call, 2, 3.5, 1);
    expect(ledger.cash).toBe(10_000 - 700 - 1);
    ledger.holding(call.symbol)!.markPrice = 4;
    expect(ledger.portfolioValue()).toBe(9_299 + 800);
    const result = ledger.applyFill(call, -2, 4, 1);
    expect(result.realizedPnl).toBe(100);
    expect(ledger.cash).toBe(10_098);
  });
});
