/**
 * Cash and positions of a simulated account, with FIFO lots.
 *
 * Futures are margined, not paid for: opening a lot moves its initial margin out of cash; closing it returns
 * the margin plus the realised P&L. Portfolio value is cash plus, for every open lot,
 * margin + (price - entry) x quantity x multiplier, so it moves with the mark while cash moves only on fills.
 * Stocks and options settle in cash: a buy pays quantity x price x multiplier (1 for stocks), a sell receives it.
 */

/** How one instrument is accounted for. */
export interface LedgerInstrument {
  /** The traded symbol (a contract such as `MESH5`, or a ticker). */
  readonly symbol: string;
  /** Contract multiplier (1 for stocks). */
  readonly multiplier: number;
  /** Initial margin per contract; ignored when `cashSettled`. */
  readonly marginPerContract: number;
  /** True for stocks and options: pay quantity x price x multiplier instead of posting margin. */
  readonly cashSettled: boolean;
}

/** One FIFO lot: a signed quantity opened at one price. */
export interface LedgerLot {
  quantity: number;
  readonly entryPrice: number;
  /** Margin still reserved for this lot (0 for cash-settled instruments). */
  margin: number;
}

/** Open lots and running totals of one instrument. Totals let the mark-to-market skip the lots. */
export interface LedgerHolding {
  readonly instrument: LedgerInstrument;
  readonly lots: LedgerLot[];
  /** Signed quantity: the sum of the lots. */
  quantity: number;
  /** Sum of entryPrice x quantity over the lots. */
  entryNotional: number;
  /** Sum of reserved margin over the lots. */
  margin: number;
  /** Last price used to value the holding. */
  markPrice: number;
}

/** What applying a fill did to the account. */
export interface LedgerFillResult {
  /** Change in cash, fees included. */
  readonly cashDelta: number;
  /** P&L realised by the closed part, before fees. */
  readonly realizedPnl: number;
  /** Quantity of existing lots closed (positive). */
  readonly closedQuantity: number;
}

/** Cash plus FIFO lots per instrument; see the module comment for the accounting rules. */
export class FuturesLedger {
  /** Cash balance in account currency. */
  cash: number;
  readonly #holdings = new Map<string, LedgerHolding>();
  /** Holdings in the order they were first traded, for deterministic, allocation-free iteration. */
  readonly holdings: LedgerHolding[] = [];

  constructor(initialCash: number) {
    this.cash = initialCash;
  }

  /** The holding of `symbol`, or undefined if it was never traded. */
  holding(symbol: string): LedgerHolding | undefined {
    return this.#holdings.get(symbol);
  }

  /**
   * The cash change that a fill of `signedQuantity` at `price` would cause, fees included, without applying
   * it. The broker rejects fills that would leave cash negative.
   */
  previewCashDelta(instrument: LedgerInstrument, signedQuantity: number, price: number, fee: number): number {
    return this.#apply(instrument, signedQuantity, price, fee, false).cashDelta;
  }

  /** Applies a fill (positive quantity buys, negative sells), closing lots FIFO and opening the remainder. */
  applyFill(
    instrument: LedgerInstrument,
    signedQuantity: number,
    price: number,
    fee: number,
  ): LedgerFillResult {
    const result = this.#apply(instrument, signedQuantity, price, fee, true);
    this.cash += result.cashDelta;
    return result;
  }

  /** Cash plus the value of every holding at its `markPrice`. */
  portfolioValue(): number {
    let value = this.cash;
    const holdings = this.holdings;
    for (let index = 0; index < holdings.length; index++) {
      const holding = holdings[index]!;
      if (holding.quantity === 0) continue;
      value += holdingValue(holding);
    }
    return value;
  }

  #apply(
    instrument: LedgerInstrument,
    signedQuantity: number,
    price: number,
    fee: number,
    mutate: boolean,
  ): LedgerFillResult {
    let holding = this.#holdings.get(instrument.symbol);
    if (holding === undefined && mutate) {
      holding = {
        instrument,
        lots: [],
        quantity: 0,
        entryNotional: 0,
        margin: 0,
        markPrice: price,
      };
      this.#holdings.set(instrument.symbol, holding);
      this.holdings.push(holding);
    }
    const lots = holding?.lots ?? [];
    const multiplier = instrument.multiplier;
    let remaining = signedQuantity;
    let cashDelta = -fee;
    let realizedPnl = 0;
    let closedQuantity = 0;
    // Close opposite-signed lots oldest first (FIFO); whatever is left opens a new lot, so a flip is one fill.
    let lotIndex = 0;
    while (
      remaining !== 0 &&
      lotIndex < lots.length &&
      Math.sign(lots[lotIndex]!.quantity) !== Math.sign(remaining)
    ) {
      const lot = lots[lotIndex]!;
      const closing = Math.min(Math.abs(lot.quantity), Math.abs(remaining));
      const closingSigned = Math.sign(lot.quantity) * closing;
      const fullyClosed = closing === Math.abs(lot.quantity);
      const pnl = (price - lot.entryPrice) * closingSigned * multiplier;
      const releasedMargin = (lot.margin * closing) / Math.abs(lot.quantity);
      realizedPnl += pnl;
      closedQuantity += closing;
      cashDelta += instrument.cashSettled ? closingSigned * price * multiplier : releasedMargin + pnl;
      remaining -= -closingSigned;
      if (mutate) {
        holding!.quantity -= closingSigned;
        holding!.entryNotional -= lot.entryPrice * closingSigned;
        holding!.margin -= releasedMargin;
        lot.margin -= releasedMargin;
        lot.quantity -= closingSigned;
      }
      if (fullyClosed) lotIndex++;
      else break;
    }
    if (remaining !== 0) {
      const margin = instrument.cashSettled ? 0 : Math.abs(remaining) * instrument.marginPerContract;
      cashDelta -= instrument.cashSettled ? remaining * price * multiplier : margin;
      if (mutate) {
        lots.push({ quantity: remaining, entryPrice: price, margin });
        holding!.quantity += remaining;
        holding!.entryNotional += price * remaining;
        holding!.margin += margin;
      }
    }
    if (mutate) {
      if (lotIndex > 0) lots.splice(0, lotIndex);
      // Re-derive the totals when flat so rounding residue from partial closes cannot accumulate.
      if (holding!.quantity === 0) {
        holding!.entryNotional = 0;
        holding!.margin = 0;
      }
      holding!.markPrice = price;
    }
    return { cashDelta, realizedPnl, closedQuantity };
  }
}

/** Value of one holding at its mark: margin plus open P&L for futures, quantity x price x multiplier else. */
export function holdingValue(holding: LedgerHolding): number {
  if (holding.instrument.cashSettled) {
    return holding.quantity * holding.markPrice * holding.instrument.multiplier;
  }
  return (
    holding.margin +
    (holding.markPrice * holding.quantity - holding.entryNotional) * holding.instrument.multiplier
  );
}
