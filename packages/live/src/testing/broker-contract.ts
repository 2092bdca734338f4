import {
  type Asset,
  type Broker,
  type BrokerEvent,
  InvalidArgumentError,
  LbError,
  type OrderSpec,
} from '@lb/core';
import { afterEach, describe, expect, it } from 'vitest';

/** A broker under test plus the levers the contract needs to move its market. */
export interface BrokerContractHarness {
  readonly broker: Broker;
  /** An asset the broker can trade, with a quantity of 1 affordable from the starting cash. */
  readonly asset: Asset;
  /**
   * Makes the market trade at `price` (for a paper broker: one closed bar with open, high, low and close
   * all at `price`), and returns once the broker has reported any resulting fills.
   */
  trade(price: number): Promise<void>;
  /** Releases whatever the harness opened (files, connections). */
  close?(): Promise<void>;
}

/** Options of {@link describeBrokerContract}. */
export interface BrokerContractOptions {
  /** Shown in the test names, e.g. `PaperBroker`. */
  readonly name: string;
  /** A fresh broker with no orders and no positions, for each test. */
  readonly setup: () => BrokerContractHarness | Promise<BrokerContractHarness>;
}

const kinds = (events: readonly BrokerEvent[]) => events.map((event) => event.kind);

/**
 * The behaviour every `Broker` must show, as a vitest suite: call it at the top of a broker package's test
 * file (`describeBrokerContract({ name: 'PaperBroker', setup })`). It checks:
 * - `submitOrder` returns at once an `open` order with a unique id, listed by `getOrder`, `getOrders` and
 *   `getOpenOrders`, and reported by a `new` event;
 * - `cancelOrder` stops a working order (status `canceled`, a `cancel` event with the reason) and is
 *   idempotent: a second cancel, or a cancel of an unknown id, returns false and reports nothing;
 * - `modifyOrder` changes a working limit order's price and quantity, returns undefined for an order not
 *   working, and rejects a change that does not fit the order type with `InvalidArgumentError`;
 * - a market order fills when the market trades: a `fill` event (order `filled`, the fill's price and
 *   quantity, the position after it) that follows the state change, a signed position, cash and portfolio
 *   value that move consistently; selling it back leaves the account flat;
 * - a limit order away from the market keeps working; one the market reaches fills at its limit;
 * - bad input (non-positive quantity, a limit order without a price) throws a typed `LbError`
 *   (`InvalidArgumentError`) and leaves no order behind.
 */
export function describeBrokerContract(options: BrokerContractOptions): void {
  describe(`Broker contract: ${options.name}`, () => {
    let harness: BrokerContractHarness | undefined;
    const open = async () => {
      harness = await options.setup();
      return harness;
    };
    afterEach(async () => {
      await harness?.close?.();
      harness = undefined;
    });
    const spec = (asset: Asset, extra: Partial<OrderSpec> = {}): OrderSpec => ({
      asset,
      side: 'buy',
      quantity: 1,
      type: 'market',
      orderClass: 'simple',
      ...extra,
    });

    it('should accept an order as open with a unique id and report it', async () => {
      const { broker, asset } = await open();
      const first = broker.submitOrder(spec(asset, { type: 'limit', limitPrice: 1 }));
      const second = broker.submitOrder(spec(asset, { type: 'limit', limitPrice: 2 }));
      expect(first.status).toBe('open');
      expect(second.id).not.toBe(first.id);
      expect(broker.getOrder(first.id)?.limitPrice).toBe(1);
      expect(broker.getOrders().map((order) => order.id)).toEqual([first.id, second.id]);
      expect(broker.getOpenOrders().map((order) => order.id)).toEqual([first.id, second.id]);
      const events = broker.drainEvents();
      expect(kinds(events)).toEqual(['new', 'new']);
      expect(broker.drainEvents()).toEqual([]);
    });

    it('should cancel a working order once and report it once', async () => {
      const { broker, asset } = await open();
      const order = broker.submitOrder(spec(asset, { type: 'limit', limitPrice: 1 }));
      broker.drainEvents();
      expect(broker.cancelOrder(order.id)).toBe(true);
      expect(broker.cancelOrder(order.id)).toBe(false);
      expect(broker.cancelOrder('no-such-order')).toBe(false);
      expect(broker.getOrder(order.id)?.status).toBe('canceled');
      expect(broker.getOpenOrders()).toEqual([]);
      const events = broker.drainEvents();
      expect(kinds(events)).toEqual(['cancel']);
      expect(events[0]).toMatchObject({ kind: 'cancel', reason: 'canceled', order: { id: order.id } });
    });

    it('should modify a working limit order and refuse changes that do not fit', async () => {
      const { broker, asset } = await open();
      const order = broker.submitOrder(spec(asset, { type: 'limit', limitPrice: 1 }));
      const changed = broker.modifyOrder(order.id, { limitPrice: 1.5, quantity: 2 });
      expect(changed).toMatchObject({ id: order.id, status: 'open', limitPrice: 1.5, quantity: 2 });
      expect(broker.getOrder(order.id)).toMatchObject({ limitPrice: 1.5, quantity: 2 });
      expect(() => broker.modifyOrder(order.id, { stopPrice: 1 })).toThrow(InvalidArgumentError);
      broker.cancelOrder(order.id);
      expect(broker.modifyOrder(order.id, { limitPrice: 2 })).toBeUndefined();
    });

    it('should fill a market order when the market trades, with a position, cash and value', async () => {
      const h = await open();
      const { broker, asset } = h;
      const cashBefore = broker.getCash();
      const order = broker.submitOrder(spec(asset));
      broker.drainEvents();
      await h.trade(100);
      const events = broker.drainEvents();
      expect(kinds(events)).toEqual(['fill']);
      const fill = events[0]!;
      if (fill.kind !== 'fill') throw new Error('expected a fill');
      expect(fill.order).toMatchObject({ id: order.id, status: 'filled', filledPrice: 100 });
      expect(fill.fill).toMatchObject({ orderId: order.id, side: 'buy', quantity: 1, price: 100 });
      expect(fill.position?.quantity).toBe(1);
      expect(broker.getOrder(order.id)?.status).toBe('filled');
      expect(broker.getOpenOrders()).toEqual([]);
      expect(broker.getPositions().map((position) => position.quantity)).toEqual([1]);
      expect(broker.getCash()).toBeLessThan(cashBefore);
      // Marked at the fill price: the position is worth what was paid, fees aside.
      expect(broker.getPortfolioValue()).toBeCloseTo(cashBefore - fill.fill.fee, 9);
      broker.submitOrder(spec(asset, { side: 'sell' }));
      await h.trade(100);
      expect(broker.getPositions()).toEqual([]);
      expect(broker.getPortfolioValue()).toBeCloseTo(broker.getCash(), 9);
    });

    it('should keep a limit order working until the market reaches it, then fill at the limit', async () => {
      const h = await open();
      const { broker, asset } = h;
      const order = broker.submitOrder(spec(asset, { type: 'limit', limitPrice: 90 }));
      await h.trade(95);
      expect(broker.getOrder(order.id)?.status).toBe('open');
      await h.trade(90);
      expect(broker.getOrder(order.id)).toMatchObject({ status: 'filled', filledPrice: 90 });
    });

    it('should reject bad input with a typed error and keep no order', async () => {
      const { broker, asset } = await open();
      expect(() => broker.submitOrder(spec(asset, { quantity: -1 }))).toThrow(InvalidArgumentError);
      let caught: unknown;
      try {
        broker.submitOrder(spec(asset, { type: 'limit' }));
      } catch (error) {
        caught = error;
      }
      expect(LbError.isInstance(caught)).toBe(true);
      expect(broker.getOrders()).toEqual([]);
    });
  });
}
