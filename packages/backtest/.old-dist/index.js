// .old-src/backtest.ts
// .old-src/clock.ts
import {
  createTradingFee,
  getMarketCalendar,
  InvalidArgumentError,
  InvalidArgumentError as InvalidArgumentError3,
  InvalidSettingsError,
  listIssues,
  parseInstant,
  parseTimestep as parseTimestep2,
} from '@lb/core';
import { z } from 'zod';

var SLEEPTIME_UNIT_MS = { s: 1e3, m: 6e4, h: 36e5, d: 864e5 };
function parseSleeptime(sleeptime) {
  if (typeof sleeptime === 'number') {
    if (Number.isFinite(sleeptime) && sleeptime > 0) return Math.round(sleeptime * 6e4);
  } else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$/i.exec(sleeptime);
    if (match !== null) {
      const milliseconds = Number(match[1]) * SLEEPTIME_UNIT_MS[match[2].toLowerCase()];
      if (milliseconds >= 1e3) return Math.round(milliseconds);
    }
  }
  throw new InvalidArgumentError(
    `Invalid sleeptime ${JSON.stringify(sleeptime)}: use a positive number of minutes or a string such as "1M", "15M", "1H", "1D" (S, M, H, D units).`,
    { argument: 'sleeptime' },
  );
}
function buildIterationSchedule(calendar, startMs, endMs, sleeptimeMs) {
  const sessions = calendar.sessions(new Date(startMs), new Date(endMs));
  const opens = [];
  const closes = [];
  const firstTimes = [];
  const firsts = [];
  let count = 0;
  for (const session of sessions) {
    const openMs = session.open.getTime();
    const closeMs = Math.min(session.close.getTime(), endMs);
    const skippedSteps = startMs > openMs ? Math.ceil((startMs - openMs) / sleeptimeMs) : 0;
    const firstMs = openMs + skippedSteps * sleeptimeMs;
    if (firstMs >= closeMs) continue;
    opens.push(openMs);
    closes.push(closeMs);
    firstTimes.push(firstMs);
    firsts.push(count);
    count += Math.ceil((closeMs - firstMs) / sleeptimeMs);
  }
  firsts.push(count);
  const times = new Float64Array(count);
  for (let session = 0; session < opens.length; session++) {
    const firstMs = firstTimes[session];
    const last = firsts[session + 1];
    for (let index = firsts[session]; index < last; index++) {
      times[index] = firstMs + (index - firsts[session]) * sleeptimeMs;
    }
  }
  return {
    timesMs: times,
    sessionOpenMs: Float64Array.from(opens),
    sessionCloseMs: Float64Array.from(closes),
    sessionFirstIteration: Int32Array.from(firsts),
  };
}

// .old-src/event-loop.ts
// .old-src/data-feed.ts
// .old-src/bars-window.ts
import {
  assetKey,
  Bars,
  contractAsset,
  createOrderSpec,
  fetchBars,
  InvalidArgumentError as InvalidArgumentError2,
  parseTimestep,
  rollSchedule,
} from '@lb/core';

var BarsWindow = class {
  #source;
  #from;
  #to;
  #tsEventNanos;
  #open;
  #high;
  #low;
  #close;
  #volume;
  #timestampsMs;
  #metadata;
  constructor(source, from, to) {
    this.#source = source;
    this.#from = from;
    this.#to = to;
  }
  get length() {
    return this.#to - this.#from;
  }
  get tsEventNanos() {
    this.#tsEventNanos ??= new BigInt64Array(
      this.#source.tsEventNanos.buffer,
      this.#source.tsEventNanos.byteOffset + this.#from * 8,
      this.#to - this.#from,
    );
    return this.#tsEventNanos;
  }
  get open() {
    this.#open ??= view(this.#source.open, this.#from, this.#to);
    return this.#open;
  }
  get high() {
    this.#high ??= view(this.#source.high, this.#from, this.#to);
    return this.#high;
  }
  get low() {
    this.#low ??= view(this.#source.low, this.#from, this.#to);
    return this.#low;
  }
  get close() {
    this.#close ??= view(this.#source.close, this.#from, this.#to);
    return this.#close;
  }
  get volume() {
    this.#volume ??= view(this.#source.volume, this.#from, this.#to);
    return this.#volume;
  }
  get timestampsMs() {
    this.#timestampsMs ??= view(this.#source.timestampsMs, this.#from, this.#to);
    return this.#timestampsMs;
  }
  get metadata() {
    this.#metadata ??=
      this.#source.metadata.segments === void 0
        ? this.#source.metadata
        : this.#source.slice(this.#from, this.#to).metadata;
    return this.#metadata;
  }
  slice(start = 0, end = this.length) {
    const length = this.length;
    const from = start < 0 ? Math.max(0, length + start) : Math.min(start, length);
    const to = Math.max(from, end < 0 ? Math.max(0, length + end) : Math.min(end, length));
    return createBarsWindow(this.#source, this.#from + from, this.#from + to);
  }
  toJSON() {
    return this.#source.slice(this.#from, this.#to);
  }
};
Object.setPrototypeOf(BarsWindow.prototype, Bars.prototype);
function view(column, from, to) {
  return new Float64Array(column.buffer, column.byteOffset + from * 8, to - from);
}
function createBarsWindow(source, from, to) {
  return new BarsWindow(source, from, to);
}

// .old-src/data-feed.ts
var MIN_LOOKBACK_BARS = 250;
var DataNotLoadedSignal = class extends Error {
  constructor(load) {
    super('Data not loaded yet (internal signal of @lb/backtest; it should never escape the event loop).');
    this.load = load;
    this.name = 'DataNotLoadedSignal';
  }
  load;
};
var DataFeed = class {
  #settings;
  #byKey = /* @__PURE__ */ new Map();
  // Fast path: strategies pass the same asset object and timestep string every iteration.
  #byAssetObject = /* @__PURE__ */ new WeakMap();
  /** Number of `doFetchBars` calls made, for tests and reports. */
  fetchCount = 0;
  constructor(settings) {
    this.#settings = settings;
  }
  /**
   * The series of `asset` at `timestep`, holding at least `lookbackBars` bars of warm-up.
   * @throws DataNotLoadedSignal when it must be (re)loaded first.
   */
  series(asset, timestep, lookbackBars, options) {
    const cacheKey = typeof timestep === 'string' ? timestep : timestep.label;
    const cached = this.#byAssetObject.get(asset)?.get(cacheKey);
    if (cached !== void 0 && cached.lookbackBars >= lookbackBars) return cached;
    const parsed = parseTimestep(timestep);
    const key = `${assetKey(asset)}|${parsed.label}`;
    const loaded = this.#byKey.get(key);
    if (loaded !== void 0 && loaded.lookbackBars >= lookbackBars) {
      let perAsset = this.#byAssetObject.get(asset);
      if (perAsset === void 0) {
        perAsset = /* @__PURE__ */ new Map();
        this.#byAssetObject.set(asset, perAsset);
      }
      perAsset.set(cacheKey, loaded);
      return loaded;
    }
    const lookback = Math.max(lookbackBars * 2, (loaded?.lookbackBars ?? 0) * 2, MIN_LOOKBACK_BARS);
    throw new DataNotLoadedSignal(() => this.load(asset, parsed, lookback, key, options));
  }
  /** Number of bars of `series` whose interval has ended by `nowMs` (the no-lookahead guard). */
  visibleCount(series, nowMs) {
    const times = series.timesMs;
    const duration = series.durationMs;
    const length = times.length;
    let visible = series.visible;
    while (visible < length && times[visible] + duration <= nowMs) visible++;
    series.visible = visible;
    return visible;
  }
  /** The last `length` bars completed by `nowMs`, as a lazy view. */
  window(series, length, nowMs) {
    const visible = this.visibleCount(series, nowMs);
    return createBarsWindow(series.bars, visible > length ? visible - length : 0, visible);
  }
  /** Every loaded series, in load order. */
  loadedSeries() {
    return [...this.#byKey.values()];
  }
  /**
   * Fetches `asset` at `timestep` over the whole backtest plus a warm-up of `lookbackBars`. The venue hint
   * and cache bypass of the request that triggered the load apply to the whole series.
   */
  async load(asset, timestep, lookbackBars, key, options) {
    const { dataSource, startMs, endMs, signal } = this.#settings;
    const fetchStartMs = startMs - lookbackBars * timestep.durationMs * 2 - 10 * 864e5;
    this.fetchCount++;
    const bars = await fetchBars(
      dataSource,
      {
        asset,
        timestep,
        start: new Date(fetchStartMs),
        end: new Date(endMs),
        ...(options?.exchange === void 0 ? {} : { exchange: options.exchange }),
        ...(options?.forceCacheUpdate === void 0 ? {} : { forceCacheUpdate: options.forceCacheUpdate }),
      },
      signal === void 0 ? {} : { signal },
    );
    const series = {
      asset,
      timestep,
      bars,
      timesMs: bars.timestampsMs,
      durationMs: timestep.durationMs,
      visible: 0,
      lookbackBars,
    };
    this.#byKey.set(key, series);
    this.#byAssetObject.delete(asset);
  }
};

// .old-src/futures-ledger.ts
var FuturesLedger = class {
  /** Cash balance in account currency. */
  cash;
  #holdings = /* @__PURE__ */ new Map();
  /** Holdings in the order they were first traded, for deterministic, allocation-free iteration. */
  holdings = [];
  constructor(initialCash) {
    this.cash = initialCash;
  }
  /** The holding of `symbol`, or undefined if it was never traded. */
  holding(symbol) {
    return this.#holdings.get(symbol);
  }
  /**
   * The cash change that a fill of `signedQuantity` at `price` would cause, fees included, without applying
   * it. The broker rejects fills that would leave cash negative.
   */
  previewCashDelta(instrument, signedQuantity, price, fee) {
    return this.#apply(instrument, signedQuantity, price, fee, false).cashDelta;
  }
  /** Applies a fill (positive quantity buys, negative sells), closing lots FIFO and opening the remainder. */
  applyFill(instrument, signedQuantity, price, fee) {
    const result = this.#apply(instrument, signedQuantity, price, fee, true);
    this.cash += result.cashDelta;
    return result;
  }
  /** Cash plus the value of every holding at its `markPrice`. */
  portfolioValue() {
    let value = this.cash;
    const holdings = this.holdings;
    for (let index = 0; index < holdings.length; index++) {
      const holding = holdings[index];
      if (holding.quantity === 0) continue;
      value += holdingValue(holding);
    }
    return value;
  }
  #apply(instrument, signedQuantity, price, fee, mutate) {
    let holding = this.#holdings.get(instrument.symbol);
    if (holding === void 0 && mutate) {
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
    let lotIndex = 0;
    while (
      remaining !== 0 &&
      lotIndex < lots.length &&
      Math.sign(lots[lotIndex].quantity) !== Math.sign(remaining)
    ) {
      const lot = lots[lotIndex];
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
        holding.quantity -= closingSigned;
        holding.entryNotional -= lot.entryPrice * closingSigned;
        holding.margin -= releasedMargin;
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
        holding.quantity += remaining;
        holding.entryNotional += price * remaining;
        holding.margin += margin;
      }
    }
    if (mutate) {
      if (lotIndex > 0) lots.splice(0, lotIndex);
      if (holding.quantity === 0) {
        holding.entryNotional = 0;
        holding.margin = 0;
      }
      holding.markPrice = price;
    }
    return { cashDelta, realizedPnl, closedQuantity };
  }
};
function holdingValue(holding) {
  if (holding.instrument.cashSettled) {
    return holding.quantity * holding.markPrice * holding.instrument.multiplier;
  }
  return (
    holding.margin +
    (holding.markPrice * holding.quantity - holding.entryNotional) * holding.instrument.multiplier
  );
}

// .old-src/instruments.ts
// .old-src/errors.ts
import { assetKey as assetKey2, formatContractSymbol, LbError } from '@lb/core';

var missingInstrumentMarker = /* @__PURE__ */ Symbol.for('lb.error.MissingInstrumentSpecError');
function hasMarker(error, marker) {
  return typeof error === 'object' && error !== null && error[marker] === true;
}
var MissingInstrumentSpecError = class extends LbError {
  [missingInstrumentMarker] = true;
  /** The asset key (`future:MESH2025`, `continuous_future:MES`). */
  asset;
  constructor(message, options) {
    super(message, options);
    this.name = 'MissingInstrumentSpecError';
    this.asset = options.asset;
  }
  static isInstance(error) {
    return hasMarker(error, missingInstrumentMarker);
  }
};

// .old-src/margin-table.ts
var DEFAULT_INITIAL_MARGINS = Object.freeze({
  MES: 1300,
  ES: 13e3,
  MNQ: 1700,
  NQ: 17e3,
  MYM: 1100,
  YM: 11e3,
  M2K: 800,
  RTY: 8e3,
  MGC: 1200,
  GC: 1e4,
  SI: 14e3,
  CL: 8e3,
});
var FALLBACK_INITIAL_MARGIN = 5e3;
function lookupInitialMargin(root) {
  const margin = DEFAULT_INITIAL_MARGINS[root.toUpperCase()];
  return margin === void 0
    ? { margin: FALLBACK_INITIAL_MARGIN, isFallback: true }
    : { margin, isFallback: false };
}

// .old-src/instruments.ts
function tradedSymbol(asset) {
  if (asset.type === 'future') return formatContractSymbol(asset.symbol, asset.year, asset.month, 1);
  if (asset.type === 'option') {
    return `${asset.symbol} ${asset.expiration} ${asset.right === 'call' ? 'C' : 'P'} ${asset.strike}`;
  }
  return asset.symbol;
}
async function resolveInstrument(asset, symbol, overrides, dataSource, at, warn, signal) {
  const override = overrides[symbol] ?? overrides[asset.symbol];
  if (asset.type === 'stock' && override === void 0) {
    return { symbol, multiplier: 1, tickSize: 0.01, marginPerContract: 0, cashSettled: true };
  }
  let multiplier = override?.multiplier;
  let tickSize = override?.tickSize;
  if (multiplier === void 0 || tickSize === void 0) {
    let cause;
    let problem = ' did not provide an instrument spec';
    if (dataSource.doFetchInstrument !== void 0 && dataSource.capabilities.instruments) {
      try {
        const spec = await dataSource.doFetchInstrument({ asset, at }, signal === void 0 ? {} : { signal });
        if (isPositiveNumber(spec.multiplier) && isPositiveNumber(spec.tickSize)) {
          multiplier = spec.multiplier;
          tickSize = spec.tickSize;
        } else {
          problem = ` returned an unusable spec (multiplier ${String(spec.multiplier)}, tick size ${String(spec.tickSize)})`;
        }
      } catch (error) {
        cause = error;
      }
    }
    if (multiplier === void 0 || tickSize === void 0) {
      throw new MissingInstrumentSpecError(
        `No multiplier/tick size for ${assetKey2(asset)} (${symbol}): source "${dataSource.sourceId}"${problem}. Pass it in the backtest options, e.g. instruments: { ${asset.symbol}: { multiplier: 5, tickSize: 0.25 } }.`,
        { asset: assetKey2(asset), cause },
      );
    }
  }
  if (asset.type === 'stock' || asset.type === 'option') {
    return { symbol, multiplier, tickSize, marginPerContract: 0, cashSettled: true };
  }
  let margin = override?.margin;
  if (margin === void 0) {
    const found = lookupInitialMargin(asset.symbol);
    if (found.isFallback) {
      warn(
        `No default initial margin for root ${asset.symbol}; using ${found.margin} per contract. Set instruments.${asset.symbol}.margin to override.`,
      );
    }
    margin = found.margin;
  }
  return { symbol, multiplier, tickSize, marginPerContract: margin, cashSettled: false };
}
function isPositiveNumber(value) {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

// .old-src/simulated-broker.ts
import { assetKey as assetKey3 } from '@lb/core';

// .old-src/fill-model.ts
var OPEN = 0;
var HIGH = 1;
var LOW = 2;
var CLOSE = 3;
function findFillPrice(order, open, high, low, close, slippage, pointOut) {
  const isBuy = order.side === 'buy';
  const adverse = isBuy ? slippage : -slippage;
  for (let point = OPEN; point <= CLOSE; point++) {
    const price = point === OPEN ? open : point === HIGH ? high : point === LOW ? low : close;
    pointOut[0] = point;
    switch (order.type) {
      case 'market':
        return open + adverse;
      case 'limit':
        if (isBuy ? price <= order.limitPrice : price >= order.limitPrice) {
          return point === OPEN ? open : order.limitPrice;
        }
        break;
      case 'stop':
        if (isBuy ? price >= order.stopPrice : price <= order.stopPrice) {
          return (point === OPEN ? open : order.stopPrice) + adverse;
        }
        break;
      case 'stop_limit': {
        if (!order.stopTriggered) {
          if (!(isBuy ? price >= order.stopPrice : price <= order.stopPrice)) break;
          order.stopTriggered = true;
          const triggerPrice = point === OPEN ? open : order.stopPrice;
          if (isBuy ? triggerPrice <= order.limitPrice : triggerPrice >= order.limitPrice)
            return triggerPrice;
          break;
        }
        if (isBuy ? price <= order.limitPrice : price >= order.limitPrice) {
          return point === OPEN ? open : order.limitPrice;
        }
        break;
      }
      case 'trailing_stop': {
        if (Number.isNaN(order.trailExtremePrice)) order.trailExtremePrice = price;
        const extreme = order.trailExtremePrice;
        const level = trailingLevel(order, extreme);
        if (isBuy ? price >= level : price <= level) return (point === OPEN ? open : level) + adverse;
        if (isBuy ? price < extreme : price > extreme) order.trailExtremePrice = price;
        break;
      }
    }
  }
  return Number.NaN;
}
function trailingLevel(order, extreme) {
  const distance = order.trailPrice > 0 ? order.trailPrice : (extreme * order.trailPercent) / 100;
  return order.side === 'buy' ? extreme + distance : extreme - distance;
}

// .old-src/simulated-broker.ts
var NANOS_PER_MS = 1000000n;
var DAY_MS = 864e5;
function pad2(value) {
  return value < 10 ? `0${value}` : String(value);
}
var SimulatedBroker = class {
  #settings;
  #working = [];
  #all = [];
  #byId = /* @__PURE__ */ new Map();
  #point = new Int32Array(1);
  #candidateOrders = [];
  #candidatePrices = [];
  #candidatePoints = [];
  #nextId = 1;
  #isoTimeMs = Number.NaN;
  #isoText = '';
  #isoDayMs = Number.NaN;
  #isoDayPrefix = '';
  #assetKeys = /* @__PURE__ */ new WeakMap();
  /** Events since the last {@link drainEvents}. */
  events = [];
  trades = [];
  positions = [];
  /** Series each traded symbol is marked to market with (the fill series of its last order). */
  markSeries = /* @__PURE__ */ new Map();
  /** The asset each traded symbol was last traded through (a continuous future for rolled contracts). */
  heldVia = /* @__PURE__ */ new Map();
  feesPaid = 0;
  constructor(settings) {
    this.#settings = settings;
  }
  /** Number of orders still working. */
  get workingCount() {
    return this.#working.length;
  }
  /** The next order id the broker will assign (ids are `1`, `2`, ... so runs are deterministic). */
  get nextOrderId() {
    return this.#nextId;
  }
  /** Accepts an order at `nowMs`; `series` must be the asset's fill series. */
  submit(spec, series, nowMs) {
    const lastClose = series.visible > 0 ? series.bars.close[series.visible - 1] : Number.NaN;
    const nextBarIndex = lowerBound(series.timesMs, nowMs);
    if (spec.orderClass === 'oco') {
      const container = this.#create(spec, series, nowMs, nextBarIndex, void 0, true, spec.type, []);
      this.#placeLegs(container, spec.side, legsOf(spec), nextBarIndex, lastClose);
      return toOrder(container);
    }
    const childLegs = spec.orderClass === 'bracket' || spec.orderClass === 'oto' ? legsOf(spec) : [];
    const order = this.#create(spec, series, nowMs, nextBarIndex, void 0, false, spec.type, childLegs);
    order.trailExtremePrice = lastClose;
    return toOrder(order);
  }
  /** A mark to {@link rollback} to: orders submitted after it can be forgotten (used to re-run a hook). */
  checkpoint() {
    return this.#all.length;
  }
  /**
   * Forgets orders submitted since `checkpoint`. Only valid while nothing was processed in between: the event
   * loop checkpoints before a strategy hook and rolls back if the hook must run again after a data load.
   */
  rollback(checkpoint) {
    while (this.#all.length > checkpoint) {
      const order = this.#all.pop();
      this.#byId.delete(order.id);
      this.#nextId = order.sequence;
    }
    const working = this.#working;
    let kept = 0;
    for (let index = 0; index < working.length; index++) {
      const order = working[index];
      if (this.#byId.get(order.id) === order) working[kept++] = order;
    }
    working.length = kept;
  }
  /** Cancels a working order (and the legs of an OCO container). Returns false if it was not working. */
  cancel(orderId) {
    const order = this.#byId.get(orderId);
    if (order === void 0 || order.status !== 'open') return false;
    this.#cancel(order, 'canceled');
    if (order.isContainer) for (const leg of order.siblings ?? []) this.#cancel(leg, 'canceled');
    this.#prune();
    return true;
  }
  /** The current state of an order. */
  getOrder(orderId) {
    const order = this.#byId.get(orderId);
    return order === void 0 ? void 0 : toOrder(order);
  }
  /** Orders still working. */
  getOpenOrders() {
    return this.#working.filter((order) => !order.isContainer).map(toOrder);
  }
  /** Fills working orders against every bar that has ended by `nowMs`. */
  process(nowMs) {
    const working = this.#working;
    if (working.length === 0) return;
    const seen = [];
    for (let index = 0; index < working.length; index++) {
      const series = working[index].series;
      if (!seen.includes(series)) seen.push(series);
    }
    for (const series of seen) this.#processSeries(series, this.#settings.feed.visibleCount(series, nowMs));
    this.#prune();
  }
  /**
   * Fills working orders of `series` against its bars before index `endBar` only. Used at a continuous
   * future's roll: orders must meet the old contract's last bars before the position is rolled, and the new
   * contract's bars only after.
   */
  processBars(series, endBar) {
    if (this.#working.length === 0) return;
    this.#processSeries(series, endBar);
    this.#prune();
  }
  /** Every order ever submitted, as plain records. */
  orderRecords() {
    const isoTime = (timeMs) => this.isoTime(timeMs);
    return this.#all.map((order) => toOrderRecord(order, this.#assetKeyOf(order.spec.asset), isoTime));
  }
  /** Fills working orders of `series` against its bars before index `visible`. */
  #processSeries(series, visible) {
    const working = this.#working;
    let first = visible;
    for (const order of working) {
      if (order.series === series && order.status === 'open' && order.nextBarIndex < first)
        first = order.nextBarIndex;
    }
    const { open, high, low, close } = series.bars;
    const slippageTicks = this.#settings.slippageTicks;
    const orders = this.#candidateOrders;
    const prices = this.#candidatePrices;
    const points = this.#candidatePoints;
    for (let bar = first; bar < visible; bar++) {
      orders.length = 0;
      prices.length = 0;
      points.length = 0;
      const count = working.length;
      for (let index = 0; index < count; index++) {
        const order = working[index];
        if (
          order.series !== series ||
          order.status !== 'open' ||
          order.isContainer ||
          order.nextBarIndex > bar
        ) {
          continue;
        }
        order.nextBarIndex = bar + 1;
        const slippage =
          slippageTicks === 0 ? 0 : slippageTicks * this.#settings.instrumentAt(series, bar).tickSize;
        const price = findFillPrice(order, open[bar], high[bar], low[bar], close[bar], slippage, this.#point);
        if (Number.isNaN(price)) continue;
        let position = orders.length;
        while (position > 0 && points[position - 1] > this.#point[0]) position--;
        if (position === orders.length) {
          orders.push(order);
          prices.push(price);
          points.push(this.#point[0]);
        } else {
          orders.splice(position, 0, order);
          prices.splice(position, 0, price);
          points.splice(position, 0, this.#point[0]);
        }
      }
      for (let index = 0; index < orders.length; index++) {
        const order = orders[index];
        if (order.status === 'open') this.#execute(order, prices[index], series, bar);
      }
    }
  }
  #execute(order, price, series, bar) {
    this.#fill(order, this.#settings.instrumentAt(series, bar), price, series.timesMs[bar], series, bar);
  }
  /**
   * Rolls a position held through a continuous series into the next contract at the roll instant: one
   * market order closes it at the old contract's last price, another reopens it at the new contract's first
   * open, both charged fees like any order (tagged `roll`).
   */
  roll(heldVia, from, fromPrice, series, rollIndex, signedQuantity) {
    const quantity = Math.abs(signedQuantity);
    const timestampMs = series.timesMs[rollIndex];
    const closeSide = signedQuantity > 0 ? 'sell' : 'buy';
    const openSide = signedQuantity > 0 ? 'buy' : 'sell';
    const spec = (side) => ({
      asset: heldVia,
      side,
      quantity,
      type: 'market',
      orderClass: 'simple',
      tag: 'roll',
    });
    const closing = this.#create(
      spec(closeSide),
      series,
      timestampMs,
      rollIndex,
      void 0,
      false,
      'market',
      [],
    );
    this.#fill(closing, from, fromPrice, timestampMs, series, rollIndex);
    const opening = this.#create(spec(openSide), series, timestampMs, rollIndex, void 0, false, 'market', []);
    this.#fill(
      opening,
      this.#settings.instrumentAt(series, rollIndex),
      series.bars.open[rollIndex],
      timestampMs,
      series,
      rollIndex,
    );
    this.#prune();
  }
  #fill(order, instrument, price, timestampMs, series, bar) {
    const { ledger, fees } = this.#settings;
    const quantity = order.spec.quantity;
    const signedQuantity = order.side === 'buy' ? quantity : -quantity;
    const isMaker = order.type === 'limit' || order.type === 'stop_limit';
    let fee = 0;
    for (const schedule of fees) {
      if (isMaker ? !schedule.maker : !schedule.taker) continue;
      fee += schedule.flatFee + schedule.percentFee * price * quantity * instrument.multiplier;
    }
    const worstCaseCost =
      fee +
      quantity * (instrument.cashSettled ? price * instrument.multiplier : instrument.marginPerContract);
    const cashDelta =
      ledger.cash >= worstCaseCost ? 0 : ledger.previewCashDelta(instrument, signedQuantity, price, fee);
    if (cashDelta < 0 && ledger.cash + cashDelta < 0) {
      this.#cancel(order, 'rejected');
      this.#cancelSiblings(order);
      return;
    }
    const result = ledger.applyFill(instrument, signedQuantity, price, fee);
    const time = this.isoTime(timestampMs);
    order.status = 'filled';
    order.filledAtMs = timestampMs;
    order.filledPrice = price;
    this.feesPaid += fee;
    const trade = {
      orderId: order.id,
      time,
      timestampMs,
      asset: this.#assetKeyOf(order.spec.asset),
      symbol: instrument.symbol,
      side: order.side,
      quantity,
      price,
      fee,
      realizedPnl: result.realizedPnl,
      closedQuantity: result.closedQuantity,
    };
    if (order.spec.tag !== void 0) trade.tag = order.spec.tag;
    this.trades.push(trade);
    const holding = ledger.holding(instrument.symbol);
    this.markSeries.set(instrument.symbol, series);
    this.heldVia.set(instrument.symbol, order.spec.asset);
    this.positions.push({
      time,
      timestampMs,
      symbol: instrument.symbol,
      quantity: holding.quantity,
      averagePrice: holding.quantity === 0 ? 0 : holding.entryNotional / holding.quantity,
    });
    if (this.#settings.emitFillEvents) {
      this.events.push({
        kind: 'fill',
        order: toOrder(order),
        fill: {
          orderId: order.id,
          asset: order.spec.asset,
          symbol: instrument.symbol,
          side: order.side,
          quantity,
          price,
          fee,
          timestampNanos: BigInt(timestampMs) * NANOS_PER_MS,
        },
      });
    }
    this.#cancelSiblings(order);
    if (order.parentId !== void 0) {
      const parent = this.#byId.get(order.parentId);
      if (parent?.isContainer === true && parent.status === 'open') {
        parent.status = 'filled';
        parent.filledAtMs = timestampMs;
        parent.filledPrice = price;
      }
    }
    if (order.childLegs.length > 0) {
      const exitSide = order.side === 'buy' ? 'sell' : 'buy';
      this.#placeLegs(order, exitSide, order.childLegs, bar + 1, series.bars.close[bar]);
    }
  }
  #placeLegs(parent, side, legs, nextBarIndex, lastClose) {
    const group = [];
    for (const leg of legs) {
      const spec = {
        asset: parent.spec.asset,
        side,
        quantity: parent.spec.quantity,
        type: leg.type,
        orderClass: 'simple',
        ...(leg.limitPrice === void 0 ? {} : { limitPrice: leg.limitPrice }),
        ...(leg.stopPrice === void 0 ? {} : { stopPrice: leg.stopPrice }),
        ...(parent.spec.tag === void 0 ? {} : { tag: parent.spec.tag }),
      };
      const child = this.#create(
        spec,
        parent.series,
        parent.submittedAtMs,
        nextBarIndex,
        parent.id,
        false,
        leg.type,
        [],
      );
      child.trailExtremePrice = lastClose;
      group.push(child);
    }
    if (group.length > 1) for (const child of group) child.siblings = group;
    if (parent.isContainer) parent.siblings = group;
  }
  #create(spec, series, nowMs, nextBarIndex, parentId, isContainer, type, childLegs) {
    const sequence = this.#nextId++;
    const order = {
      id: String(sequence),
      sequence,
      spec,
      parentId,
      series,
      submittedAtMs: nowMs,
      isContainer,
      status: 'open',
      nextBarIndex,
      siblings: void 0,
      childLegs,
      filledAtMs: Number.NaN,
      filledPrice: Number.NaN,
      side: spec.side,
      type,
      limitPrice: spec.limitPrice ?? Number.NaN,
      stopPrice: spec.stopPrice ?? Number.NaN,
      trailPrice: spec.trailPrice ?? 0,
      trailPercent: spec.trailPercent ?? 0,
      stopTriggered: false,
      trailExtremePrice: Number.NaN,
    };
    this.#working.push(order);
    this.#all.push(order);
    this.#byId.set(order.id, order);
    return order;
  }
  /**
   * ISO 8601 text of an instant, cached for the most recent instant: a fill, the order it completes and the
   * position it changes share one timestamp, and toISOString is costly next to the rest of a fill.
   */
  isoTime(timeMs) {
    if (timeMs === this.#isoTimeMs) return this.#isoText;
    this.#isoTimeMs = timeMs;
    const dayMs = timeMs - (((timeMs % DAY_MS) + DAY_MS) % DAY_MS);
    if (dayMs !== this.#isoDayMs) {
      this.#isoDayMs = dayMs;
      this.#isoDayPrefix = new Date(dayMs).toISOString().slice(0, 11);
    }
    const ofDay = timeMs - dayMs;
    this.#isoText =
      this.#isoDayPrefix +
      pad2(Math.floor(ofDay / 36e5)) +
      ':' +
      pad2(Math.floor(ofDay / 6e4) % 60) +
      ':' +
      pad2(Math.floor(ofDay / 1e3) % 60) +
      '.' +
      String(1e3 + Math.floor(ofDay % 1e3)).slice(1) +
      'Z';
    return this.#isoText;
  }
  #assetKeyOf(asset) {
    let key = this.#assetKeys.get(asset);
    if (key === void 0) {
      key = assetKey3(asset);
      this.#assetKeys.set(asset, key);
    }
    return key;
  }
  #cancelSiblings(order) {
    const siblings = order.siblings;
    if (siblings === void 0) return;
    for (const sibling of siblings) {
      if (sibling !== order && sibling.status === 'open') this.#cancel(sibling, 'canceled');
    }
  }
  #cancel(order, status) {
    order.status = status;
    if (!order.isContainer && this.#settings.emitCancelEvents) {
      this.events.push({ kind: 'cancel', order: toOrder(order) });
    }
  }
  #prune() {
    const working = this.#working;
    let kept = 0;
    for (let index = 0; index < working.length; index++) {
      const order = working[index];
      if (order.status === 'open') working[kept++] = order;
    }
    working.length = kept;
  }
};
function legsOf(spec) {
  const legs = [];
  if (spec.takeProfit !== void 0) legs.push({ type: 'limit', limitPrice: spec.takeProfit.limitPrice });
  if (spec.stopLoss !== void 0) {
    legs.push(
      spec.stopLoss.limitPrice === void 0
        ? { type: 'stop', stopPrice: spec.stopLoss.stopPrice }
        : { type: 'stop_limit', stopPrice: spec.stopLoss.stopPrice, limitPrice: spec.stopLoss.limitPrice },
    );
  }
  return legs;
}
function lowerBound(values, target) {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle] < target) low = middle + 1;
    else high = middle;
  }
  return low;
}
function toOrder(order) {
  const snapshot = {
    ...order.spec,
    id: order.id,
    status: order.status,
  };
  if (order.parentId !== void 0) snapshot.parentId = order.parentId;
  snapshot.submittedAtNanos = BigInt(order.submittedAtMs) * NANOS_PER_MS;
  if (order.status === 'filled') {
    snapshot.filledAtNanos = BigInt(order.filledAtMs) * NANOS_PER_MS;
    snapshot.filledPrice = order.filledPrice;
  }
  return Object.freeze(snapshot);
}
function toOrderRecord(order, asset, isoTime) {
  const spec = order.spec;
  const record = {
    id: order.id,
    asset,
    side: spec.side,
    quantity: spec.quantity,
    type: spec.type,
    orderClass: spec.orderClass,
    status: order.status,
    submittedAt: isoTime(order.submittedAtMs),
  };
  if (order.parentId !== void 0) record.parentId = order.parentId;
  if (spec.limitPrice !== void 0) record.limitPrice = spec.limitPrice;
  if (spec.stopPrice !== void 0) record.stopPrice = spec.stopPrice;
  if (order.status === 'filled') {
    record.filledAt = isoTime(order.filledAtMs);
    record.filledPrice = order.filledPrice;
  }
  if (spec.tag !== void 0) record.tag = spec.tag;
  return record;
}

// .old-src/stats.ts
var TRADING_DAYS_PER_YEAR = 252;
var MS_PER_YEAR = 365.25 * 864e5;
function computeStats(input) {
  const { values, timesMs, startingValue } = input;
  const count = values.length;
  const endingValue = count > 0 ? values[count - 1] : startingValue;
  const years = (input.endMs - input.startMs) / MS_PER_YEAR;
  const growth =
    years > 0 && endingValue > 0 && startingValue > 0
      ? (endingValue / startingValue) ** (1 / years) - 1
      : null;
  const cagr = growth !== null && Number.isFinite(growth) ? growth : null;
  const sessions = input.sessionFirstIteration;
  const dailyReturns = [];
  let previous = startingValue;
  for (let session = 0; session + 1 < sessions.length; session++) {
    const last = sessions[session + 1] - 1;
    if (last < sessions[session]) continue;
    const value = values[last];
    dailyReturns.push(previous === 0 ? 0 : value / previous - 1);
    previous = value;
  }
  let annualizedVolatility = null;
  let sharpe = null;
  if (dailyReturns.length >= 2) {
    const mean = dailyReturns.reduce((sum, value) => sum + value, 0) / dailyReturns.length;
    const variance =
      dailyReturns.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (dailyReturns.length - 1);
    const deviation = Math.sqrt(variance);
    annualizedVolatility = deviation * Math.sqrt(TRADING_DAYS_PER_YEAR);
    sharpe =
      deviation === 0
        ? null
        : ((mean - input.riskFreeRate / TRADING_DAYS_PER_YEAR) / deviation) *
          Math.sqrt(TRADING_DAYS_PER_YEAR);
  }
  let peak = startingValue;
  let peakIndex = -1;
  let maxDrawdown = 0;
  let troughIndex = -1;
  let peakOfMaxIndex = -1;
  for (let index = 0; index < count; index++) {
    const value = values[index];
    if (value > peak) {
      peak = value;
      peakIndex = index;
    } else if (peak > 0) {
      const drawdown = 1 - value / peak;
      if (drawdown > maxDrawdown) {
        maxDrawdown = drawdown;
        troughIndex = index;
        peakOfMaxIndex = peakIndex;
      }
    }
  }
  let closingTrades = 0;
  let wins = 0;
  for (const trade of input.trades) {
    if (trade.closedQuantity === 0) continue;
    closingTrades++;
    if (trade.realizedPnl - trade.fee > 0) wins++;
  }
  const isoAt = (index) =>
    index < 0
      ? troughIndex < 0
        ? null
        : new Date(input.startMs).toISOString()
      : new Date(timesMs[index]).toISOString();
  return {
    startingValue,
    endingValue,
    totalReturn: startingValue === 0 ? 0 : endingValue / startingValue - 1,
    cagr,
    annualizedVolatility,
    sharpe,
    maxDrawdown,
    maxDrawdownAt: troughIndex < 0 ? null : new Date(timesMs[troughIndex]).toISOString(),
    maxDrawdownPeakAt: troughIndex < 0 ? null : isoAt(peakOfMaxIndex),
    numberOfTrades: input.trades.length,
    closingTrades,
    winRate: closingTrades === 0 ? null : wins / closingTrades,
    feesPaid: input.feesPaid,
  };
}

// .old-src/strategy.ts
import { LbError as LbError2 } from '@lb/core';

var CONTEXT = /* @__PURE__ */ Symbol.for('lb.backtest.strategyContext');
var STRATEGY_MARKER = /* @__PURE__ */ Symbol.for('lb.backtest.Strategy');
var Strategy = class {
  /** Time between iterations. */
  sleeptime = '1M';
  /** Calendar whose sessions the strategy iterates in. */
  market = 'us_futures';
  /** Typed parameters; the backtest's `parameters` option is merged over them before `initialize`. */
  parameters;
  /** Free-form state, like Lumibot's `self.vars`. */
  vars = {};
  /** @internal Set by the event loop while the strategy runs. */
  [CONTEXT];
  /** @internal Marks strategies across copies of this package; see {@link Strategy.isInstance}. */
  [STRATEGY_MARKER] = true;
  constructor(parameters) {
    this.parameters = { ...parameters };
  }
  /** True for a strategy built on any copy of @lb/backtest (where `instanceof` would fail). */
  static isInstance(value) {
    return typeof value === 'object' && value !== null && value[STRATEGY_MARKER] === true;
  }
  /** Called once before the first iteration. */
  initialize() {}
  /** Called every `sleeptime` while the market is open. */
  onTradingIteration() {}
  /** Called when an order fills. */
  onFilledOrder(_order, _fill) {}
  /** Called when an order is canceled or rejected (e.g. not enough cash for its margin). */
  onCanceledOrder(_order) {}
  /** Called at each session open, before its first iteration. */
  beforeMarketOpens() {}
  /** Called at each session close, after its last iteration. */
  afterMarketCloses() {}
  /** The running backtest's context. @throws LbError when the strategy is not running. */
  get context() {
    const context = this[CONTEXT];
    if (context === void 0) {
      throw new LbError2(
        'This strategy is not running: context methods work only inside its hooks during a backtest (run it with backtest() or MyStrategy.backtest()).',
      );
    }
    return context;
  }
  getHistoricalPrices(asset, length, timestep, options) {
    return this.context.getHistoricalPrices(asset, length, timestep, options);
  }
  getLastPrice(asset) {
    return this.context.getLastPrice(asset);
  }
  getPosition(asset) {
    return this.context.getPosition(asset);
  }
  getPositions() {
    return this.context.getPositions();
  }
  getCash() {
    return this.context.getCash();
  }
  getPortfolioValue() {
    return this.context.getPortfolioValue();
  }
  createOrder(asset, quantity, side, options) {
    return this.context.createOrder(asset, quantity, side, options);
  }
  submitOrder(order) {
    return this.context.submitOrder(order);
  }
  cancelOrder(order) {
    this.context.cancelOrder(order);
  }
  getOrder(orderId) {
    return this.context.getOrder(orderId);
  }
  getOpenOrders() {
    return this.context.getOpenOrders();
  }
  getDatetime() {
    return this.context.getDatetime();
  }
  getTimestampMs() {
    return this.context.getTimestampMs();
  }
  log(message) {
    this.context.log(message);
  }
  /**
   * Backtests this strategy class, like Lumibot's `Strategy.backtest(datasource, start, end)`.
   * @example const result = await MyStrategy.backtest(source, '2024-01-02', '2024-02-01', { budget: 50_000 });
   */
  static backtest(dataSource, start, end, options = {}) {
    return backtest({ ...options, strategy: new this(), dataSource, start, end });
  }
};
function hasHook(strategy, hook) {
  const definition = strategy.constructor[DEFINITION];
  if (definition !== void 0) return definition[hook] !== void 0;
  return strategy[hook] !== Strategy.prototype[hook];
}
var DEFINITION = /* @__PURE__ */ Symbol.for('lb.backtest.strategyDefinition');
function attachContext(strategy, context) {
  strategy[CONTEXT] = context;
}
function defineStrategy(definition) {
  const defined = class extends Strategy {
    constructor(parameters) {
      super({ ...definition.parameters, ...parameters });
      if (definition.sleeptime !== void 0) this.sleeptime = definition.sleeptime;
      if (definition.market !== void 0) this.market = definition.market;
    }
    initialize() {
      return definition.initialize?.call(this);
    }
    onTradingIteration() {
      return definition.onTradingIteration?.call(this);
    }
    onFilledOrder(order, fill) {
      return definition.onFilledOrder?.call(this, order, fill);
    }
    onCanceledOrder(order) {
      return definition.onCanceledOrder?.call(this, order);
    }
    beforeMarketOpens() {
      return definition.beforeMarketOpens?.call(this);
    }
    afterMarketCloses() {
      return definition.afterMarketCloses?.call(this);
    }
  };
  Object.defineProperty(defined, 'name', { value: definition.name ?? 'DefinedStrategy' });
  Object.defineProperty(defined, DEFINITION, { value: definition });
  return defined;
}

// .old-src/event-loop.ts
var NO_OPTIONS = Object.freeze({});
var EventLoop = class {
  #config;
  #feed;
  #ledger;
  #broker;
  #instruments = /* @__PURE__ */ new Map();
  #seriesInstrument = /* @__PURE__ */ new Map();
  #logs = [];
  #warned = /* @__PURE__ */ new Set();
  // Strategies pass the same asset objects every iteration; formatting a contract code each time is waste.
  #symbols = /* @__PURE__ */ new WeakMap();
  #stagedCancels = [];
  #stagedLogs = [];
  #nowMs;
  // The series of the last getHistoricalPrices call, reused while the asset and timestep stay the same.
  #lastSeries;
  #lastAsset;
  #lastTimestep;
  // Set once a continuous future is traded: only then does the loop look for rolls.
  #watchRolls = false;
  #iterationHook = () => this.#config.strategy.onTradingIteration();
  constructor(config) {
    this.#config = config;
    this.#nowMs = config.startMs;
    this.#feed = new DataFeed({
      dataSource: config.dataSource,
      startMs: config.startMs,
      endMs: config.endMs,
      ...(config.signal === void 0 ? {} : { signal: config.signal }),
    });
    this.#ledger = new FuturesLedger(config.budget);
    this.#broker = new SimulatedBroker({
      ledger: this.#ledger,
      feed: this.#feed,
      fees: config.fees,
      slippageTicks: config.slippageTicks,
      instrumentAt: (series, index) =>
        series.asset.type === 'continuous_future'
          ? this.#instruments.get(series.bars.symbolAt(index))
          : this.#seriesInstrument.get(series),
      emitFillEvents: hasHook(config.strategy, 'onFilledOrder'),
      emitCancelEvents: hasHook(config.strategy, 'onCanceledOrder'),
    });
  }
  async run() {
    const config = this.#config;
    const strategy = config.strategy;
    const schedule = buildIterationSchedule(
      config.calendar,
      config.startMs,
      config.endMs,
      config.sleeptimeMs,
    );
    const times = schedule.timesMs;
    const total = times.length;
    const values = new Float64Array(total);
    const cash = new Float64Array(total);
    const broker = this.#broker;
    const ledger = this.#ledger;
    const onProgress = config.onProgress;
    const progressStep = Math.max(1, Math.floor(total / 100));
    const signal = config.signal;
    strategy.parameters = { ...strategy.parameters, ...config.parameters };
    attachContext(strategy, this);
    try {
      this.#nowMs = total > 0 ? times[0] : config.startMs;
      await this.#invoke(() => strategy.initialize());
      const sessionFirst = schedule.sessionFirstIteration;
      for (let session = 0; session + 1 < sessionFirst.length; session++) {
        const first = sessionFirst[session];
        const last = sessionFirst[session + 1];
        this.#nowMs = times[first];
        const before = this.#invoke(() => strategy.beforeMarketOpens());
        if (before !== void 0) await before;
        for (let iteration = first; iteration < last; iteration++) {
          const nowMs = times[iteration];
          this.#nowMs = nowMs;
          if (this.#watchRolls) await this.#handleRolls(nowMs);
          if (broker.workingCount > 0) broker.process(nowMs);
          if (broker.events.length > 0) {
            const dispatched = this.#dispatchEvents();
            if (dispatched !== void 0) await dispatched;
          }
          const checkpoint = broker.checkpoint();
          let pending;
          try {
            const result = strategy.onTradingIteration();
            if (result !== void 0) pending = this.#settleAsync(result, this.#iterationHook, checkpoint);
            else if (this.#stagedCancels.length > 0 || this.#stagedLogs.length > 0) this.#commit();
          } catch (error) {
            pending = this.#retry(error, this.#iterationHook, checkpoint);
          }
          if (pending !== void 0) await pending;
          if (broker.events.length > 0) {
            const dispatched = this.#dispatchEvents();
            if (dispatched !== void 0) await dispatched;
          }
          cash[iteration] = ledger.cash;
          values[iteration] = ledger.holdings.length === 0 ? ledger.cash : this.#markToMarket(nowMs);
          if ((iteration + 1) % progressStep === 0) {
            signal?.throwIfAborted();
            if (onProgress !== void 0) {
              onProgress(iteration + 1, total);
              await yieldToEventLoop();
            }
          }
        }
        this.#nowMs = schedule.sessionCloseMs[session];
        if (broker.workingCount > 0) broker.process(this.#nowMs);
        if (broker.events.length > 0) {
          const dispatched = this.#dispatchEvents();
          if (dispatched !== void 0) await dispatched;
        }
        const after = this.#invoke(() => strategy.afterMarketCloses());
        if (after !== void 0) await after;
      }
      if (total % progressStep !== 0 || total === 0) onProgress?.(total, total);
      if (total > 0) {
        cash[total - 1] = ledger.cash;
        values[total - 1] = ledger.holdings.length === 0 ? ledger.cash : this.#markToMarket(this.#nowMs);
      }
    } finally {
      attachContext(strategy, void 0);
    }
    return this.#buildResult(times, values, cash, schedule.sessionFirstIteration);
  }
  // ---- StrategyContext -------------------------------------------------------------------------------
  getHistoricalPrices(asset, length, timestep = this.#config.fillTimestep, options) {
    let series = this.#lastSeries;
    if (
      series === void 0 ||
      asset !== this.#lastAsset ||
      timestep !== this.#lastTimestep ||
      length > series.lookbackBars
    ) {
      series = this.#feed.series(asset, timestep, length, options);
      this.#lastSeries = series;
      this.#lastAsset = asset;
      this.#lastTimestep = timestep;
    }
    return this.#feed.window(series, length, this.#nowMs);
  }
  getLastPrice(asset) {
    const series = this.#feed.series(asset, this.#config.fillTimestep, 1);
    const visible = this.#feed.visibleCount(series, this.#nowMs);
    return visible === 0 ? void 0 : series.bars.close[visible - 1];
  }
  getPosition(asset) {
    const isContinuous = asset.type === 'continuous_future';
    const symbol = isContinuous ? '' : this.#symbolOf(asset);
    const holdings = this.#ledger.holdings;
    for (let index = 0; index < holdings.length; index++) {
      const holding = holdings[index];
      if (holding.quantity === 0) continue;
      const held = holding.instrument.symbol;
      const matches = isContinuous
        ? this.#broker.heldVia.get(held) === asset || this.#isHeldVia(held, asset)
        : held === symbol;
      if (matches) return this.#toPosition(asset, held, holding.quantity, holding.entryNotional);
    }
    return void 0;
  }
  getPositions() {
    const positions = [];
    for (const holding of this.#ledger.holdings) {
      if (holding.quantity === 0) continue;
      const asset = this.#broker.heldVia.get(holding.instrument.symbol);
      positions.push(
        this.#toPosition(asset, holding.instrument.symbol, holding.quantity, holding.entryNotional),
      );
    }
    return positions;
  }
  getCash() {
    return this.#ledger.cash;
  }
  getPortfolioValue() {
    return this.#markToMarket(this.#nowMs);
  }
  createOrder(asset, quantity, side, options = NO_OPTIONS) {
    const type =
      options.type ??
      (options.limitPrice !== void 0 && options.stopPrice !== void 0
        ? 'stop_limit'
        : options.limitPrice !== void 0
          ? 'limit'
          : options.stopPrice !== void 0
            ? 'stop'
            : options.trailPrice !== void 0 || options.trailPercent !== void 0
              ? 'trailing_stop'
              : 'market');
    if (type === 'market' && options === NO_OPTIONS) {
      if (!(Number.isFinite(quantity) && quantity > 0) || (side !== 'buy' && side !== 'sell')) {
        return createOrderSpec({ asset, side, quantity, type, orderClass: 'simple' });
      }
      return Object.freeze({ asset, side, quantity, type, orderClass: 'simple' });
    }
    const hasTakeProfit = options.takeProfitPrice !== void 0;
    const hasStopLoss = options.stopLossPrice !== void 0;
    const orderClass =
      options.orderClass ??
      (hasTakeProfit && hasStopLoss ? 'bracket' : hasTakeProfit || hasStopLoss ? 'oto' : 'simple');
    return createOrderSpec({
      asset,
      side,
      quantity,
      type,
      orderClass,
      ...(options.limitPrice === void 0 ? {} : { limitPrice: options.limitPrice }),
      ...(options.stopPrice === void 0 ? {} : { stopPrice: options.stopPrice }),
      ...(options.trailPrice === void 0 ? {} : { trailPrice: options.trailPrice }),
      ...(options.trailPercent === void 0 ? {} : { trailPercent: options.trailPercent }),
      ...(hasTakeProfit ? { takeProfit: { limitPrice: options.takeProfitPrice } } : {}),
      ...(hasStopLoss
        ? {
            stopLoss: {
              stopPrice: options.stopLossPrice,
              ...(options.stopLossLimitPrice === void 0 ? {} : { limitPrice: options.stopLossLimitPrice }),
            },
          }
        : {}),
      ...(options.tag === void 0 ? {} : { tag: options.tag }),
    });
  }
  submitOrder(order) {
    const series = this.#feed.series(order.asset, this.#config.fillTimestep, 1);
    this.#requireInstrument(series);
    this.#feed.visibleCount(series, this.#nowMs);
    return this.#broker.submit(order, series, this.#nowMs);
  }
  cancelOrder(order) {
    this.#stagedCancels.push(typeof order === 'string' ? order : order.id);
  }
  getOrder(orderId) {
    return this.#broker.getOrder(orderId);
  }
  getOpenOrders() {
    return this.#broker.getOpenOrders();
  }
  getDatetime() {
    return new Date(this.#nowMs);
  }
  getTimestampMs() {
    return this.#nowMs;
  }
  log(message) {
    this.#stagedLogs.push(`${new Date(this.#nowMs).toISOString()} ${message}`);
  }
  // ---- internals -------------------------------------------------------------------------------------
  /**
   * Runs a strategy hook. Synchronous hooks that need no new data return undefined (no await in the hot
   * loop). When the hook asks for data not loaded yet, its orders, cancels and logs are discarded, the data
   * is loaded, and the hook runs again.
   */
  #invoke(hook) {
    const checkpoint = this.#broker.checkpoint();
    try {
      const result = hook();
      if (result !== void 0 && typeof result.then === 'function') {
        return this.#settleAsync(result, hook, checkpoint);
      }
    } catch (error) {
      return this.#retry(error, hook, checkpoint);
    }
    if (this.#stagedCancels.length > 0 || this.#stagedLogs.length > 0) this.#commit();
    return void 0;
  }
  async #settleAsync(result, hook, checkpoint) {
    try {
      await result;
    } catch (error) {
      return this.#retry(error, hook, checkpoint);
    }
    this.#commit();
  }
  async #retry(error, hook, checkpoint) {
    this.#broker.rollback(checkpoint);
    this.#stagedCancels = [];
    this.#stagedLogs = [];
    if (!(error instanceof DataNotLoadedSignal)) throw error;
    await error.load();
    const again = this.#invoke(hook);
    if (again !== void 0) await again;
  }
  #commit() {
    for (const orderId of this.#stagedCancels) this.#broker.cancel(orderId);
    this.#stagedCancels = [];
    for (const line of this.#stagedLogs) this.#writeLog(line);
    this.#stagedLogs = [];
  }
  /** Delivers broker events to the strategy; returns a promise only when a hook went asynchronous. */
  #dispatchEvents() {
    const strategy = this.#config.strategy;
    while (this.#broker.events.length > 0) {
      const events = this.#broker.events.splice(0);
      for (let index = 0; index < events.length; index++) {
        const event = events[index];
        const result =
          event.kind === 'fill'
            ? this.#invoke(() => strategy.onFilledOrder(event.order, event.fill))
            : this.#invoke(() => strategy.onCanceledOrder(event.order));
        if (result !== void 0) return this.#dispatchRest(result, events.slice(index + 1));
      }
    }
    return void 0;
  }
  async #dispatchRest(current, rest) {
    await current;
    this.#broker.events.unshift(...rest);
    const next = this.#dispatchEvents();
    if (next !== void 0) await next;
  }
  #requireInstrument(series) {
    if (this.#seriesInstrument.has(series)) return;
    const asset = series.asset;
    if (asset.type === 'continuous_future') {
      this.#requireContractInstruments(series);
      return;
    }
    const symbol = tradedSymbol(asset);
    const cached = this.#instruments.get(symbol);
    if (cached !== void 0) {
      this.#seriesInstrument.set(series, cached);
      return;
    }
    throw new DataNotLoadedSignal(() => this.#loadInstrument(asset, symbol));
  }
  /** Resolves and remembers the instrument spec of the contract (or stock) traded as `symbol`. */
  async #loadInstrument(asset, symbol) {
    const instrument = await resolveInstrument(
      asset,
      symbol,
      this.#config.instruments,
      this.#config.dataSource,
      new Date(this.#nowMs),
      (message) => this.#warnOnce(message),
      this.#config.signal,
    );
    this.#instruments.set(symbol, instrument);
  }
  /** Resolves every contract a stitched continuous series passes through, so fills can book any of them. */
  #requireContractInstruments(series) {
    const root = series.asset.symbol;
    const symbols = (series.bars.metadata.segments ?? []).map((segment) => segment.symbol);
    const missing = symbols.filter((symbol) => !this.#instruments.has(symbol));
    if (missing.length === 0) {
      const first = this.#instruments.get(symbols[0] ?? '');
      if (first !== void 0) this.#seriesInstrument.set(series, first);
      this.#watchRolls = true;
      return;
    }
    throw new DataNotLoadedSignal(async () => {
      for (const symbol of missing)
        await this.#loadInstrument(this.#contractAsset(root, symbol, series), symbol);
    });
  }
  /** The dated contract behind `symbol` in a continuous series of `root`, from the core roll schedule. */
  #contractAsset(root, symbol, series) {
    const times = series.timesMs;
    const segment = rollSchedule(
      root,
      new Date(times[0] ?? this.#config.startMs),
      new Date(Math.max(this.#config.endMs, (times[times.length - 1] ?? 0) + 1)),
    ).find((candidate) => candidate.symbol === symbol);
    if (segment === void 0) {
      throw new InvalidArgumentError2(`Contract ${symbol} is not in the roll schedule of ${root}.`, {
        argument: 'asset',
      });
    }
    return contractAsset(segment);
  }
  /**
   * Handles positions held through a continuous future whose series has moved to the next contract: with
   * `autoRoll`, closes and reopens them in the new contract at the roll; otherwise keeps them in the old
   * contract and marks them with that contract's own bars from now on.
   */
  async #handleRolls(nowMs) {
    const broker = this.#broker;
    for (const holding of this.#ledger.holdings) {
      if (holding.quantity === 0) continue;
      const symbol = holding.instrument.symbol;
      const via = broker.heldVia.get(symbol);
      const series = broker.markSeries.get(symbol);
      if (via?.type !== 'continuous_future' || series === void 0 || series.asset !== via) continue;
      const visible = this.#feed.visibleCount(series, nowMs);
      if (visible === 0 || series.bars.symbolAt(visible - 1) === symbol) continue;
      let rollIndex = visible - 1;
      while (rollIndex > 0 && series.bars.symbolAt(rollIndex - 1) !== symbol) rollIndex--;
      if (this.#config.autoRoll) {
        broker.processBars(series, rollIndex);
        if (holding.quantity === 0) continue;
        const lastPrice = series.bars.close[rollIndex - 1] ?? holding.markPrice;
        broker.roll(via, holding.instrument, lastPrice, series, rollIndex, holding.quantity);
        continue;
      }
      const contract = this.#contractAsset(via.symbol, symbol, series);
      let contractSeries;
      try {
        contractSeries = this.#feed.series(contract, this.#config.fillTimestep, 1);
      } catch (error) {
        if (!(error instanceof DataNotLoadedSignal)) throw error;
        await error.load();
        contractSeries = this.#feed.series(contract, this.#config.fillTimestep, 1);
      }
      broker.markSeries.set(symbol, contractSeries);
    }
  }
  #markToMarket(nowMs) {
    const holdings = this.#ledger.holdings;
    const markSeries = this.#broker.markSeries;
    for (let index = 0; index < holdings.length; index++) {
      const holding = holdings[index];
      if (holding.quantity === 0) continue;
      const series = markSeries.get(holding.instrument.symbol);
      if (series === void 0) continue;
      const visible = this.#feed.visibleCount(series, nowMs);
      if (visible > 0) holding.markPrice = series.bars.close[visible - 1];
    }
    return this.#ledger.portfolioValue();
  }
  #toPosition(asset, symbol, quantity, entryNotional) {
    return { asset, symbol, quantity, averagePrice: entryNotional / quantity };
  }
  #isHeldVia(symbol, asset) {
    const via = this.#broker.heldVia.get(symbol);
    return via?.type === asset.type && via.symbol === asset.symbol;
  }
  #symbolOf(asset) {
    let symbol = this.#symbols.get(asset);
    if (symbol === void 0) {
      symbol = tradedSymbol(asset);
      this.#symbols.set(asset, symbol);
    }
    return symbol;
  }
  #warnOnce(message) {
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    this.#writeLog(`${new Date(this.#nowMs).toISOString()} WARNING ${message}`);
  }
  #writeLog(line) {
    this.#logs.push(line);
    this.#config.logger?.(line);
  }
  #buildResult(times, values, cash, sessionFirstIteration) {
    const config = this.#config;
    const broker = this.#broker;
    const finalPositions = this.#ledger.holdings
      .filter((holding) => holding.quantity !== 0)
      .map((holding) => ({
        symbol: holding.instrument.symbol,
        quantity: holding.quantity,
        averagePrice: holding.entryNotional / holding.quantity,
        lastPrice: holding.markPrice,
      }));
    return {
      strategy: config.strategy.constructor.name,
      start: new Date(config.startMs).toISOString(),
      end: new Date(config.endMs).toISOString(),
      budget: config.budget,
      parameters: { ...config.strategy.parameters },
      iterations: times.length,
      equityCurve: {
        timestampsMs: toNumberArray(times),
        portfolioValue: toNumberArray(values),
        cash: toNumberArray(cash),
      },
      trades: broker.trades,
      orders: broker.orderRecords(),
      positions: broker.positions,
      finalPositions,
      stats: computeStats({
        startingValue: config.budget,
        startMs: config.startMs,
        endMs: config.endMs,
        timesMs: times,
        values,
        sessionFirstIteration,
        trades: broker.trades,
        feesPaid: broker.feesPaid,
        riskFreeRate: config.riskFreeRate,
      }),
      logs: this.#logs,
    };
  }
};
function runEventLoop(config) {
  return new EventLoop(config).run();
}
function toNumberArray(values) {
  const result = new Array(values.length).fill(0.5);
  for (let index = 0; index < values.length; index++) result[index] = values[index];
  return result;
}
function yieldToEventLoop() {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

// .old-src/backtest.ts
var instantSchema = z
  .union([z.date(), z.string()], { error: 'must be a Date or an ISO 8601 string' })
  .transform((value, context) => {
    const time = typeof value === 'string' ? Date.parse(value) : value.getTime();
    if (Number.isNaN(time)) {
      context.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a valid date` });
      return z.NEVER;
    }
    return parseInstant(value).getTime();
  });
var feeInputSchema = z
  .looseObject({}, { error: 'must be a TradingFee object (see createTradingFee)' })
  .transform((value, context) => {
    try {
      return createTradingFee(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });
var optionsSchema = z.object({
  strategy: z.custom((value) => Strategy.isInstance(value), {
    error: 'must be a Strategy instance, e.g. new MyStrategy()',
  }),
  dataSource: z.custom(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      value.specificationVersion === 'v1' &&
      typeof value.doFetchBars === 'function',
    { error: 'must implement DataSourceV1 (specificationVersion "v1" and doFetchBars)' },
  ),
  start: instantSchema,
  end: instantSchema,
  budget: z.number().finite().positive({ error: 'must be a positive amount' }).default(1e5),
  // One fee or a list: normalised to a list first, so a bad fee's issue names its index, not the union.
  fees: z.preprocess(
    (value) => (value === void 0 ? [] : Array.isArray(value) ? value : [value]),
    z.array(feeInputSchema),
  ),
  slippage: z.number().finite().nonnegative({ error: 'must be a number of ticks >= 0' }).default(0),
  calendar: z
    .custom((value) => typeof value === 'object' && value !== null && typeof value.sessions === 'function', {
      error: 'must have a sessions(start, end) method (see getMarketCalendar)',
    })
    .optional(),
  instruments: z
    .record(
      z.string(),
      z.strictObject({
        multiplier: z.number().finite().positive(),
        tickSize: z.number().finite().positive(),
        margin: z.number().finite().nonnegative().optional(),
      }),
    )
    .default({}),
  autoRoll: z.boolean().default(true),
  fillTimestep: z.string().default('1m'),
  parameters: z.record(z.string(), z.unknown()).optional(),
  riskFreeRate: z.number().finite().default(0),
  onProgress: z.custom((value) => typeof value === 'function').optional(),
  logger: z.custom((value) => typeof value === 'function').optional(),
  signal: z.custom((value) => value instanceof AbortSignal).optional(),
});
async function backtest(options) {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = listIssues(parsed.error);
    throw new InvalidSettingsError(
      `Invalid backtest options: ${issues.map((issue) => `${issue.path || '(options)'}: ${issue.message}`).join('; ')}.`,
      { issues, cause: parsed.error },
    );
  }
  const settings = parsed.data;
  if (settings.start >= settings.end) {
    throw new InvalidArgumentError3(
      `Backtest start ${new Date(settings.start).toISOString()} must be before end ${new Date(settings.end).toISOString()}.`,
      { argument: 'start' },
    );
  }
  const strategy = settings.strategy;
  return runEventLoop({
    strategy,
    dataSource: settings.dataSource,
    startMs: settings.start,
    endMs: settings.end,
    budget: settings.budget,
    fees: settings.fees,
    slippageTicks: settings.slippage,
    calendar: settings.calendar ?? getMarketCalendar(strategy.market),
    sleeptimeMs: parseSleeptime(strategy.sleeptime),
    fillTimestep: parseTimestep2(settings.fillTimestep),
    instruments: settings.instruments,
    autoRoll: settings.autoRoll,
    parameters: settings.parameters ?? {},
    riskFreeRate: settings.riskFreeRate,
    ...(settings.onProgress === void 0 ? {} : { onProgress: settings.onProgress }),
    ...(settings.logger === void 0 ? {} : { logger: settings.logger }),
    ...(settings.signal === void 0 ? {} : { signal: settings.signal }),
  });
}

export {
  backtest,
  computeStats,
  DEFAULT_INITIAL_MARGINS,
  defineStrategy,
  FALLBACK_INITIAL_MARGIN,
  FuturesLedger,
  lookupInitialMargin,
  MissingInstrumentSpecError,
  parseSleeptime,
  Strategy,
};
