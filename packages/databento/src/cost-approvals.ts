import { CostLimitExceededError, type DatabentoCostedRequest } from './errors.js';
import type { DatabentoRangeParams } from './historical-client.js';

/** `timeseries.get_range` parameters with a resolved range. */
export type DatabentoDownloadParams = DatabentoRangeParams & { readonly start: Date; readonly end: Date };

/** One download and Databento's estimate for it. */
export interface DatabentoPricedDownload {
  readonly params: DatabentoDownloadParams;
  readonly costUsd: number;
}

/**
 * Databento's estimate for everything a command or a call will download, priced with `metadata.get_cost`
 * before the first byte.
 */
export interface DatabentoDownloadEstimate {
  /** Sum of the downloads' estimates, in USD. */
  readonly totalCostUsd: number;
  readonly downloads: readonly DatabentoPricedDownload[];
  /** The configured limit (`maxCostUsd` / `DATABENTO_MAX_COST_USD`), if any. */
  readonly maxCostUsd: number | undefined;
}

// An approval older than this is priced again: it stood for a check made for an earlier command.
const APPROVAL_TTL_MS = 10 * 60_000;

/** Identifies a download by exactly what is sent to Databento. */
export function downloadKey(params: DatabentoDownloadParams): string {
  return [
    params.dataset,
    params.schema,
    typeof params.symbols === 'string' ? params.symbols : params.symbols.join(','),
    params.stypeIn,
    params.start.toISOString(),
    params.end.toISOString(),
  ].join('|');
}

/**
 * Estimates checked against the cost limit as part of a total, kept until the download they priced uses
 * them, so the download is neither priced again nor checked alone.
 */
export class CostApprovals {
  readonly #approved = new Map<string, { costUsd: number; approvedAtMs: number }>();

  /** The approved estimate of a download, removed (each approval serves one download). */
  take(params: DatabentoDownloadParams): number | undefined {
    const key = downloadKey(params);
    const approval = this.#approved.get(key);
    this.#approved.delete(key);
    if (approval === undefined || Date.now() - approval.approvedAtMs > APPROVAL_TTL_MS) return undefined;
    return approval.costUsd;
  }

  /** The approved estimate of a download, kept. */
  peek(params: DatabentoDownloadParams): number | undefined {
    const approval = this.#approved.get(downloadKey(params));
    if (approval === undefined || Date.now() - approval.approvedAtMs > APPROVAL_TTL_MS) return undefined;
    return approval.costUsd;
  }

  /**
   * Checks an estimate's total against the limit and, within it, approves each download.
   * @throws CostLimitExceededError (nothing approved) when the total is above `maxCostUsd`.
   */
  approve(estimate: DatabentoDownloadEstimate): void {
    const { maxCostUsd, totalCostUsd, downloads } = estimate;
    if (maxCostUsd !== undefined && totalCostUsd > maxCostUsd && downloads.length > 0) {
      throw new CostLimitExceededError(
        `Refusing to download ${describeDownloads(downloads)}: Databento estimates $${totalCostUsd.toFixed(4)} in total, above the maxCostUsd limit of $${maxCostUsd.toFixed(2)}. Nothing was downloaded. Narrow the range or symbols, or raise maxCostUsd (setting or DATABENTO_MAX_COST_USD).`,
        { estimatedCostUsd: totalCostUsd, maxCostUsd, request: costedRequest(downloads[0]!.params) },
      );
    }
    const approvedAtMs = Date.now();
    // Approvals a failed call never used expire; drop them so a long-lived source does not accumulate them.
    for (const [key, approval] of this.#approved) {
      if (approvedAtMs - approval.approvedAtMs > APPROVAL_TTL_MS) this.#approved.delete(key);
    }
    for (const download of downloads) {
      this.#approved.set(downloadKey(download.params), { costUsd: download.costUsd, approvedAtMs });
    }
  }

  /** Forgets approvals (those a failed call left unused must not stand in for a later check). */
  forget(downloads: readonly DatabentoPricedDownload[]): void {
    for (const download of downloads) this.#approved.delete(downloadKey(download.params));
  }
}

/** The request as sent to `metadata.get_cost`, for errors. */
export function costedRequest(params: DatabentoDownloadParams): DatabentoCostedRequest {
  return {
    dataset: params.dataset,
    schema: params.schema,
    symbols: typeof params.symbols === 'string' ? [params.symbols] : [...params.symbols],
    stypeIn: params.stypeIn ?? 'raw_symbol',
    start: params.start,
    end: params.end,
    ...(params.limit === undefined ? {} : { limit: params.limit }),
  };
}

/** One line naming a request in logs and errors: dataset, schema, symbols and range. */
export function describeCostedRequest(request: DatabentoCostedRequest): string {
  return `${request.dataset} ${request.schema} ${request.symbols.join(',')} ${request.start.toISOString()}..${request.end.toISOString()}`;
}

function describeDownloads(downloads: readonly DatabentoPricedDownload[]): string {
  const head = describeCostedRequest(costedRequest(downloads[0]!.params));
  return downloads.length === 1 ? head : `${downloads.length} requests (first: ${head})`;
}
