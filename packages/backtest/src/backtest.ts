import {
  type Asset,
  createTradingFee,
  type DataSourceV1,
  getMarketCalendar,
  InvalidArgumentError,
  InvalidSettingsError,
  listIssues,
  marketTimeZone,
  parseInstant,
  parseMarketInstant,
  parseSleeptime,
  parseTimestep,
  Strategy,
  type TradingFee,
} from '@lb/core';
import { z } from 'zod';
import type { BacktestResult } from './backtest-result.js';
import type { SessionCalendar } from './clock.js';
import { runEventLoop } from './event-loop.js';
import type { InstrumentOverride } from './instruments.js';
import type { RollExitOrders } from './simulated-broker.js';

export type { BacktestResult, BacktestStatsRow } from './backtest-result.js';

/** Options of {@link backtest}. */
export interface BacktestOptions<S extends Strategy<object> = Strategy<object>> {
  /** The strategy instance to run (`new MyStrategy()`). */
  readonly strategy: S;
  readonly dataSource: DataSourceV1;
  /**
   * First instant of the backtest: a Date or an ISO 8601 string. A string without a zone is read on the
   * market's wall clock, like Lumibot (`2024-01-03` is midnight New York for `us_futures` and `nyse`, UTC
   * for `24/7`); `result.start` is the instant used.
   */
  readonly start: Date | string;
  /** End of the backtest, exclusive; read like `start`. */
  readonly end: Date | string;
  /** Starting cash. Default 100,000. */
  readonly budget?: number;
  /** Fee schedules charged on every fill, buy and sell (see `createTradingFee`). */
  readonly fees?: Partial<TradingFee> | ReadonlyArray<Partial<TradingFee>>;
  /** Extra fee schedules charged on buy fills only (Lumibot's `buy_trading_fees`). */
  readonly buyFees?: Partial<TradingFee> | ReadonlyArray<Partial<TradingFee>>;
  /** Extra fee schedules charged on sell fills only (Lumibot's `sell_trading_fees`). */
  readonly sellFees?: Partial<TradingFee> | ReadonlyArray<Partial<TradingFee>>;
  /** Adverse slippage on market and stop fills, in ticks of the instrument. Default 0. */
  readonly slippage?: number;
  /** Session calendar; defaults to @lb/core's calendar for the strategy's `market`. */
  readonly calendar?: SessionCalendar;
  /** Multiplier, tick size and margin by root (`MES`) or contract (`MESH5`), over the source's specs. */
  readonly instruments?: Readonly<Record<string, InstrumentOverride>>;
  /** Continuous futures: roll held positions into the new contract at each roll. Default true. */
  readonly autoRoll?: boolean;
  /**
   * At an automatic roll, orders still working on the continuous future (stops, limits, bracket legs):
   * `move` (default) shifts their prices by the roll spread (new contract's open minus old contract's
   * close); `cancel` cancels them with `onCanceledOrder(order, 'roll')`.
   */
  readonly rollExitOrders?: RollExitOrders;
  /**
   * An asset whose buy-and-hold value is recorded beside the equity curve (`result.equityCurve.benchmark`).
   * Default: the first traded asset (its continuous series when traded through one).
   */
  readonly benchmarkAsset?: Asset;
  /** Bars the broker fills orders on and prices positions with. Default `1m`. */
  readonly fillTimestep?: string;
  /** Merged over the strategy's own `parameters` before `initialize`. */
  readonly parameters?: Partial<S['parameters']>;
  /** Annual risk-free rate used by the Sharpe ratio. Default 0. */
  readonly riskFreeRate?: number;
  /** Called with iterations done and the total, about a hundred times per run and at the end. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Receives every log line as it is written (lines are also kept in the result). */
  readonly logger?: (line: string) => void;
  /** Receives each warning once (also in `result.warnings`). Default: written to stderr. */
  readonly onWarning?: (message: string) => void;
  /** Aborts the run (data loads and the loop); the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

// Checked here, read later in the market's time zone (which depends on the strategy).
const instantSchema = z
  .union([z.date(), z.string()], { error: 'must be a Date or an ISO 8601 string' })
  .superRefine((value, context) => {
    try {
      parseInstant(value);
    } catch {
      context.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a valid date` });
    }
  });

// Validated here through createTradingFee so a bad fee is reported with the other option issues.
const feeInputSchema = z
  .looseObject({}, { error: 'must be a TradingFee object (see createTradingFee)' })
  .transform((value, context) => {
    try {
      return createTradingFee(value as Partial<TradingFee>);
    } catch (error) {
      context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });

// One fee or a list: normalised to a list first, so a bad fee's issue names its index, not the union.
const feeListSchema = z.preprocess(
  (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
  z.array(feeInputSchema),
);

const optionsSchema = z.object({
  strategy: z.custom<Strategy<object>>((value) => Strategy.isInstance(value), {
    error: 'must be a Strategy instance, e.g. new MyStrategy()',
  }),
  dataSource: z.custom<DataSourceV1>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      (value as DataSourceV1).specificationVersion === 'v1' &&
      typeof (value as DataSourceV1).doFetchBars === 'function',
    { error: 'must implement DataSourceV1 (specificationVersion "v1" and doFetchBars)' },
  ),
  start: instantSchema,
  end: instantSchema,
  budget: z.number().finite().positive({ error: 'must be a positive amount' }).default(100_000),
  // One fee or a list: normalised to a list first, so a bad fee's issue names its index, not the union.
  fees: feeListSchema,
  buyFees: feeListSchema,
  sellFees: feeListSchema,
  slippage: z.number().finite().nonnegative({ error: 'must be a number of ticks >= 0' }).default(0),
  calendar: z
    .custom<SessionCalendar>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        typeof (value as SessionCalendar).sessions === 'function',
      { error: 'must have a sessions(start, end) method (see getMarketCalendar)' },
    )
    .optional(),
  instruments: z
    .record(
      z.string(),
      z.strictObject({
        multiplier: z.number().finite().positive(),
        tickSize: z.number().finite().positive(),
        margin: z.number().finite().nonnegative().optional(),
      }),
    )
    .default({}),
  autoRoll: z.boolean().default(true),
  rollExitOrders: z.enum(['move', 'cancel']).default('move'),
  benchmarkAsset: z
    .custom<Asset>((value) => typeof value === 'object' && value !== null && 'type' in value, {
      error: 'must be an Asset (e.g. future("ESH4"))',
    })
    .optional(),
  fillTimestep: z.string().default('1m'),
  parameters: z.record(z.string(), z.unknown()).optional(),
  riskFreeRate: z.number().finite().default(0),
  onProgress: z
    .custom<(done: number, total: number) => void>((value) => typeof value === 'function')
    .optional(),
  logger: z.custom<(line: string) => void>((value) => typeof value === 'function').optional(),
  onWarning: z.custom<(message: string) => void>((value) => typeof value === 'function').optional(),
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal).optional(),
});

/**
 * Runs a strategy over historical data with a simulated broker and returns trades, the equity curve and
 * statistics, like Lumibot's `strategy.backtest(DataBentoDataBacktesting, start, end)`.
 * @throws InvalidSettingsError when options fail validation (each bad field is listed).
 * @throws InvalidArgumentError when the period is empty or the sleeptime is malformed.
 * @throws MissingInstrumentSpecError when a traded future's multiplier is unknown.
 */
export async function backtest<S extends Strategy<object>>(
  options: BacktestOptions<S>,
): Promise<BacktestResult> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = listIssues(parsed.error);
    throw new InvalidSettingsError(
      `Invalid backtest options: ${issues.map((issue) => `${issue.path || '(options)'}: ${issue.message}`).join('; ')}.`,
      { issues, cause: parsed.error },
    );
  }
  const settings = parsed.data;
  const strategy = settings.strategy;
  // Fail before any data load on a malformed sleeptime; it is read again after initialize().
  parseSleeptime(strategy.sleeptime);
  const calendarZone = (settings.calendar as { readonly timeZone?: unknown } | undefined)?.timeZone;
  const timeZone = typeof calendarZone === 'string' ? calendarZone : marketTimeZone(strategy.market);
  const startMs = parseMarketInstant(settings.start, timeZone, 'start').getTime();
  const endMs = parseMarketInstant(settings.end, timeZone, 'end').getTime();
  if (startMs >= endMs) {
    throw new InvalidArgumentError(
      `Backtest start ${new Date(startMs).toISOString()} must be before end ${new Date(endMs).toISOString()}.`,
      { argument: 'start' },
    );
  }
  return runEventLoop({
    strategy,
    dataSource: settings.dataSource,
    startMs,
    endMs,
    budget: settings.budget,
    buyFees: [...settings.fees, ...settings.buyFees],
    sellFees: [...settings.fees, ...settings.sellFees],
    slippageTicks: settings.slippage,
    calendar: settings.calendar,
    calendarOf: getMarketCalendar,
    timeZoneOf: (market) => (typeof calendarZone === 'string' ? calendarZone : marketTimeZone(market)),
    fillTimestep: parseTimestep(settings.fillTimestep),
    instruments: settings.instruments,
    autoRoll: settings.autoRoll,
    rollExitOrders: settings.rollExitOrders,
    benchmarkAsset: settings.benchmarkAsset,
    parameters: settings.parameters ?? {},
    riskFreeRate: settings.riskFreeRate,
    onWarning: settings.onWarning ?? ((message) => process.stderr.write(`warning: ${message}\n`)),
    ...(settings.onProgress === undefined ? {} : { onProgress: settings.onProgress }),
    ...(settings.logger === undefined ? {} : { logger: settings.logger }),
    ...(settings.signal === undefined ? {} : { signal: settings.signal }),
  });
}
