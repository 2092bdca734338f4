import { createHash } from 'node:crypto';

/** Symbols per subscription line: both official clients split longer lists into chunks of this size. */
export const SUBSCRIPTION_CHUNK_SIZE = 500;

/**
 * Parses one control line (`key=value|key=value`), tolerating a trailing `|`, a `\r` and unknown keys.
 * Each field is split on its first `=` only, since values may contain `=`.
 */
export function parseControlLine(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const token of line.replace(/\r?\n?$/, '').split('|')) {
    if (token.length === 0) continue;
    const equals = token.indexOf('=');
    if (equals < 0) fields.set(token, '');
    else fields.set(token.slice(0, equals), token.slice(equals + 1));
  }
  return fields;
}

/** Formats fields as one control line with its trailing newline. */
export function formatControlLine(fields: ReadonlyArray<readonly [string, string | number]>): string {
  return `${fields.map(([key, value]) => `${key}=${value}`).join('|')}\n`;
}

/**
 * The CRAM response: SHA-256 of `challenge|apiKey` in hex, then `-` and the key's last five characters
 * (the "bucket id" the gateway uses to find candidate keys). The key itself never travels.
 */
export function cramResponse(challenge: string, apiKey: string): string {
  const digest = createHash('sha256').update(`${challenge}|${apiKey}`, 'utf8').digest('hex');
  return `${digest}-${apiKey.slice(-5)}`;
}

/** Fields of the authentication request line. */
export interface AuthRequestInput {
  readonly challenge: string;
  readonly apiKey: string;
  readonly dataset: string;
  readonly heartbeatIntervalSeconds?: number;
  readonly client: string;
}

/** The authentication request line (`auth=…|dataset=…|encoding=dbn|…`). */
export function formatAuthRequest(input: AuthRequestInput): string {
  const fields: [string, string | number][] = [
    ['auth', cramResponse(input.challenge, input.apiKey)],
    ['dataset', input.dataset],
    ['encoding', 'dbn'],
    ['compression', 'none'],
    ['ts_out', 0],
  ];
  if (input.heartbeatIntervalSeconds !== undefined) {
    fields.push(['heartbeat_interval_s', input.heartbeatIntervalSeconds]);
  }
  fields.push(['client', input.client.replace(/[|\n]/g, ' ')]);
  return formatControlLine(fields);
}

/** Symbology of a live subscription: contracts, parents (`ES.FUT`) or continuous symbols (`ES.c.0`). */
export type DatabentoLiveSType = 'raw_symbol' | 'parent' | 'continuous' | 'instrument_id';

/** One subscription as the client stores it (and re-sends after a reconnect). */
export interface DatabentoLiveSubscription {
  /** Schema such as `trades` or `ohlcv-1m`. */
  readonly schema: string;
  /** Symbology of `symbols`; `raw_symbol` by default. */
  readonly stypeIn?: DatabentoLiveSType;
  /** Symbols, or `['ALL_SYMBOLS']`. */
  readonly symbols: readonly string[];
  /** Intraday replay from this instant (UTC ns, inclusive); only honoured before `start_session`. */
  readonly startNanos?: bigint;
}

/**
 * Subscription lines for one subscription: chunks of at most {@link SUBSCRIPTION_CHUNK_SIZE} symbols with
 * identical fields, `is_last=1` only on the final chunk. `ALL_SYMBOLS` is never chunked.
 */
export function formatSubscriptionLines(subscription: DatabentoLiveSubscription, id: number): string[] {
  const symbols = subscription.symbols;
  const chunks: string[][] = [];
  for (let index = 0; index < symbols.length; index += SUBSCRIPTION_CHUNK_SIZE) {
    chunks.push(symbols.slice(index, index + SUBSCRIPTION_CHUNK_SIZE));
  }
  return chunks.map((chunk, index) => {
    const fields: [string, string | number][] = [
      ['schema', subscription.schema],
      ['stype_in', subscription.stypeIn ?? 'raw_symbol'],
      ['symbols', chunk.join(',')],
    ];
    if (subscription.startNanos !== undefined) fields.push(['start', subscription.startNanos.toString()]);
    fields.push(['snapshot', 0], ['id', id], ['is_last', index === chunks.length - 1 ? 1 : 0]);
    return formatControlLine(fields);
  });
}

/**
 * Splits complete `\n`-terminated lines off the front of a byte buffer. Control lines are read from
 * bytes because the auth response can share a TCP segment with what follows it.
 */
export function takeLine(buffer: Uint8Array): { line: string; rest: Uint8Array } | undefined {
  const newline = buffer.indexOf(0x0a);
  if (newline < 0) return undefined;
  return {
    line: Buffer.from(buffer.buffer, buffer.byteOffset, newline).toString('latin1'),
    rest: buffer.subarray(newline + 1),
  };
}
