import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PaperBrokerStateError } from './errors.js';

const assetSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('stock'), symbol: z.string().min(1) }),
  z.strictObject({
    type: z.literal('future'),
    symbol: z.string().min(1),
    year: z.number().int(),
    month: z.number().int().min(1).max(12),
    expiration: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('continuous_future'), symbol: z.string().min(1) }),
  z.strictObject({
    type: z.literal('option'),
    symbol: z.string().min(1),
    expiration: z.string(),
    strike: z.number().positive(),
    right: z.enum(['call', 'put']),
  }),
]);

const instrumentSchema = z.strictObject({
  symbol: z.string().min(1),
  multiplier: z.number().positive(),
  tickSize: z.number().positive(),
  marginPerContract: z.number().nonnegative(),
  cashSettled: z.boolean(),
});

const orderSchema = z.strictObject({
  id: z.string().min(1),
  asset: assetSchema,
  side: z.enum(['buy', 'sell']),
  quantity: z.number().positive(),
  type: z.enum(['market', 'limit', 'stop', 'stop_limit', 'trailing_stop']),
  limitPrice: z.number().positive().optional(),
  stopPrice: z.number().positive().optional(),
  trailPrice: z.number().positive().optional(),
  trailPercent: z.number().positive().optional(),
  timeInForce: z.enum(['day', 'gtc']).optional(),
  tag: z.string().optional(),
  status: z.enum(['open', 'filled', 'canceled', 'rejected']),
  cancelReason: z.enum(['canceled', 'rejected', 'expired', 'roll', 'replaced']).optional(),
  submittedAtMs: z.number(),
  /** Bars opening before this (epoch ms) never fill the order: it did not exist yet. */
  firstBarOpenMs: z.number(),
  stopTriggered: z.boolean(),
  /** Trailing stops: best price seen so far, null before the first bar. */
  trailExtremePrice: z.number().nullable(),
  filledAtMs: z.number().optional(),
  filledPrice: z.number().optional(),
});

const fillSchema = z.strictObject({
  orderId: z.string().min(1),
  asset: assetSchema,
  instrument: instrumentSchema,
  side: z.enum(['buy', 'sell']),
  quantity: z.number().positive(),
  price: z.number(),
  fee: z.number().nonnegative(),
  /** Open of the bar the order filled in, epoch ms. */
  barOpenMs: z.number(),
  realizedPnl: z.number(),
  closedQuantity: z.number().nonnegative(),
});

/** Everything a paper account needs to resume after a crash, as written to its state file. */
export const paperBrokerStateSchema = z.strictObject({
  version: z.literal(1),
  initialCash: z.number().finite(),
  nextOrderId: z.number().int().positive(),
  orders: z.array(orderSchema),
  /** Every fill, oldest first: the ledger (cash, lots) is rebuilt by replaying them. */
  fills: z.array(fillSchema),
  /** Last price of each traded symbol, to value open positions. */
  marks: z.record(z.string(), z.number()),
  /** Per asset key: open of the last bar processed (epoch ms); a bar at or before it is never used again. */
  lastBarOpenMs: z.record(z.string(), z.number()),
});

/** The parsed content of a paper broker state file. */
export type PaperBrokerState = z.infer<typeof paperBrokerStateSchema>;
/** One persisted order. */
export type PaperOrderState = z.infer<typeof orderSchema>;
/** One persisted fill. */
export type PaperFillState = z.infer<typeof fillSchema>;

/**
 * Reads a state file; undefined when it does not exist.
 * @throws PaperBrokerStateError when it exists but is not valid JSON of the expected shape.
 */
export function readPaperBrokerState(stateFile: string): PaperBrokerState | undefined {
  let text: string;
  try {
    text = readFileSync(stateFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PaperBrokerStateError(`Cannot read the paper broker state file ${stateFile}.`, {
      stateFile,
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PaperBrokerStateError(
      `The paper broker state file ${stateFile} is not valid JSON; restore it or move it away to start a fresh account.`,
      { stateFile, cause: error },
    );
  }
  const parsed = paperBrokerStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PaperBrokerStateError(
      `The paper broker state file ${stateFile} is not a valid state (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}); restore it or move it away to start a fresh account.`,
      { stateFile, cause: parsed.error },
    );
  }
  return parsed.data;
}

/** Writes a state file atomically: a temp file in the same folder, then a rename over the old one. */
export function writePaperBrokerState(stateFile: string, state: PaperBrokerState): void {
  mkdirSync(path.dirname(stateFile), { recursive: true });
  const temporary = `${stateFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify(state)}\n`);
    renameSync(temporary, stateFile);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
