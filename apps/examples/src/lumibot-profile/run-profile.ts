// One profiled run in its own process, as a user would start it: Databento source (pointed at the mock
// server through DATABENTO_BASE_URL) behind the Feather cache in LB_CACHE_DIR. Prints one JSON line.
import { performance } from 'node:perf_hooks';
import { backtest } from '@lb/backtest';
import { withFeatherCache } from '@lb/cache-feather';
import { createDatabentoData } from '@lb/databento';
import { LumibotProfileStrategy, PROFILE_END, PROFILE_START } from './lumibot-profile-strategy.js';

const startedMs = performance.now();
const source = withFeatherCache(createDatabentoData({}));
const result = await backtest({
  strategy: new LumibotProfileStrategy(),
  dataSource: source,
  start: PROFILE_START,
  end: PROFILE_END,
  fees: { flatFee: 0.5 },
});
const backtestSeconds = (performance.now() - startedMs) / 1000;
console.log(
  JSON.stringify({
    backtestSeconds,
    iterations: result.iterations,
    trades: result.stats.numberOfTrades,
    endingValue: result.stats.endingValue,
  }),
);
