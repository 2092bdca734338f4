export { escapeHtml } from './escape-html.js';
export { renderTearsheet } from './render-tearsheet.js';
export { computeDrawdownPercent, downsampleMinMax, type XySeries } from './series.js';
export type {
  RenderTearsheetOptions,
  TearsheetEquity,
  TearsheetInput,
  TearsheetStat,
  TearsheetTrade,
} from './tearsheet-input.js';
export { writeTearsheet } from './write-tearsheet.js';
