import { randomBytes } from 'node:crypto';
import net from 'node:net';
import {
  type DatabentoErrorRecord,
  type DatabentoRecord,
  DatabentoRType,
  type DatabentoSymbolMappingRecord,
  type DatabentoSystemRecord,
  encodedRecordSize,
  encodeMetadata,
  encodeRecordInto,
  isOhlcvRType,
} from '@lb/dbn';
import { cramResponse, parseControlLine, takeLine } from '../control-lines.js';

/** An instrument the mock gateway can resolve symbols to. */
export interface MockLiveInstrument {
  readonly instrumentId: number;
  /** Raw symbol, e.g. `ESH6`. */
  readonly rawSymbol: string;
  /** Parent symbol it belongs to, e.g. `ES.FUT`. */
  readonly parent?: string;
  /** Continuous symbols resolving to it, e.g. `['ES.c.0']`. */
  readonly continuous?: readonly string[];
}

/**
 * A fault injected into one connection (the next connection takes the next queued fault). `afterRecords`
 * counts data records sent in that connection.
 */
export type MockLiveFault =
  | { readonly kind: 'drop'; readonly afterRecords: number }
  | { readonly kind: 'stall'; readonly afterRecords: number }
  | {
      readonly kind: 'error';
      readonly afterRecords: number;
      readonly code: number;
      readonly message: string;
      readonly close?: boolean;
    }
  | { readonly kind: 'slow_reader_warning'; readonly afterRecords: number }
  | { readonly kind: 'auth_failure' }
  | { readonly kind: 'connection_limit' }
  | { readonly kind: 'no_greeting' };

/** Options of {@link startMockDatabentoLive}. */
export interface MockDatabentoLiveOptions {
  /** The only key that authenticates (checked by CRAM, as the gateway does). */
  readonly apiKey: string;
  /** Dataset the mock serves. Default `GLBX.MDP3`. */
  readonly dataset?: string;
  readonly instruments: readonly MockLiveInstrument[];
  /** The tape: every data record the "market" will ever publish, sorted by ts_event (v3 layouts). */
  readonly records: readonly DatabentoRecord[];
  /** Tape records already published when the mock starts (replayable history). Default: all of them. */
  readonly publishedAtStart?: number;
  /** Publish `recordsPerPublish` more tape records every this many ms (live data). Default: never. */
  readonly publishIntervalMs?: number;
  /** Default 1. */
  readonly recordsPerPublish?: number;
  /** Heartbeat interval, overriding the client's `heartbeat_interval_s` (tests need sub-second). */
  readonly heartbeatIntervalMs?: number;
  /** Faults for the first connections, in order. */
  readonly faults?: readonly MockLiveFault[];
}

/** A running mock gateway. */
export interface MockDatabentoLive {
  /** `127.0.0.1:<port>`, for the `gateway` setting or `DATABENTO_LIVE_GATEWAY`. */
  readonly gateway: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly connectionCount: number;
  /** Every line clients sent (auth requests, subscriptions, `start_session`), to check what travels. */
  readonly receivedLines: readonly string[];
  /** Data records sent over all connections (replays included). */
  readonly recordsSent: number;
  /** Tape records published so far. */
  readonly published: number;
  /** Queues faults for the next connections. */
  queueFaults(...faults: MockLiveFault[]): void;
  /** Publishes `count` more tape records (default 1) to every live session. */
  publish(count?: number): void;
  /** Destroys every open connection now (a network drop). */
  dropConnections(): void;
  close(): Promise<void>;
}

const STYPE_IDS: Record<string, number> = { instrument_id: 0, raw_symbol: 1, continuous: 3, parent: 4 };
const INTERVAL_NANOS: Record<number, bigint> = {
  [DatabentoRType.Ohlcv1s]: 1_000_000_000n,
  [DatabentoRType.Ohlcv1m]: 60_000_000_000n,
  [DatabentoRType.Ohlcv1h]: 3_600_000_000_000n,
  [DatabentoRType.Ohlcv1d]: 86_400_000_000_000n,
};
const SCHEMA_RTYPES: Record<string, readonly number[]> = {
  trades: [DatabentoRType.Mbp0],
  'mbp-1': [DatabentoRType.Mbp1],
  tbbo: [DatabentoRType.Mbp1],
  'ohlcv-1s': [DatabentoRType.Ohlcv1s],
  'ohlcv-1m': [DatabentoRType.Ohlcv1m],
  'ohlcv-1h': [DatabentoRType.Ohlcv1h],
  'ohlcv-1d': [DatabentoRType.Ohlcv1d],
  mbo: [DatabentoRType.Mbo],
  definition: [DatabentoRType.InstrumentDefinition],
  statistics: [DatabentoRType.Statistics],
};

interface SessionSubscription {
  readonly rtypes: readonly number[];
  readonly instrumentIds: ReadonlySet<number>;
  readonly startIndex: number;
}

function systemRecord(tsEvent: bigint, code: number, msg: string): DatabentoSystemRecord {
  return { rtype: DatabentoRType.System, publisherId: 0, instrumentId: 0, tsEvent, msg, code };
}

function errorRecord(tsEvent: bigint, code: number, err: string): DatabentoErrorRecord {
  return { rtype: DatabentoRType.Error, publisherId: 0, instrumentId: 0, tsEvent, err, code, isLast: 1 };
}

function nowNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/**
 * Starts a local Databento Live gateway on 127.0.0.1 (random port) that follows the raw protocol: greeting,
 * CRAM challenge (verifies the digest, never sees the key), subscriptions with intraday replay from
 * `start`, `start_session`, then real DBN v3 bytes from the codec's encoder: symbol mappings, subscription
 * acks, data, end-of-interval messages after OHLCV bars, heartbeats when idle. Faults are injected per
 * connection (drop, stall, error message, slow-reader warning, auth failure, connection limit, no greeting).
 */
export async function startMockDatabentoLive(options: MockDatabentoLiveOptions): Promise<MockDatabentoLive> {
  const dataset = options.dataset ?? 'GLBX.MDP3';
  const tape = options.records;
  let published = Math.min(options.publishedAtStart ?? tape.length, tape.length);
  const faults: MockLiveFault[] = [...(options.faults ?? [])];
  const receivedLines: string[] = [];
  const pumps = new Set<() => void>();
  const sockets = new Set<net.Socket>();
  let connectionCount = 0;
  let recordsSent = 0;

  const resolveSymbol = (stypeIn: string, symbol: string): MockLiveInstrument[] => {
    if (symbol === 'ALL_SYMBOLS') return [...options.instruments];
    return options.instruments.filter((instrument) => {
      if (stypeIn === 'parent') return instrument.parent === symbol;
      if (stypeIn === 'continuous') return instrument.continuous?.includes(symbol) ?? false;
      if (stypeIn === 'instrument_id') return String(instrument.instrumentId) === symbol;
      return instrument.rawSymbol === symbol;
    });
  };

  const firstIndexAtOrAfter = (startNanos: bigint): number => {
    let low = 0;
    let high = published;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (tape[middle]!.tsEvent < startNanos) low = middle + 1;
      else high = middle;
    }
    return low;
  };

  const server = net.createServer((socket) => {
    connectionCount++;
    sockets.add(socket);
    const fault = faults.shift();
    let input: Uint8Array = new Uint8Array(0);
    let stage: 'auth' | 'subscribe' | 'stream' = 'auth';
    let challenge = '';
    let heartbeatMs = options.heartbeatIntervalMs ?? 30_000;
    const subscriptions: SessionSubscription[] = [];
    const pending: DatabentoRecord[] = [];
    let nextIndex = Number.POSITIVE_INFINITY;
    let sentInSession = 0;
    let stalled = false;
    let waitingForDrain = false;
    let heartbeatTimer: NodeJS.Timeout | undefined;
    const lastBarOpen = new Map<number, bigint>();
    let closed = false;

    const cleanup = () => {
      closed = true;
      clearTimeout(heartbeatTimer);
      pumps.delete(pump);
      sockets.delete(socket);
    };
    socket.on('close', cleanup);
    socket.on('error', () => socket.destroy());

    const writeRecords = (records: readonly DatabentoRecord[]): boolean => {
      let size = 0;
      for (const record of records) size += encodedRecordSize(record);
      const bytes = new Uint8Array(size);
      const view = new DataView(bytes.buffer);
      let offset = 0;
      for (const record of records) offset += encodeRecordInto(record, bytes, view, offset);
      armHeartbeat();
      return socket.write(bytes);
    };

    const armHeartbeat = () => {
      clearTimeout(heartbeatTimer);
      if (stalled || closed) return;
      heartbeatTimer = setTimeout(() => {
        if (!stalled && !closed) writeRecords([systemRecord(nowNanos(), 0, 'Heartbeat')]);
      }, heartbeatMs);
    };

    // Data records due for this session (between its position and the published cursor), written in
    // batches and only while the socket accepts more: a slow client slows the mock, never its memory.
    function pump(): void {
      if (stage !== 'stream' || stalled || closed || waitingForDrain) return;
      const batch: DatabentoRecord[] = pending.splice(0);
      while (nextIndex < published && batch.length < 512) {
        const index = nextIndex++;
        const record = tape[index]!;
        const wanted = subscriptions.some(
          (subscription) =>
            index >= subscription.startIndex &&
            subscription.rtypes.includes(record.rtype) &&
            subscription.instrumentIds.has(record.instrumentId),
        );
        if (!wanted) continue;
        if (isOhlcvRType(record.rtype)) {
          const previous = lastBarOpen.get(record.rtype);
          if (previous !== undefined && previous < record.tsEvent) {
            batch.push(systemRecord(previous + (INTERVAL_NANOS[record.rtype] ?? 0n), 4, 'End of interval'));
          }
          lastBarOpen.set(record.rtype, record.tsEvent);
        }
        batch.push(record);
        sentInSession++;
        recordsSent++;
        if (fault !== undefined && 'afterRecords' in fault && sentInSession === fault.afterRecords) {
          if (fault.kind === 'drop') {
            if (batch.length > 0) writeRecords(batch);
            socket.destroy();
            return;
          }
          if (fault.kind === 'stall') {
            if (batch.length > 0) writeRecords(batch);
            stalled = true;
            clearTimeout(heartbeatTimer);
            return;
          }
          if (fault.kind === 'error') {
            batch.push(errorRecord(record.tsEvent, fault.code, fault.message));
            if (fault.close) {
              writeRecords(batch);
              socket.end();
              return;
            }
          }
          if (fault.kind === 'slow_reader_warning') {
            batch.push(systemRecord(record.tsEvent, 2, 'Warning: slow reading, session is behind real time'));
          }
        }
      }
      if (nextIndex >= tape.length && nextIndex >= published) {
        // End of the tape: close the last bar of each OHLCV schema.
        for (const [rtype, open] of lastBarOpen) {
          batch.push(systemRecord(open + (INTERVAL_NANOS[rtype] ?? 0n), 4, 'End of interval'));
        }
        lastBarOpen.clear();
      }
      if (batch.length === 0) return;
      if (!writeRecords(batch)) {
        waitingForDrain = true;
        socket.once('drain', () => {
          waitingForDrain = false;
          pump();
        });
        return;
      }
      if (nextIndex < published) setImmediate(pump);
    }

    const subscribe = (fields: Map<string, string>, beforeStart: boolean) => {
      const schema = fields.get('schema') ?? '';
      const stypeIn = fields.get('stype_in') ?? 'raw_symbol';
      const id = fields.get('id') ?? '0';
      const instruments: MockLiveInstrument[] = [];
      for (const symbol of (fields.get('symbols') ?? '').split(',')) {
        const resolved = resolveSymbol(stypeIn, symbol);
        if (resolved.length === 0) {
          pending.push(errorRecord(nowNanos(), 4, `Failed to resolve symbol: ${symbol}`));
          continue;
        }
        for (const instrument of resolved) {
          instruments.push(instrument);
          const mapping: DatabentoSymbolMappingRecord = {
            rtype: DatabentoRType.SymbolMapping,
            publisherId: 0,
            instrumentId: instrument.instrumentId,
            tsEvent: nowNanos(),
            stypeIn: STYPE_IDS[stypeIn] ?? 1,
            stypeInSymbol: symbol,
            stypeOut: 1,
            stypeOutSymbol: instrument.rawSymbol,
            startTs: 0n,
            endTs: 18446744073709551615n,
          };
          pending.push(mapping);
        }
      }
      const start = fields.get('start');
      const startIndex = beforeStart && start !== undefined ? firstIndexAtOrAfter(BigInt(start)) : published;
      subscriptions.push({
        rtypes: SCHEMA_RTYPES[schema] ?? [],
        instrumentIds: new Set(instruments.map((instrument) => instrument.instrumentId)),
        startIndex,
      });
      if (fields.get('is_last') !== '0')
        pending.push(systemRecord(nowNanos(), 1, `Subscription request ${id} for ${schema} data succeeded`));
      nextIndex = Math.min(nextIndex, startIndex);
    };

    socket.on('data', (chunk: Buffer) => {
      const joined = new Uint8Array(input.length + chunk.length);
      joined.set(input, 0);
      joined.set(chunk, input.length);
      input = joined;
      for (;;) {
        const taken = takeLine(input);
        if (taken === undefined) break;
        input = taken.rest;
        receivedLines.push(taken.line);
        const fields = parseControlLine(taken.line);
        if (stage === 'auth') {
          if (
            fault?.kind === 'auth_failure' ||
            fields.get('auth') !== cramResponse(challenge, options.apiKey)
          ) {
            socket.end('success=0|error=Authentication failed.\n');
            return;
          }
          if (fault?.kind === 'connection_limit') {
            socket.end('success=0|error=User has reached their open connection limit\n');
            return;
          }
          if (fields.get('dataset') !== dataset) {
            socket.end(`success=0|error=Unknown dataset ${fields.get('dataset')}\n`);
            return;
          }
          const heartbeatSeconds = Number(fields.get('heartbeat_interval_s'));
          if (options.heartbeatIntervalMs === undefined && heartbeatSeconds > 0)
            heartbeatMs = heartbeatSeconds * 1000;
          socket.write(`success=1|session_id=${1_700_000_000 + connectionCount}\n`);
          stage = 'subscribe';
        } else if (taken.line.startsWith('start_session')) {
          if (stage !== 'subscribe') continue;
          stage = 'stream';
          socket.write(
            encodeMetadata({
              dataset,
              schema: null,
              startNanos: nowNanos(),
              stypeIn: null,
              stypeOut: 'instrument_id',
            }),
          );
          if (nextIndex === Number.POSITIVE_INFINITY) nextIndex = published;
          pumps.add(pump);
          armHeartbeat();
          pump();
        } else if (fields.has('schema')) {
          subscribe(fields, stage === 'subscribe');
          if (stage === 'stream') pump();
        }
      }
    });

    if (fault?.kind === 'no_greeting') return;
    challenge = randomBytes(24).toString('base64url').slice(0, 32);
    socket.write(`lsg_version=0.4.2-mock\ncram=${challenge}\n`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const publish = (count = 1) => {
    published = Math.min(tape.length, published + count);
    for (const pump of pumps) pump();
  };
  const publisher =
    options.publishIntervalMs === undefined
      ? undefined
      : setInterval(() => publish(options.recordsPerPublish ?? 1), options.publishIntervalMs);

  return {
    gateway: `127.0.0.1:${port}`,
    port,
    get connectionCount() {
      return connectionCount;
    },
    receivedLines,
    get recordsSent() {
      return recordsSent;
    },
    get published() {
      return published;
    },
    queueFaults: (...more) => {
      faults.push(...more);
    },
    publish,
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: async () => {
      clearInterval(publisher);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
