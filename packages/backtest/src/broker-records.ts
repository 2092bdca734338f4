import type { CancelReason, OrderSide, OrderSpec, OrderStatus, OrderType } from '@lb/core';

/** One execution in a backtest result: plain, JSON-ready data. */
export interface TradeRecord {
  readonly orderId: string;
  /** Fill time (the open of the bar it filled in), ISO 8601 UTC. */
  readonly time: string;
  readonly timestampMs: number;
  /** Asset key of the order (`continuous_future:ES`, `future:ESH2025`, `stock:AAPL`). */
  readonly asset: string;
  /** Instrument actually traded (`ESH5`, `AAPL`). */
  readonly symbol: string;
  readonly side: OrderSide;
  readonly quantity: number;
  readonly price: number;
  readonly fee: number;
  /** P&L realised by the closed part of the fill, before fees. */
  readonly realizedPnl: number;
  /** Quantity of existing lots this fill closed. */
  readonly closedQuantity: number;
  /** The order's tag; `roll` marks the two fills of an automatic futures roll. */
  readonly tag?: string;
}

/** An order in a backtest result. */
export interface OrderRecord {
  readonly id: string;
  readonly asset: string;
  readonly side: OrderSide;
  readonly quantity: number;
  readonly type: OrderType;
  readonly orderClass: OrderSpec['orderClass'];
  readonly status: OrderStatus;
  readonly submittedAt: string;
  readonly parentId?: string;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly filledAt?: string;
  readonly filledPrice?: number;
  /** Why it stopped working without filling (`canceled`, `rejected`, `expired`, `roll`, `replaced`). */
  readonly cancelReason?: CancelReason;
  readonly timeInForce?: 'day' | 'gtc';
  readonly tag?: string;
}

/** A position after a fill changed it. */
export interface PositionRecord {
  readonly time: string;
  readonly timestampMs: number;
  readonly symbol: string;
  readonly quantity: number;
  readonly averagePrice: number;
}
