import type { SessionSource } from '@lb/core';
import { confirmAssetInSource } from './asset-existence.js';
import { DataFeed } from './data-feed.js';
import type { EventLoopConfig } from './event-loop-config.js';
import { describeAsset } from './instruments.js';

/** What a run's data feed asks of the running loop. */
export interface RunDataFeedHooks {
  /** The calendar coarse futures bars are aligned to (known once `initialize()` has set the market). */
  readonly sessionCalendar: () => SessionSource | undefined;
  readonly warn: (message: string) => void;
}

/**
 * The data feed of one run: fails on an asset the source does not have at all, and warns (once per
 * series) about an asset without bars in the backtest range.
 */
export function createRunDataFeed(config: EventLoopConfig, hooks: RunDataFeedHooks): DataFeed {
  return new DataFeed({
    dataSource: config.dataSource,
    startMs: config.startMs,
    endMs: config.endMs,
    sessionCalendar: () => hooks.sessionCalendar(),
    onNoBarsAtAll: (asset, timestep, fetchStartMs) =>
      confirmAssetInSource({
        dataSource: config.dataSource,
        asset,
        timestep,
        fetchStartMs,
        endMs: config.endMs,
        ...(config.signal === undefined ? {} : { signal: config.signal }),
      }),
    onEmptyRange: (asset, timestep) =>
      hooks.warn(
        `No ${timestep.label} bars for ${describeAsset(asset)} between ${new Date(config.startMs).toISOString()} and ${new Date(config.endMs).toISOString()} from source "${config.dataSource.sourceId}": orders for it cannot fill and it has no prices in this run.`,
      ),
    ...(config.signal === undefined ? {} : { signal: config.signal }),
  });
}
