import { z } from 'zod';
import type { Asset } from './asset.js';
import { InvalidArgumentError } from './errors.js';
import { formatIssues } from './validation.js';

/** Direction of an order. */
export type OrderSide = 'buy' | 'sell';

/** How an order is priced. */
export type OrderType = 'market' | 'limit' | 'stop' | 'stop_limit' | 'trailing_stop';

/**
 * How orders are linked: `bracket` (entry plus take-profit and stop-loss children, which cancel each other),
 * `oco` (one cancels the other), `oto` (one triggers the other).
 */
export type OrderClass = 'simple' | 'bracket' | 'oco' | 'oto';

/** Lifecycle of an order. `new` has not been submitted; `open` is working at the broker. */
export type OrderStatus = 'new' | 'open' | 'filled' | 'canceled' | 'rejected';

/** Take-profit leg of a bracket or OTO order. */
export interface TakeProfitSpec {
  /** Limit price of the take-profit order. */
  readonly limitPrice: number;
}

/** Stop-loss leg of a bracket or OTO order. */
export interface StopLossSpec {
  /** Trigger price of the stop-loss order. */
  readonly stopPrice: number;
  /** Limit price once triggered; absent for a stop-market stop loss. */
  readonly limitPrice?: number;
}

/** What a strategy asks for; {@link createOrderSpec} validates it. */
export interface OrderSpec {
  /** What to trade; a continuous future trades its active contract. */
  readonly asset: Asset;
  /** Buy or sell. */
  readonly side: OrderSide;
  /** Number of shares or contracts; positive. */
  readonly quantity: number;
  /** How the order is priced. */
  readonly type: OrderType;
  /** Limit price, for `limit` and `stop_limit`. */
  readonly limitPrice?: number;
  /** Trigger price, for `stop` and `stop_limit`. */
  readonly stopPrice?: number;
  /** Trailing distance in price units, for `trailing_stop`. */
  readonly trailPrice?: number;
  /** Trailing distance in percent of the best price, for `trailing_stop`. */
  readonly trailPercent?: number;
  /** How this order is linked to its children (`simple` when it is not). */
  readonly orderClass: OrderClass;
  /** Take-profit leg of a bracket, OCO or OTO order. */
  readonly takeProfit?: TakeProfitSpec;
  /** Stop-loss leg of a bracket, OCO or OTO order. */
  readonly stopLoss?: StopLossSpec;
  /** `day` expires at the session close; `gtc` (the default when absent) works until filled or canceled. */
  readonly timeInForce?: 'day' | 'gtc';
  /** Free-form label carried into fills and reports. */
  readonly tag?: string;
}

/** An order known to a broker: a spec plus its identity and state. */
export interface Order extends OrderSpec {
  /** Identifier, unique within a backtest or broker account. */
  readonly id: string;
  /** Where the order is in its lifecycle. */
  readonly status: OrderStatus;
  /** Id of the parent order for bracket/OTO children and OCO siblings' group. */
  readonly parentId?: string;
  /** When it was submitted, UTC nanoseconds. */
  readonly submittedAtNanos?: bigint;
  /** When it filled, UTC nanoseconds. */
  readonly filledAtNanos?: bigint;
  /** Average fill price, once filled. */
  readonly filledPrice?: number;
}

/** One execution. Quantities are positive; `side` gives the direction. */
export interface Fill {
  /** The order this execution belongs to. */
  readonly orderId: string;
  /** The asset as ordered (possibly a continuous future). */
  readonly asset: Asset;
  /** Contract actually traded (e.g. `ESH4` for a continuous ES position). */
  readonly symbol: string;
  /** Buy or sell. */
  readonly side: OrderSide;
  /** Quantity executed, positive. */
  readonly quantity: number;
  /** Execution price. */
  readonly price: number;
  /** Fees charged for this fill, in account currency. */
  readonly fee: number;
  /** When it executed, UTC nanoseconds since the epoch. */
  readonly timestampNanos: bigint;
}

/** A holding: signed quantity (negative for short) of one instrument. */
export interface Position {
  /** The asset as ordered (possibly a continuous future). */
  readonly asset: Asset;
  /** Contract held (e.g. `ESH4`), or the ticker for stocks. */
  readonly symbol: string;
  /** Signed quantity: negative for a short position. */
  readonly quantity: number;
  /** Quantity-weighted average entry price of the open lots. */
  readonly averagePrice: number;
}

/**
 * Fees charged per order, applied on each side (entry and exit are separate orders).
 * `flatFee` is a fixed amount per order; `percentFee` a fraction of notional (0.001 = 0.1%);
 * `perContractFee` an amount per contract.
 * `maker`/`taker` say whether the fee applies to orders that add (limit) or take (market, stop) liquidity.
 */
export interface TradingFee {
  /** Fixed amount per order, in account currency. */
  readonly flatFee: number;
  /** Fraction of notional per order (0.001 is 0.1%). */
  readonly percentFee: number;
  /** Amount per contract (or share) traded, e.g. 0.62 for a CME micro's exchange and clearing fees. */
  readonly perContractFee: number;
  /** Whether the fee applies to orders that add liquidity (limit orders). */
  readonly maker: boolean;
  /** Whether the fee applies to orders that take liquidity (market and stop orders). */
  readonly taker: boolean;
}

const tradingFeeSchema = z.strictObject({
  flatFee: z.number().finite().nonnegative().default(0),
  percentFee: z.number().finite().nonnegative().default(0),
  perContractFee: z.number().finite().nonnegative().default(0),
  maker: z.boolean().default(true),
  taker: z.boolean().default(true),
});

/**
 * Creates a fee schedule, e.g. `createTradingFee({ flatFee: 0.5 })` for $0.50 per order.
 * @throws InvalidArgumentError for negative or non-finite amounts.
 */
export function createTradingFee(input: Partial<TradingFee> = {}): TradingFee {
  const parsed = tradingFeeSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidArgumentError(`Invalid trading fee: ${formatIssues(parsed.error)}.`, {
      argument: 'fee',
      cause: parsed.error,
    });
  }
  return Object.freeze(parsed.data);
}

const positivePrice = z.number().finite().positive();

const orderSpecSchema = z
  .object({
    asset: z.custom<Asset>((value) => typeof value === 'object' && value !== null && 'type' in value, {
      error: 'asset must be an Asset (see createAsset)',
    }),
    side: z.enum(['buy', 'sell'], { error: 'side must be "buy" or "sell"' }),
    quantity: z.number().finite().positive({ error: 'quantity must be a positive number' }),
    type: z.enum(['market', 'limit', 'stop', 'stop_limit', 'trailing_stop']).default('market'),
    limitPrice: positivePrice.optional(),
    stopPrice: positivePrice.optional(),
    trailPrice: positivePrice.optional(),
    trailPercent: z.number().finite().positive().max(100).optional(),
    orderClass: z.enum(['simple', 'bracket', 'oco', 'oto']).default('simple'),
    takeProfit: z.strictObject({ limitPrice: positivePrice }).optional(),
    stopLoss: z.strictObject({ stopPrice: positivePrice, limitPrice: positivePrice.optional() }).optional(),
    timeInForce: z.enum(['day', 'gtc'], { error: 'timeInForce must be "day" or "gtc"' }).optional(),
    tag: z.string().optional(),
  })
  .superRefine((spec, context) => {
    const need = (field: keyof typeof spec, why: string) => {
      if (spec[field] === undefined) context.addIssue({ code: 'custom', path: [field], message: why });
    };
    if (spec.type === 'limit' || spec.type === 'stop_limit')
      need('limitPrice', `a ${spec.type} order needs limitPrice`);
    if (spec.type === 'stop' || spec.type === 'stop_limit')
      need('stopPrice', `a ${spec.type} order needs stopPrice`);
    if (
      spec.type === 'trailing_stop' &&
      (spec.trailPrice === undefined) === (spec.trailPercent === undefined)
    ) {
      context.addIssue({
        code: 'custom',
        path: ['trailPrice'],
        message: 'a trailing_stop order needs exactly one of trailPrice or trailPercent',
      });
    }
    if (spec.orderClass === 'bracket') {
      need('takeProfit', 'a bracket order needs takeProfit');
      need('stopLoss', 'a bracket order needs stopLoss');
    }
    if (spec.orderClass === 'oco' || spec.orderClass === 'oto') {
      if (spec.takeProfit === undefined && spec.stopLoss === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['orderClass'],
          message: `an ${spec.orderClass} order needs takeProfit and/or stopLoss legs`,
        });
      }
    }
  });

/** Input accepted by {@link createOrderSpec}: `type` defaults to `market`, `orderClass` to `simple`. */
export type OrderSpecInput = Omit<OrderSpec, 'type' | 'orderClass'> & {
  type?: OrderType;
  orderClass?: OrderClass;
};

/**
 * Validates an order request.
 * @throws InvalidArgumentError naming each bad field (a limit order without limitPrice, a negative
 * quantity, a bracket without its legs...).
 */
export function createOrderSpec(input: OrderSpecInput): OrderSpec {
  const parsed = orderSpecSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidArgumentError(`Invalid order: ${formatIssues(parsed.error)}.`, {
      argument: 'order',
      cause: parsed.error,
    });
  }
  const spec: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed.data)) if (value !== undefined) spec[key] = value;
  return Object.freeze(spec) as unknown as OrderSpec;
}
