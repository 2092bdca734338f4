export { type BacktestOptions, backtest } from './backtest.js';
export type { BacktestResult, BacktestStatsRow } from './backtest-result.js';
export { type CalendarSession, parseSleeptime, type SessionCalendar, type Sleeptime } from './clock.js';
export { AssetNotInSourceError, MissingInstrumentSpecError } from './errors.js';
export { computeFillFee, type FillFeeContext } from './fill-fee.js';
export { type FillModelOrder, findFillPrice } from './fill-model.js';
export {
  FuturesLedger,
  type LedgerHolding,
  type LedgerInstrument,
  type LedgerLot,
} from './futures-ledger.js';
export {
  type InstrumentOverride,
  type ResolvedInstrument,
  resolveInstrument,
  tradedSymbol,
} from './instruments.js';
export { DEFAULT_INITIAL_MARGINS, FALLBACK_INITIAL_MARGIN, lookupInitialMargin } from './margin-table.js';
export type { BacktestPriceSeries } from './result-series.js';
export type { OrderRecord, PositionRecord, RollExitOrders, TradeRecord } from './simulated-broker.js';
export { type BacktestStats, computeStats, type StatsInput } from './stats.js';
export {
  backtestStrategy,
  type CreateOrderOptions,
  type DefinedStrategyClass,
  defineStrategy,
  type HistoricalPricesOptions,
  type MarketName,
  Strategy,
  type StrategyBacktestOptions,
  type StrategyContext,
  type StrategyDefinition,
} from './strategy.js';
