import type { Asset } from '../asset.js';
import { createOrderSpec, type OrderSide, type OrderSpec, type OrderType } from '../orders.js';
import type { CreateOrderOptions } from './strategy-context.js';

const NO_OPTIONS: CreateOrderOptions = Object.freeze({});

/**
 * Builds a validated order from Lumibot-style options (see {@link CreateOrderOptions}); every engine's
 * `createOrder` is this function, so a strategy's orders mean the same in a backtest and live.
 * @throws InvalidArgumentError naming each bad field.
 */
export function createOrderFromOptions(
  asset: Asset,
  quantity: number,
  side: OrderSide,
  options: CreateOrderOptions = NO_OPTIONS,
): OrderSpec {
  if (options === NO_OPTIONS && options.type === undefined) {
    // Fast path for the most common order: a plain market order needs only these checks, and skipping the
    // schema keeps strategies that trade every few bars cheap.
    if (
      Number.isFinite(quantity) &&
      quantity > 0 &&
      (side === 'buy' || side === 'sell') &&
      typeof asset === 'object' &&
      asset !== null
    ) {
      return Object.freeze({ asset, side, quantity, type: 'market' as const, orderClass: 'simple' as const });
    }
  }
  const type: OrderType =
    options.type ??
    (options.limitPrice !== undefined && options.stopPrice !== undefined
      ? 'stop_limit'
      : options.limitPrice !== undefined
        ? 'limit'
        : options.stopPrice !== undefined
          ? 'stop'
          : options.trailPrice !== undefined || options.trailPercent !== undefined
            ? 'trailing_stop'
            : 'market');
  const hasTakeProfit = options.takeProfitPrice !== undefined;
  const hasStopLoss = options.stopLossPrice !== undefined;
  const orderClass =
    options.orderClass ??
    (hasTakeProfit && hasStopLoss ? 'bracket' : hasTakeProfit || hasStopLoss ? 'oto' : 'simple');
  return createOrderSpec({
    asset,
    side,
    quantity,
    type,
    orderClass,
    ...(options.limitPrice === undefined ? {} : { limitPrice: options.limitPrice }),
    ...(options.stopPrice === undefined ? {} : { stopPrice: options.stopPrice }),
    ...(options.trailPrice === undefined ? {} : { trailPrice: options.trailPrice }),
    ...(options.trailPercent === undefined ? {} : { trailPercent: options.trailPercent }),
    ...(hasTakeProfit ? { takeProfit: { limitPrice: options.takeProfitPrice! } } : {}),
    ...(hasStopLoss
      ? {
          stopLoss: {
            stopPrice: options.stopLossPrice!,
            ...(options.stopLossLimitPrice === undefined ? {} : { limitPrice: options.stopLossLimitPrice }),
          },
        }
      : {}),
    ...(options.timeInForce === undefined ? {} : { timeInForce: options.timeInForce }),
    ...(options.tag === undefined ? {} : { tag: options.tag }),
  });
}
