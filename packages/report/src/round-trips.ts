import type { RunFill, RunPriceSeries } from './run-record.js';
import { lowerBound } from './search-sorted.js';

/** A position in one symbol from flat to flat (a reversal closes one round trip and opens the next). */
export interface RoundTrip {
  readonly symbol: string;
  readonly direction: 'long' | 'short';
  readonly entryTimeMs: number;
  readonly exitTimeMs: number;
  /** Quantity-weighted price of the opening fills. */
  readonly entryPrice: number;
  /** Quantity-weighted price of the closing fills. */
  readonly exitPrice: number;
  /** Largest absolute position held during the trip. */
  readonly quantity: number;
  /** P&L before fees. */
  readonly grossPnl: number;
  /** Fees of the opening and closing fills (a reversing fill's fee is split by quantity). */
  readonly fees: number;
  readonly netPnl: number;
  readonly durationMs: number;
  /**
   * Maximum adverse excursion: the worst open P&L while held, in money (<= 0), from the symbol's prices
   * in [entry, exit) (lows for a long, highs for a short) and the fill prices; null without prices.
   */
  readonly mae: number | null;
  /** Maximum favourable excursion: the best open P&L while held, in money (>= 0); null without prices. */
  readonly mfe: number | null;
  readonly entryTag: string;
  readonly exitTag: string;
}

/** Round trips and, per fill (same order as the input), whether it opened or closed exposure. */
export interface RoundTripAnalysis {
  readonly roundTrips: RoundTrip[];
  /** `'entry'` when the fill opened or added to a position, `'exit'` when it reduced or closed one. */
  readonly fillRoles: Array<'entry' | 'exit'>;
  /** Contract multiplier per symbol, as given or inferred from realised P&L (1 when unknown). */
  readonly multipliers: Record<string, number>;
}

interface Lot {
  quantity: number;
  price: number;
}

interface OpenTrip {
  direction: 'long' | 'short';
  entryTimeMs: number;
  openedQuantity: number;
  openedNotional: number;
  closedQuantity: number;
  closedNotional: number;
  maxQuantity: number;
  grossPnl: number;
  fees: number;
  entryTag: string;
}

interface SymbolState {
  position: number;
  lots: Lot[];
  trip: OpenTrip | undefined;
  multiplier: number | undefined;
}

// Quantities are counts of contracts or shares; anything smaller is float noise from fractional sizes.
const quantityEpsilon = 1e-9;

/**
 * Matches fills into round trips per symbol with FIFO lots. Gross P&L uses each fill's `realizedPnl` when
 * the engine supplied it (it knows the exact multiplier), else `(exit - entry) x quantity x multiplier`.
 * Positions still open at the end are not round trips (they have no exit). Fills must be in time order.
 */
export function computeRoundTrips(
  fills: readonly RunFill[],
  prices: Readonly<Record<string, RunPriceSeries>> = {},
): RoundTripAnalysis {
  const states = new Map<string, SymbolState>();
  const roundTrips: RoundTrip[] = [];
  const fillRoles: Array<'entry' | 'exit'> = [];

  const open = (state: SymbolState, fill: RunFill, quantity: number, fee: number) => {
    const sign = fill.side === 'buy' ? 1 : -1;
    if (state.trip === undefined) {
      state.trip = {
        direction: sign > 0 ? 'long' : 'short',
        entryTimeMs: fill.timeMs,
        openedQuantity: 0,
        openedNotional: 0,
        closedQuantity: 0,
        closedNotional: 0,
        maxQuantity: 0,
        grossPnl: 0,
        fees: 0,
        entryTag: fill.tag ?? '',
      };
    }
    const trip = state.trip;
    trip.openedQuantity += quantity;
    trip.openedNotional += quantity * fill.price;
    trip.fees += fee;
    state.lots.push({ quantity: sign * quantity, price: fill.price });
    state.position += sign * quantity;
    trip.maxQuantity = Math.max(trip.maxQuantity, Math.abs(state.position));
  };

  for (const fill of fills) {
    let state = states.get(fill.symbol);
    if (state === undefined) {
      state = { position: 0, lots: [], trip: undefined, multiplier: fill.multiplier };
      states.set(fill.symbol, state);
    }
    if (fill.multiplier !== undefined) state.multiplier = fill.multiplier;
    const sign = fill.side === 'buy' ? 1 : -1;
    const closing = Math.abs(state.position) > quantityEpsilon && Math.sign(state.position) !== sign;
    if (!closing) {
      fillRoles.push('entry');
      open(state, fill, fill.quantity, fill.fee);
      continue;
    }
    fillRoles.push('exit');
    const trip = state.trip!;
    const closeQuantity = Math.min(fill.quantity, Math.abs(state.position));
    const closeFee = fill.quantity === 0 ? 0 : (fill.fee * closeQuantity) / fill.quantity;
    let remaining = closeQuantity;
    let pointsPnl = 0;
    while (remaining > quantityEpsilon && state.lots.length > 0) {
      const lot = state.lots[0]!;
      const matched = Math.min(remaining, Math.abs(lot.quantity));
      pointsPnl += (fill.price - lot.price) * matched * Math.sign(lot.quantity);
      lot.quantity -= Math.sign(lot.quantity) * matched;
      remaining -= matched;
      if (Math.abs(lot.quantity) <= quantityEpsilon) state.lots.shift();
    }
    if (
      fill.realizedPnl !== undefined &&
      fill.realizedPnl !== 0 &&
      pointsPnl !== 0 &&
      fill.multiplier === undefined
    ) {
      state.multiplier = fill.realizedPnl / pointsPnl;
    }
    trip.grossPnl += fill.realizedPnl ?? pointsPnl * (state.multiplier ?? 1);
    trip.fees += closeFee;
    trip.closedQuantity += closeQuantity;
    trip.closedNotional += closeQuantity * fill.price;
    state.position += sign * closeQuantity;
    if (Math.abs(state.position) <= quantityEpsilon) {
      state.position = 0;
      state.lots = [];
      roundTrips.push(finishTrip(fill, trip, state.multiplier ?? 1, prices[fill.symbol]));
      state.trip = undefined;
      const reversal = fill.quantity - closeQuantity;
      if (reversal > quantityEpsilon) open(state, fill, reversal, fill.fee - closeFee);
    }
  }
  const multipliers: Record<string, number> = {};
  for (const [symbol, state] of [...states].sort(([left], [right]) => (left < right ? -1 : 1))) {
    multipliers[symbol] = state.multiplier ?? 1;
  }
  return { roundTrips, fillRoles, multipliers };
}

function finishTrip(
  exit: RunFill,
  trip: OpenTrip,
  multiplier: number,
  prices: RunPriceSeries | undefined,
): RoundTrip {
  const entryPrice = trip.openedNotional / trip.openedQuantity;
  const exitPrice = trip.closedNotional / trip.closedQuantity;
  const excursion = computeExcursions({
    direction: trip.direction,
    entryTimeMs: trip.entryTimeMs,
    exitTimeMs: exit.timeMs,
    entryPrice,
    exitPrice,
    prices,
  });
  const scale = trip.maxQuantity * multiplier;
  return {
    symbol: exit.symbol,
    direction: trip.direction,
    entryTimeMs: trip.entryTimeMs,
    exitTimeMs: exit.timeMs,
    entryPrice,
    exitPrice,
    quantity: trip.maxQuantity,
    grossPnl: trip.grossPnl,
    fees: trip.fees,
    netPnl: trip.grossPnl - trip.fees,
    durationMs: exit.timeMs - trip.entryTimeMs,
    mae: excursion === undefined ? null : excursion.adversePoints * scale,
    mfe: excursion === undefined ? null : excursion.favourablePoints * scale,
    entryTag: trip.entryTag,
    exitTag: exit.tag ?? '',
  };
}

/**
 * Worst and best price move against the average entry while held, in price points per unit (adverse <= 0,
 * favourable >= 0). Bars are stamped at their open and fills happen at a bar's open, so the bars in
 * [entry, exit) are the ones traded through; the exit price itself is included.
 */
function computeExcursions(trade: {
  direction: 'long' | 'short';
  entryTimeMs: number;
  exitTimeMs: number;
  entryPrice: number;
  exitPrice: number;
  prices: RunPriceSeries | undefined;
}): { adversePoints: number; favourablePoints: number } | undefined {
  const { prices } = trade;
  if (prices === undefined) return undefined;
  let low = Math.min(trade.entryPrice, trade.exitPrice);
  let high = Math.max(trade.entryPrice, trade.exitPrice);
  const lows = prices.lows ?? prices.values;
  const highs = prices.highs ?? prices.values;
  for (let index = lowerBound(prices.timesMs, trade.entryTimeMs); index < prices.timesMs.length; index++) {
    if (prices.timesMs[index]! >= trade.exitTimeMs) break;
    const barLow = lows[index]!;
    const barHigh = highs[index]!;
    if (Number.isFinite(barLow) && barLow < low) low = barLow;
    if (Number.isFinite(barHigh) && barHigh > high) high = barHigh;
  }
  return trade.direction === 'long'
    ? {
        adversePoints: Math.min(0, low - trade.entryPrice),
        favourablePoints: Math.max(0, high - trade.entryPrice),
      }
    : {
        adversePoints: Math.min(0, trade.entryPrice - high),
        favourablePoints: Math.max(0, trade.entryPrice - low),
      };
}
