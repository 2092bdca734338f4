import { EventEmitter } from 'node:events';
import { InvalidArgumentError, parseInstant } from '@lb/core';
import {
  type DatabentoAnyVersionRecord,
  type DatabentoErrorRecord,
  type DatabentoRecord,
  DatabentoRType,
  type DatabentoSymbolMappingRecord,
  type DatabentoSystemRecord,
} from '@lb/dbn';
import type { DatabentoLiveSType, DatabentoLiveSubscription } from './control-lines.js';
import { DatabentoLiveError } from './errors.js';
import { resolveGateway } from './gateway-address.js';
import {
  type DatabentoLiveGatewayError,
  type DatabentoLiveGatewayErrorKind,
  type DatabentoLiveSystemMessage,
  RTYPE_BY_SCHEMA,
  toGatewayError,
  toSystemMessage,
} from './gateway-messages.js';
import { LiveSession } from './live-session.js';
import { createRedactingLiveLogger, type LiveLogger } from './logger.js';
import { RecordDeduplicator } from './record-deduplicator.js';
import { RecordQueue } from './record-queue.js';
import { type DatabentoLiveSettings, loadLiveApiKey, validateLiveSettings } from './settings.js';

/** Sent in the auth request so Databento can tell clients apart. */
export const DATABENTO_LIVE_CLIENT_NAME = 'lb-databento-live/0.1.0 node';

/** A subscription as callers give it. */
export interface DatabentoLiveSubscriptionInput {
  /** Schema such as `trades`, `ohlcv-1s`, `ohlcv-1m` or `ohlcv-1h`. */
  readonly schema: string;
  /** One symbol or several: `ESH6`, `ES.FUT` (stypeIn `parent`), `ES.c.0` (stypeIn `continuous`). */
  readonly symbols: string | readonly string[];
  /** Symbology of `symbols`; `raw_symbol` by default. */
  readonly stypeIn?: DatabentoLiveSType;
  /**
   * Intraday replay from this instant (inclusive; about the last 24 h are available). Only honoured for
   * subscriptions made before `start()`; an ISO string without zone is UTC.
   */
  readonly start?: Date | string | bigint;
}

/** What the gateway's symbol mapping says about an instrument. */
export interface LiveSymbolMapping {
  readonly instrumentId: number;
  /** The symbol as subscribed (`ES.c.0`, `ES.FUT`, `ESH6`). */
  readonly subscribedSymbol: string;
  /** Symbology of `subscribedSymbol`. */
  readonly stypeIn: DatabentoLiveSType | 'unknown';
  /** The instrument's raw symbol (`ESH6`). */
  readonly rawSymbol: string;
}

/** A data record with its symbol, as delivered to the consumer. */
export interface LiveRecord {
  /** The decoded record (v3 layout). Prices are raw 1e-9 fixed-point bigints. */
  readonly record: DatabentoRecord;
  /** The symbol mapping of the record's instrument, undefined if the gateway sent none. */
  readonly mapping: LiveSymbolMapping | undefined;
  /** `process.hrtime.bigint()` when the socket chunk holding the record's last byte arrived. */
  readonly receivedAtHrtimeNanos: bigint;
}

/** Passed to `reconnecting` listeners before each wait. */
export interface LiveReconnectInfo {
  /** 1 for the first retry after a working session failed. */
  readonly attempt: number;
  readonly delayMs: number;
  /** Why the previous session ended. */
  readonly error: DatabentoLiveError;
}

/** Events of a {@link DatabentoLiveClient}; listeners are typed by name. */
export interface DatabentoLiveEvents {
  /** Each data record, after deduplication. A returned promise is awaited before the next record (backpressure). */
  record: (record: LiveRecord) => void | Promise<void>;
  /** A symbol mapping arrived (they also arrive again after every reconnect). */
  symbolMapping: (mapping: LiveSymbolMapping) => void;
  /** A gateway system message: heartbeat, subscription ack, slow-reader warning, replay completed, end of interval. */
  system: (message: DatabentoLiveSystemMessage) => void;
  /** A gateway error message (e.g. `symbol_resolution_failed`); the session may continue. */
  gatewayError: (error: DatabentoLiveGatewayError) => void;
  /** A session failed and the client will reconnect after `delayMs`. */
  reconnecting: (info: LiveReconnectInfo) => void;
  /** A new session is streaming; its subscriptions replay from the last record seen. */
  connected: (info: { readonly sessionId: string; readonly sessionNumber: number }) => void;
  /** A fatal failure (rejected key, connection limit, retries exhausted). The client is closed. */
  error: (error: DatabentoLiveError) => void;
}

/** Counters for monitoring and tests. */
export interface DatabentoLiveStats {
  /** Sessions that reached the stream (1 + successful reconnects). */
  readonly sessions: number;
  /** Data records delivered to the queue. */
  readonly records: number;
  /** Replayed records dropped as already delivered. */
  readonly duplicatesDropped: number;
  /** Records currently queued for the consumer. */
  readonly queued: number;
  /** Most records ever queued at once. */
  readonly peakQueued: number;
  /** Times the socket was paused because the consumer fell behind. */
  readonly pauses: number;
}

/** A Databento Live client for one dataset (see {@link createDatabentoLive}). */
export interface DatabentoLiveClient {
  readonly dataset: string;
  /** `host:port` of the gateway in use. */
  readonly gateway: string;
  /** Adds a subscription. Before `start()` it may replay from `start`; after, it is live only. */
  subscribe(subscription: DatabentoLiveSubscriptionInput): void;
  /**
   * Connects (retrying retryable failures with backoff) and resolves once the first session streams.
   * Aborting `signal` closes the client.
   * @throws DatabentoLiveError for a fatal failure (`authentication_failed`, `connection_limit`, ...).
   */
  start(options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * Data records in arrival order, deduplicated across reconnects; starts the client if needed. Ends
   * when the client is closed; throws the fatal error if one occurs. One consumer per client.
   */
  records(options?: { signal?: AbortSignal }): AsyncGenerator<LiveRecord>;
  [Symbol.asyncIterator](): AsyncGenerator<LiveRecord>;
  on<Name extends keyof DatabentoLiveEvents>(name: Name, listener: DatabentoLiveEvents[Name]): this;
  off<Name extends keyof DatabentoLiveEvents>(name: Name, listener: DatabentoLiveEvents[Name]): this;
  /** The symbol mapping of an instrument id, if the gateway sent one. */
  mappingFor(instrumentId: number): LiveSymbolMapping | undefined;
  /** The latest end-of-interval time per schema rtype seen, UTC ns (a bar ending at or before it is final). */
  readonly intervalClosedThroughNanos: bigint;
  readonly stats: DatabentoLiveStats;
  /** Closes the connection; iteration ends after the queued records. */
  close(): Promise<void>;
}

const STYPE_NAMES = ['instrument_id', 'raw_symbol', 'smart', 'continuous', 'parent'] as const;
const FATAL_GATEWAY_ERRORS: ReadonlySet<DatabentoLiveGatewayErrorKind> = new Set([
  'auth_failed',
  'api_key_deactivated',
  'connection_limit_exceeded',
]);

function toNanos(start: Date | string | bigint): bigint {
  if (typeof start === 'bigint') return start;
  return BigInt(parseInstant(start, 'start').getTime()) * 1_000_000n;
}

class LiveClient extends EventEmitter implements DatabentoLiveClient {
  readonly dataset: string;
  readonly gateway: string;
  readonly #settings: DatabentoLiveSettings;
  readonly #address;
  readonly #logger: LiveLogger | undefined;
  readonly #subscriptions: { id: number; subscription: DatabentoLiveSubscription }[] = [];
  readonly #mappings = new Map<number, LiveSymbolMapping>();
  readonly #deduplicator: RecordDeduplicator;
  readonly #queue: RecordQueue<LiveRecord>;
  readonly #overlapNanos: bigint;
  #session: LiveSession | undefined;
  #sessionCount = 0;
  #lastMetadataStartNanos: bigint | undefined;
  #running: Promise<void> | undefined;
  #startWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  #closed = false;
  #fatal: DatabentoLiveError | undefined;
  #consumerTaken = false;
  #wakeSleep: (() => void) | undefined;
  #recordCount = 0;
  #duplicates = 0;
  #endOfIntervalNanos = 0n;
  #apiKey: string | undefined;

  constructor(settings: DatabentoLiveSettings) {
    super();
    validateLiveSettings(settings);
    this.#settings = settings;
    this.dataset = settings.dataset;
    this.#address = resolveGateway({
      dataset: settings.dataset,
      gateway: settings.gateway,
      env: settings.env ?? process.env,
    });
    this.gateway = `${this.#address.host}:${this.#address.port}`;
    this.#logger = settings.logger && createRedactingLiveLogger(settings.logger, () => this.#apiKey);
    this.#overlapNanos = BigInt(Math.round((settings.replayOverlapMs ?? 1000) * 1e6));
    this.#deduplicator = new RecordDeduplicator({ windowNanos: this.#overlapNanos });
    this.#queue = new RecordQueue({
      capacity: settings.queueCapacity ?? 10_000,
      onFull: () => this.#session?.pause(),
      onDrained: () => this.#session?.resume(),
    });
  }

  subscribe(input: DatabentoLiveSubscriptionInput): void {
    const symbols = (typeof input.symbols === 'string' ? [input.symbols] : [...input.symbols])
      .map((symbol) => symbol.trim())
      .filter((symbol) => symbol.length > 0);
    if (symbols.length === 0) {
      throw new InvalidArgumentError('A live subscription needs at least one symbol, e.g. ESH6 or ES.FUT.', {
        argument: 'symbols',
      });
    }
    if (RTYPE_BY_SCHEMA[input.schema] === undefined) {
      throw new InvalidArgumentError(
        `Unknown live schema "${input.schema}": use one of ${Object.keys(RTYPE_BY_SCHEMA).join(', ')}.`,
        { argument: 'schema' },
      );
    }
    const subscription: DatabentoLiveSubscription = {
      schema: input.schema,
      stypeIn: input.stypeIn ?? 'raw_symbol',
      symbols,
      ...(input.start === undefined ? {} : { startNanos: toNanos(input.start) }),
    };
    const id = this.#subscriptions.length + 1;
    this.#subscriptions.push({ id, subscription });
    this.#session?.subscribe(subscription, id);
  }

  start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#fatal) return Promise.reject(this.#fatal);
    if (this.#closed)
      return Promise.reject(
        new DatabentoLiveError('The live client is closed.', {
          code: 'connection_closed',
          gateway: this.gateway,
          isRetryable: false,
        }),
      );
    const signal = options.signal;
    if (signal) {
      if (signal.aborted) {
        void this.close();
        return Promise.reject(signal.reason);
      }
      signal.addEventListener('abort', () => void this.close(), { once: true });
    }
    if (this.#sessionCount > 0) return Promise.resolve();
    const started = new Promise<void>((resolve, reject) => this.#startWaiters.push({ resolve, reject }));
    if (this.#running === undefined) {
      // Read the key before connecting so a missing key fails here, not inside the retry loop.
      try {
        this.#apiKey = loadLiveApiKey(this.#settings);
      } catch (error) {
        this.#startWaiters = [];
        return Promise.reject(error);
      }
      this.#running = this.#run();
    }
    return started;
  }

  async #run(): Promise<void> {
    const maxAttempts = this.#settings.maxReconnectAttempts ?? 10;
    const minDelayMs = this.#settings.reconnectMinDelayMs ?? 1000;
    const maxDelayMs = this.#settings.reconnectMaxDelayMs ?? 60_000;
    let attempt = 0;
    while (!this.#closed) {
      const outcome = await this.#runSession();
      if (this.#closed || outcome.error === undefined) break;
      const error = outcome.error;
      if (!error.isRetryable) {
        this.#fail(error);
        return;
      }
      if (outcome.delivered) attempt = 0;
      attempt++;
      if (attempt > maxAttempts) {
        this.#fail(
          new DatabentoLiveError(
            `Gave up on the Databento live gateway ${this.gateway} after ${maxAttempts} reconnect attempts: ${error.message}`,
            { code: 'reconnect_exhausted', gateway: this.gateway, cause: error },
          ),
        );
        return;
      }
      // Exponential backoff with "equal jitter": half the delay fixed, half random, so retries spread out.
      const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
      this.#logger?.warn('live session failed; reconnecting', { attempt, delayMs, reason: error.message });
      this.#emitSafely('reconnecting', { attempt, delayMs, error });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        this.#wakeSleep = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wakeSleep = undefined;
    }
    this.#queue.wake();
  }

  #subscriptionsForSession(): { id: number; subscription: DatabentoLiveSubscription }[] {
    if (this.#sessionCount === 0) return this.#subscriptions;
    return this.#subscriptions.map(({ id, subscription }) => {
      // Replay from the last record seen of the schema (minus the overlap), or from the start of the previous
      // session when nothing arrived yet, but never before what the caller asked for.
      let startNanos =
        this.#deduplicator.beginReplay(RTYPE_BY_SCHEMA[subscription.schema]!) ?? this.#lastMetadataStartNanos;
      if (startNanos === undefined) startNanos = subscription.startNanos;
      else if (subscription.startNanos !== undefined && startNanos < subscription.startNanos)
        startNanos = subscription.startNanos;
      if (startNanos !== undefined && startNanos < 0n) startNanos = 0n;
      return { id, subscription: { ...subscription, ...(startNanos === undefined ? {} : { startNanos }) } };
    });
  }

  #runSession(): Promise<{ error: DatabentoLiveError | undefined; delivered: boolean }> {
    return new Promise((resolve) => {
      let delivered = false;
      let fatalFromGateway: DatabentoLiveError | undefined;
      const gatewayErrors: string[] = [];
      const session = new LiveSession({
        address: this.#address,
        dataset: this.dataset,
        apiKey: this.#apiKey!,
        client: DATABENTO_LIVE_CLIENT_NAME,
        heartbeatIntervalSeconds: this.#settings.heartbeatIntervalSeconds,
        connectTimeoutMs: this.#settings.connectTimeoutMs ?? 10_000,
        authTimeoutMs: this.#settings.authTimeoutMs ?? 30_000,
        heartbeatTimeoutMs:
          this.#settings.heartbeatTimeoutMs ?? ((this.#settings.heartbeatIntervalSeconds ?? 30) + 10) * 1000,
        subscriptions: this.#subscriptionsForSession(),
        onMetadata: (metadata) => {
          this.#lastMetadataStartNanos = metadata.startNanos;
        },
        onRecords: (records, receivedAt) => {
          for (const record of records) {
            const error = this.#onRecord(record, receivedAt);
            if (error !== undefined) {
              gatewayErrors.push(error.message);
              if (FATAL_GATEWAY_ERRORS.has(error.kind)) {
                fatalFromGateway = new DatabentoLiveError(
                  error.kind === 'connection_limit_exceeded'
                    ? `Databento live gateway refused the session: ${error.message} (close other live sessions of this team, then retry).`
                    : `Authentication failed at the Databento live gateway: ${error.message} (check DATABENTO_API_KEY).`,
                  {
                    code:
                      error.kind === 'connection_limit_exceeded'
                        ? 'connection_limit'
                        : 'authentication_failed',
                    gateway: this.gateway,
                  },
                );
              }
            } else delivered ||= !isGatewayRecord(record);
          }
          if (this.#queue.paused) session.pause();
        },
        onEnd: (error) => {
          if (this.#session === session) this.#session = undefined;
          let final = fatalFromGateway ?? error;
          if (final && gatewayErrors.length > 0 && final.code === 'connection_closed') {
            final = new DatabentoLiveError(`${final.message} Gateway errors: ${gatewayErrors.join('; ')}`, {
              code: 'gateway_error',
              gateway: this.gateway,
              cause: error,
            });
          }
          resolve({ error: final, delivered });
        },
      });
      this.#session = session;
      session.start().then(
        () => {
          this.#sessionCount++;
          this.#logger?.info('live session started', { gateway: this.gateway, sessionId: session.sessionId });
          this.#emitSafely('connected', { sessionId: session.sessionId, sessionNumber: this.#sessionCount });
          for (const waiter of this.#startWaiters.splice(0)) waiter.resolve();
          if (this.#queue.paused) session.pause();
        },
        () => {
          // The failure reaches #run through onEnd.
        },
      );
    });
  }

  /** Routes one record; returns the gateway error it carried, if any. */
  #onRecord(record: DatabentoAnyVersionRecord, receivedAt: bigint): DatabentoLiveGatewayError | undefined {
    switch (record.rtype) {
      case DatabentoRType.SymbolMapping: {
        const mappingRecord = record as DatabentoSymbolMappingRecord;
        const mapping: LiveSymbolMapping = {
          instrumentId: record.instrumentId,
          subscribedSymbol: mappingRecord.stypeInSymbol,
          stypeIn: (STYPE_NAMES[mappingRecord.stypeIn] as DatabentoLiveSType | undefined) ?? 'unknown',
          rawSymbol: mappingRecord.stypeOutSymbol,
        };
        // Replace, never merge: contracts behind parent and continuous symbols change mid-session.
        this.#mappings.set(record.instrumentId, mapping);
        this.#emitSafely('symbolMapping', mapping);
        return undefined;
      }
      case DatabentoRType.System: {
        const message = toSystemMessage(record as DatabentoSystemRecord);
        if (message.kind === 'end_of_interval' && message.tsEventNanos > this.#endOfIntervalNanos) {
          this.#endOfIntervalNanos = message.tsEventNanos;
        }
        if (message.kind === 'slow_reader_warning')
          this.#logger?.warn('gateway: slow reader', { message: message.message });
        this.#emitSafely('system', message);
        return undefined;
      }
      case DatabentoRType.Error: {
        const error = toGatewayError(record as DatabentoErrorRecord);
        this.#logger?.warn('gateway error', { kind: error.kind, message: error.message });
        this.#emitSafely('gatewayError', error);
        return error;
      }
      default: {
        const dataRecord = record as DatabentoRecord;
        if (!this.#deduplicator.admit(dataRecord)) {
          this.#duplicates++;
          return undefined;
        }
        this.#recordCount++;
        this.#queue.push({
          record: dataRecord,
          mapping: this.#mappings.get(record.instrumentId),
          receivedAtHrtimeNanos: receivedAt,
        });
        return undefined;
      }
    }
  }

  #emitSafely<Name extends keyof DatabentoLiveEvents>(
    name: Name,
    ...args: Parameters<DatabentoLiveEvents[Name]>
  ): void {
    try {
      this.emit(name, ...args);
    } catch (error) {
      // A throwing listener must not kill the session; report it where it can be seen.
      this.#logger?.error('live event listener threw', { event: name, error: String(error) });
    }
  }

  #fail(error: DatabentoLiveError): void {
    this.#fatal = error;
    this.#closed = true;
    this.#logger?.error('live session failed', { code: error.code, message: error.message });
    for (const waiter of this.#startWaiters.splice(0)) waiter.reject(error);
    if (this.listenerCount('error') > 0) this.emit('error', error);
    this.#queue.wake();
  }

  async *records(options: { signal?: AbortSignal } = {}): AsyncGenerator<LiveRecord> {
    if (this.#consumerTaken) {
      throw new InvalidArgumentError(
        'This live client already has a record consumer (records() or a "record" listener); create another client for a second one.',
        { argument: 'records' },
      );
    }
    this.#consumerTaken = true;
    const signal = options.signal;
    const onAbort = () => void this.close();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal?.aborted) return;
      if (this.#running === undefined && !this.#closed) await this.start();
      for (;;) {
        const item = this.#queue.shift();
        if (item !== undefined) {
          yield item;
          continue;
        }
        if (this.#fatal) throw this.#fatal;
        if (this.#closed) return;
        await this.#queue.waitForItem();
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  [Symbol.asyncIterator](): AsyncGenerator<LiveRecord> {
    return this.records();
  }

  override on<Name extends keyof DatabentoLiveEvents>(name: Name, listener: DatabentoLiveEvents[Name]): this {
    super.on(name, listener as (...args: unknown[]) => void);
    if (name === 'record' && this.listenerCount('record') === 1) void this.#drainToListeners();
    return this;
  }

  override off<Name extends keyof DatabentoLiveEvents>(
    name: Name,
    listener: DatabentoLiveEvents[Name],
  ): this {
    super.off(name, listener as (...args: unknown[]) => void);
    return this;
  }

  // Events are a second way to consume: one loop reads the queue and awaits each listener in turn. A listener
  // that throws is logged and skipped for that record, like the other events, so delivery never stalls.
  async #drainToListeners(): Promise<void> {
    try {
      for await (const item of this.records()) {
        for (const listener of this.listeners('record') as DatabentoLiveEvents['record'][]) {
          try {
            await listener(item);
          } catch (error) {
            this.#logger?.error('record listener threw', { error: String(error) });
          }
        }
      }
    } catch {
      // A fatal error reaches 'error' listeners and start(); nothing more to do here.
    }
  }

  mappingFor(instrumentId: number): LiveSymbolMapping | undefined {
    return this.#mappings.get(instrumentId);
  }

  get intervalClosedThroughNanos(): bigint {
    return this.#endOfIntervalNanos;
  }

  get stats(): DatabentoLiveStats {
    return {
      sessions: this.#sessionCount,
      records: this.#recordCount,
      duplicatesDropped: this.#duplicates,
      queued: this.#queue.length,
      peakQueued: this.#queue.peakLength,
      pauses: this.#queue.pauseCount,
    };
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      for (const waiter of this.#startWaiters.splice(0)) {
        waiter.reject(
          new DatabentoLiveError('The live client was closed before it connected.', {
            code: 'connection_closed',
            gateway: this.gateway,
            isRetryable: false,
          }),
        );
      }
      this.#session?.close();
      this.#wakeSleep?.();
    }
    this.#queue.wake();
    await this.#running;
  }
}

function isGatewayRecord(record: DatabentoAnyVersionRecord): boolean {
  return (
    record.rtype === DatabentoRType.System ||
    record.rtype === DatabentoRType.Error ||
    record.rtype === DatabentoRType.SymbolMapping
  );
}

/**
 * Creates a Databento Live client for one dataset. Nothing connects until `start()` (or iteration); the
 * key is read then, from `apiKey` or `DATABENTO_API_KEY`, and only its CRAM digest is sent.
 *
 * Faults: a silent connection (no byte for `heartbeatTimeoutMs`), a drop or a gateway close reconnect with
 * exponential backoff and jitter, resubscribe and replay from the last record seen; replayed records are
 * deduplicated on (instrument_id, rtype, ts_event, sequence). A rejected key and the connection limit are
 * fatal: `start()` rejects, iteration throws, `error` fires, once.
 *
 * Backpressure: at most `queueCapacity` records (plus one socket chunk) wait for the consumer; then the
 * socket is paused until the queue is half empty.
 * @throws InvalidSettingsError for bad settings.
 */
export function createDatabentoLive(settings: DatabentoLiveSettings): DatabentoLiveClient {
  return new LiveClient(settings);
}
