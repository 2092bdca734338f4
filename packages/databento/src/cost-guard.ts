import { costedRequest, type DatabentoDownloadParams, describeCostedRequest } from './cost-approvals.js';
import { CostLimitExceededError } from './errors.js';
import type { DatabentoCallOptions, DatabentoClient } from './historical-client.js';

/**
 * Asks Databento what exactly this request would cost (`metadata.get_cost` with the same dataset, schema,
 * symbols, stype and range) and refuses it when the estimate is above `maxCostUsd`, before a single byte
 * is downloaded. Returns the estimate so downloads can be reported with their cost.
 * @throws CostLimitExceededError with the estimate, the limit and the request in typed fields.
 */
export async function guardCost(
  client: DatabentoClient,
  params: DatabentoDownloadParams,
  maxCostUsd: number | undefined,
  options: DatabentoCallOptions = {},
): Promise<number> {
  const estimatedCostUsd = await client.metadata.getCost(params, options);
  const request = costedRequest(params);
  const described = describeCostedRequest(request);
  client.logger.info(`databento cost estimate $${estimatedCostUsd.toFixed(4)} for ${described}`, {
    estimatedCostUsd,
    ...(maxCostUsd === undefined ? {} : { maxCostUsd }),
  });
  if (maxCostUsd !== undefined && estimatedCostUsd > maxCostUsd) {
    throw new CostLimitExceededError(
      `Refusing to download ${described}: Databento estimates $${estimatedCostUsd.toFixed(4)}, above the maxCostUsd limit of $${maxCostUsd.toFixed(2)}. Narrow the range or symbols, or raise maxCostUsd (setting or DATABENTO_MAX_COST_USD).`,
      { estimatedCostUsd, maxCostUsd, request },
    );
  }
  return estimatedCostUsd;
}
