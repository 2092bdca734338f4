import { UsageError } from './usage-error.js';

/** Estimates above this many USD need `--yes` unless `--confirm-above-usd` or `LB_CONFIRM_ABOVE_USD` say otherwise. */
export const DEFAULT_CONFIRM_ABOVE_USD = 1;

/**
 * The confirmation threshold in USD: the `--confirm-above-usd` option, else `LB_CONFIRM_ABOVE_USD`, else
 * {@link DEFAULT_CONFIRM_ABOVE_USD}.
 * @throws UsageError naming the option or variable when it is not a number of dollars, 0 or more.
 */
export function resolveConfirmAboveUsd(
  option: string | number | undefined,
  environment: NodeJS.ProcessEnv = process.env,
): number {
  const fromEnvironment = environment.LB_CONFIRM_ABOVE_USD;
  const [text, name] =
    option !== undefined
      ? [String(option), '--confirm-above-usd']
      : fromEnvironment !== undefined && fromEnvironment.trim() !== ''
        ? [fromEnvironment, 'LB_CONFIRM_ABOVE_USD']
        : [undefined, ''];
  if (text === undefined) return DEFAULT_CONFIRM_ABOVE_USD;
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(
      `${name} must be an amount in USD, 0 or more (like 5 or 0.50); got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/**
 * Refuses a download whose estimate is above the threshold unless the user confirmed with `--yes`.
 * @throws UsageError saying how to confirm or lower the cost.
 */
export function confirmEstimatedCost(confirmation: {
  readonly estimatedCostUsd: number;
  readonly thresholdUsd: number;
  readonly yes: boolean;
}): void {
  if (confirmation.estimatedCostUsd > confirmation.thresholdUsd && !confirmation.yes) {
    throw new UsageError(
      `The estimated cost $${confirmation.estimatedCostUsd.toFixed(2)} exceeds $${confirmation.thresholdUsd.toFixed(2)}: rerun with --yes to download.`,
    );
  }
}
