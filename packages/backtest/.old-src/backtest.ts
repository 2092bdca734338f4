import {
  createTradingFee,
  type DataSourceV1,
  getMarketCalendar,
  InvalidArgumentError,
  InvalidSettingsError,
  listIssues,
  parseInstant,
  parseTimestep,
  type TradingFee,
} from '@lb/core';
import { z } from 'zod';
import { parseSleeptime, type SessionCalendar } from './clock.js';
import { runEventLoop } from './event-loop.js';
import type { InstrumentOverride } from './instruments.js';
import type { OrderRecord, PositionRecord, TradeRecord } from './simulated-broker.js';
import type { BacktestStats } from './stats.js';
import { Strategy } from './strategy.js';

/** Options of {@link backtest}. */
export interface BacktestOptions<S extends Strategy<object> = Strategy<object>> {
  /** The strategy instance to run (`new MyStrategy()`). */
  readonly strategy: S;
  readonly dataSource: DataSourceV1;
  /** First instant of the backtest: a Date or an ISO 8601 string (read as UTC when it has no zone). */
  readonly start: Date | string;
  /** End of the backtest, exclusive. */
  readonly end: Date | string;
  /** Starting cash. Default 100,000. */
  readonly budget?: number;
  /** Fee schedules applied to every order, on each side (see `createTradingFee`). */
  readonly fees?: Partial<TradingFee> | ReadonlyArray<Partial<TradingFee>>;
  /** Adverse slippage on market and stop fills, in ticks of the instrument. Default 0. */
  readonly slippage?: number;
  /** Session calendar; defaults to @lb/core's calendar for the strategy's `market`. */
  readonly calendar?: SessionCalendar;
  /** Multiplier, tick size and margin by root (`MES`) or contract (`MESH5`), over the source's specs. */
  readonly instruments?: Readonly<Record<string, InstrumentOverride>>;
  /** Continuous futures: roll held positions into the new contract at each roll. Default true. */
  readonly autoRoll?: boolean;
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
  /** Aborts the run (data loads and the loop); the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** The result of a backtest: plain JSON-ready data, identical for identical inputs. */
export interface BacktestResult {
  readonly strategy: string;
  readonly start: string;
  readonly end: string;
  readonly budget: number;
  readonly parameters: Record<string, unknown>;
  /** Number of iterations run. */
  readonly iterations: number;
  /** Value after each iteration, with the iteration instants in epoch milliseconds. */
  readonly equityCurve: {
    readonly timestampsMs: number[];
    readonly portfolioValue: number[];
    readonly cash: number[];
  };
  readonly trades: TradeRecord[];
  readonly orders: OrderRecord[];
  /** Positions over time: one entry each time a fill changed a position. */
  readonly positions: PositionRecord[];
  /** Positions still open at the end. */
  readonly finalPositions: Array<{
    symbol: string;
    quantity: number;
    averagePrice: number;
    lastPrice: number;
  }>;
  readonly stats: BacktestStats;
  /** Every log line (`<ISO time> <message>`), warnings included. */
  readonly logs: string[];
}

// Zone-less strings are read as UTC (core's parseInstant), so a backtest means the same on every machine.
const instantSchema = z
  .union([z.date(), z.string()], { error: 'must be a Date or an ISO 8601 string' })
  .transform((value, context) => {
    const time = typeof value === 'string' ? Date.parse(value) : value.getTime();
    if (Number.isNaN(time)) {
      context.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a valid date` });
      return z.NEVER;
    }
    return parseInstant(value).getTime();
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
  fees: z.preprocess(
    (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
    z.array(feeInputSchema),
  ),
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
  fillTimestep: z.string().default('1m'),
  parameters: z.record(z.string(), z.unknown()).optional(),
  riskFreeRate: z.number().finite().default(0),
  onProgress: z
    .custom<(done: number, total: number) => void>((value) => typeof value === 'function')
    .optional(),
  logger: z.custom<(line: string) => void>((value) => typeof value === 'function').optional(),
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
  if (settings.start >= settings.end) {
    throw new InvalidArgumentError(
      `Backtest start ${new Date(settings.start).toISOString()} must be before end ${new Date(settings.end).toISOString()}.`,
      { argument: 'start' },
    );
  }
  const strategy = settings.strategy;
  return runEventLoop({
    strategy,
    dataSource: settings.dataSource,
    startMs: settings.start,
    endMs: settings.end,
    budget: settings.budget,
    fees: settings.fees,
    slippageTicks: settings.slippage,
    calendar: settings.calendar ?? getMarketCalendar(strategy.market),
    sleeptimeMs: parseSleeptime(strategy.sleeptime),
    fillTimestep: parseTimestep(settings.fillTimestep),
    instruments: settings.instruments,
    autoRoll: settings.autoRoll,
    parameters: settings.parameters ?? {},
    riskFreeRate: settings.riskFreeRate,
    ...(settings.onProgress === undefined ? {} : { onProgress: settings.onProgress }),
    ...(settings.logger === undefined ? {} : { logger: settings.logger }),
    ...(settings.signal === undefined ? {} : { signal: settings.signal }),
  });
}
