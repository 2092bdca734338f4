export { escapeHtml } from './escape-html.js';
export { renderTearsheet } from './render-tearsheet.js';
export {
  computeDrawdownPercent,
  computeHistogram,
  computeRolling,
  downsampleMinMax,
  selectExtremeIndices,
  type XySeries,
} from './series.js';
export type {
  RenderTearsheetOptions,
  TearsheetDrawdown,
  TearsheetEquity,
  TearsheetInput,
  TearsheetInstrument,
  TearsheetMarker,
  TearsheetRoundTrip,
  TearsheetStat,
  TearsheetTrade,
} from './tearsheet-input.js';
export { writeTearsheet } from './write-tearsheet.js';
