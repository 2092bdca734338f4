import type { BarsRequest, DataSourceCallOptions, DataSourceV1 } from '@lb/core';

/**
 * An optional member a source implements to price downloads before they start (the Databento source
 * does). The cache calls it with every download one request needs, so a cost limit applies to their total
 * and each download's pending ledger line carries its estimate.
 */
export interface DownloadPricing {
  /**
   * Prices `requests` together before any of them is downloaded; throws (downloading nothing) when their
   * total is above the source's cost limit. Returns one estimate in USD per request, in order; the
   * downloads that follow reuse the estimates instead of pricing again.
   */
  approveDownloads(
    requests: readonly BarsRequest[],
    options?: DataSourceCallOptions,
  ): Promise<readonly (number | undefined)[]>;
}

/** True when `source` can price downloads before they start. */
export function hasDownloadPricing(source: DataSourceV1): source is DataSourceV1 & DownloadPricing {
  return typeof (source as Partial<DownloadPricing>).approveDownloads === 'function';
}

/**
 * The wrapped source's spec member `doApproveDownloads` (core `fetchBars` calls it through the cache), when
 * it declares `capabilities.downloadApproval`.
 */
export function specDownloadApproval(
  source: DataSourceV1,
): NonNullable<DataSourceV1['doApproveDownloads']> | undefined {
  if (source.capabilities.downloadApproval !== true || source.doApproveDownloads === undefined)
    return undefined;
  return source.doApproveDownloads.bind(source);
}
