export { createTestClock, systemClock, type TestClock, type TradeClock } from './clock.js';
export { PaperBrokerStateError } from './errors.js';
export { type LiveBar, LiveMarket } from './live-market.js';
export { type PaperBar, PaperBroker, type PaperBrokerOptions, type PaperTrade } from './paper-broker.js';
export {
  type PaperBrokerState,
  paperBrokerStateSchema,
  readPaperBrokerState,
  writePaperBrokerState,
} from './state-file.js';
export {
  type BarDrivenBroker,
  type TradeConnectionEvents,
  type TradeConnectionState,
  type TradeOptions,
  type TradeResult,
  type TradeStatus,
  trade,
} from './trade.js';
