export {
  cramResponse,
  type DatabentoLiveSType,
  type DatabentoLiveSubscription,
  formatSubscriptionLines,
  SUBSCRIPTION_CHUNK_SIZE,
} from './control-lines.js';
export { DatabentoLiveError, type DatabentoLiveErrorCode } from './errors.js';
export {
  DATABENTO_LIVE_PORT,
  type GatewayAddress,
  gatewayForDataset,
  resolveGateway,
} from './gateway-address.js';
export type {
  DatabentoLiveGatewayError,
  DatabentoLiveGatewayErrorKind,
  DatabentoLiveSystemKind,
  DatabentoLiveSystemMessage,
} from './gateway-messages.js';
export {
  assetForMapping,
  createLiveBarFeed,
  type LiveBarFeed,
  type LiveBarFeedOptions,
  type LiveBarsUpdate,
} from './live-bar-feed.js';
export {
  LiveBarSeries,
  type LoadHistoryForLiveInput,
  loadHistoryForLive,
  mergeBarsAtSeam,
} from './live-bar-history.js';
export {
  createDatabentoLive,
  DATABENTO_LIVE_CLIENT_NAME,
  type DatabentoLiveClient,
  type DatabentoLiveEvents,
  type DatabentoLiveStats,
  type DatabentoLiveSubscriptionInput,
  type LiveReconnectInfo,
  type LiveRecord,
  type LiveSymbolMapping,
} from './live-client.js';
export { createRedactingLiveLogger, type LiveLogFields, type LiveLogger } from './logger.js';
export type { DatabentoLiveSettings } from './settings.js';
