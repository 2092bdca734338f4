import { type Asset, type BarsRequest, type DataSourceV1, parseTimestep } from '@lb/core';
import type { CliIo } from './cli-io.js';
import { confirmEstimatedCost } from './cost-confirmation.js';
import { loadCacheFeather, loadDatabento, loadDbnFiles } from './optional-package.js';
import { estimateCost, openDbnFolder } from './run-backtest-job.js';
import { findInstalledSource } from './source-discovery.js';
import { UsageError } from './usage-error.js';

/** Settings of {@link openTradeHistory}. */
export interface TradeHistorySettings {
  /** `--data-source`; `dbn-files` when only `dataDirectory` is given; no history when both are absent. */
  readonly dataSource?: string;
  /** `--data-dir`: the folder of the dbn-files source (or handed to an installed source). */
  readonly dataDirectory?: string;
  /** The traded assets and their timestep (e.g. `1m`): what the Databento quote prices. */
  readonly assets: readonly Asset[];
  readonly timestep: string;
  /** Start of the session; history ends here. */
  readonly nowMs: number;
  /** How far back history reaches from `nowMs`; the Databento quote covers exactly this window. */
  readonly historyMs: number;
  /** Confirms a Databento download whose estimate is above `thresholdUsd`. */
  readonly yes: boolean;
  readonly thresholdUsd: number;
  readonly environment: NodeJS.ProcessEnv;
  readonly io: CliIo;
}

/**
 * The history `lb trade` hands to `trade()`, chosen like `lb backtest` chooses its source: a DBN folder,
 * Databento through the Feather cache (quoted first, `--yes` above the threshold), or an installed
 * `lb-source-*` source. Undefined when neither a source nor a folder is given: live bars only. Unlike
 * `lb backtest`, a DATABENTO_API_KEY alone does not pick Databento: live trading needs the key anyway, and a
 * paid history download should be asked for.
 */
export async function openTradeHistory(settings: TradeHistorySettings): Promise<DataSourceV1 | undefined> {
  const { io } = settings;
  const choice = settings.dataSource ?? (settings.dataDirectory === undefined ? undefined : 'dbn-files');
  if (choice === undefined) {
    io.stdout(
      'History: none (pass --data-source or --data-dir to load it); the strategy sees only the live bars closed so far\n',
    );
    return undefined;
  }
  if (choice === 'dbn-files') {
    if (settings.dataDirectory === undefined) {
      throw new UsageError('The dbn-files source needs a data folder: pass --data-dir.');
    }
    const source = await openDbnFolder(await loadDbnFiles(), settings.dataDirectory);
    io.stdout(`History: DBN files from ${settings.dataDirectory}\n`);
    return source;
  }
  if (choice === 'databento') {
    const databento = await loadDatabento();
    const cache = await loadCacheFeather();
    const client = databento.createDatabento({});
    const databentoSource = databento.createDatabentoData({ client });
    const cached = cache.withFeatherCache(databentoSource, {});
    const window = { start: new Date(settings.nowMs - settings.historyMs), end: new Date(settings.nowMs) };
    io.stdout(
      `History: Databento historical API through the Feather cache at ${cache.resolveCacheDirectory()}, from ${window.start.toISOString()}\n`,
    );
    const estimatedCostUsd = await estimateCost(
      databento,
      client,
      settings.assets.map((asset) => ({ asset, timestep: settings.timestep })),
      window,
      io,
      { source: databentoSource, cache: cached },
    );
    io.stdout(
      `Estimated Databento cost: $${estimatedCostUsd.toFixed(4)} at most (days already cached are not downloaded again)\n`,
    );
    confirmEstimatedCost({ estimatedCostUsd, thresholdUsd: settings.thresholdUsd, yes: settings.yes });
    return clampToWindow(cached, window.start);
  }
  const installed = await findInstalledSource(choice);
  const source = await installed.descriptor.createDataSource({
    environment: settings.environment,
    ...(settings.dataDirectory === undefined ? {} : { dataDirectory: settings.dataDirectory }),
  });
  io.stdout(`History: ${installed.descriptor.description} (${installed.packageName})\n`);
  return source;
}

// The quote priced [start, now); a longer lookback asked by the strategy must not download unpriced days.
function clampToWindow(source: DataSourceV1, startLimit: Date): DataSourceV1 {
  const clamp = (request: BarsRequest): BarsRequest =>
    request.start >= startLimit
      ? request
      : { ...request, start: startLimit < request.end ? startLimit : request.end };
  const { doFetchInstrument, locateBars, doFetchAvailableRange, doApproveDownloads } = source;
  // Methods are called on `source` itself: sources may be class instances whose methods use `this`.
  return {
    specificationVersion: 'v1',
    sourceId: source.sourceId,
    capabilities: source.capabilities,
    doFetchBars: (request, options) => source.doFetchBars(clamp(request), options),
    ...(doFetchInstrument === undefined
      ? {}
      : { doFetchInstrument: (request, options) => doFetchInstrument.call(source, request, options) }),
    ...(locateBars === undefined ? {} : { locateBars: (request) => locateBars.call(source, clamp(request)) }),
    ...(doFetchAvailableRange === undefined
      ? {}
      : {
          doFetchAvailableRange: (request, options) =>
            doFetchAvailableRange.call(source, clamp(request), options),
        }),
    ...(doApproveDownloads === undefined
      ? {}
      : {
          doApproveDownloads: (requests, options) =>
            doApproveDownloads.call(source, requests.map(clamp), options),
        }),
  };
}

/**
 * Where the live subscription replays from so history and live bars meet without a gap: the session
 * start floored to the timestep, moved back to the end of what the history source has for the least
 * up-to-date asset (a historical origin lags the live one). `mergeBarsAtSeam` then keeps history before the
 * first live bar and live bars from it on, so the overlap is never counted twice.
 */
export async function liveReplayStart(input: {
  readonly history: DataSourceV1;
  readonly assets: readonly Asset[];
  readonly timestep: string;
  readonly nowMs: number;
  readonly historyMs: number;
}): Promise<Date> {
  const timestep = parseTimestep(input.timestep);
  const stepMs = timestep.durationMs;
  let seamMs = Math.floor(input.nowMs / stepMs) * stepMs;
  if (input.history.doFetchAvailableRange !== undefined) {
    const start = new Date(input.nowMs - input.historyMs);
    for (const asset of input.assets) {
      const available = await input.history.doFetchAvailableRange({
        asset,
        timestep,
        start,
        end: new Date(seamMs),
      });
      seamMs = Math.min(seamMs, Math.floor(available.end.getTime() / stepMs) * stepMs);
    }
  }
  // Never before the history window: a source with nothing for the asset would otherwise ask a replay of all
  // of it. Databento replays at most the last 24 hours, which the gateway enforces.
  return new Date(Math.max(seamMs, input.nowMs - input.historyMs));
}
