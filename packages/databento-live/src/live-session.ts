import net from 'node:net';
import type { DatabentoAnyVersionRecord, DatabentoMetadata } from '@lb/dbn';
import {
  type DatabentoLiveSubscription,
  formatAuthRequest,
  formatSubscriptionLines,
  parseControlLine,
  takeLine,
} from './control-lines.js';
import { DatabentoLiveError, type DatabentoLiveErrorCode } from './errors.js';
import type { GatewayAddress } from './gateway-address.js';
import { LiveRecordDecoder } from './live-record-decoder.js';

/** Longest control line accepted before authentication completes; real lines are well under 200 bytes. */
const MAX_CONTROL_BYTES = 16 * 1024;

/** What a session needs to connect, authenticate, subscribe and stream. */
export interface LiveSessionOptions {
  readonly address: GatewayAddress;
  readonly dataset: string;
  readonly apiKey: string;
  readonly client: string;
  readonly heartbeatIntervalSeconds: number | undefined;
  readonly connectTimeoutMs: number;
  readonly authTimeoutMs: number;
  readonly heartbeatTimeoutMs: number;
  readonly subscriptions: ReadonlyArray<{
    readonly id: number;
    readonly subscription: DatabentoLiveSubscription;
  }>;
  /** Records decoded from one socket chunk, with the time (hrtime ns) the chunk arrived. */
  readonly onRecords: (records: DatabentoAnyVersionRecord[], receivedAtHrtimeNanos: bigint) => void;
  readonly onMetadata: (metadata: DatabentoMetadata) => void;
  /** Called once when the session ends: `undefined` after `close()`, else the failure. */
  readonly onEnd: (error: DatabentoLiveError | undefined) => void;
}

/**
 * One TCP connection to a live gateway: greeting, CRAM authentication, subscriptions, `start_session`,
 * then the DBN stream decoded chunk by chunk. A reconnect is a new session (the protocol cannot resume).
 */
export class LiveSession {
  readonly #options: LiveSessionOptions;
  readonly #gateway: string;
  #socket: net.Socket | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ended = false;
  #paused = false;
  #streaming = false;
  /** Session id from the auth response. */
  sessionId = '';

  constructor(options: LiveSessionOptions) {
    this.#options = options;
    this.#gateway = `${options.address.host}:${options.address.port}`;
  }

  /** Connects and resolves once `start_session` is sent; rejects with the failure otherwise. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const options = this.#options;
      let stage: 'connect' | 'greeting' | 'challenge' | 'auth' | 'stream' = 'connect';
      let control: Uint8Array = new Uint8Array(0);
      const decoder = new LiveRecordDecoder(this.#gateway);
      let settled = false;
      const fail = (code: DatabentoLiveErrorCode, message: string, cause?: unknown) => {
        this.#finish(new DatabentoLiveError(message, { code, gateway: this.#gateway, cause }));
      };
      this.#finishHook = (error) => {
        if (!settled) {
          settled = true;
          reject(
            error ??
              new DatabentoLiveError('Live session closed before it started.', {
                code: 'connection_closed',
                gateway: this.#gateway,
              }),
          );
        }
      };
      const socket = net.connect({ host: options.address.host, port: options.address.port });
      socket.setNoDelay(true);
      this.#socket = socket;
      this.#arm(options.connectTimeoutMs, () =>
        fail(
          'connect_timeout',
          `No TCP connection to the Databento live gateway ${this.#gateway} within ${options.connectTimeoutMs} ms.`,
        ),
      );
      socket.on('connect', () => {
        stage = 'greeting';
        this.#arm(options.authTimeoutMs, () =>
          fail(
            'greeting_timeout',
            `The Databento live gateway ${this.#gateway} did not complete the greeting and authentication within ${options.authTimeoutMs} ms.`,
          ),
        );
      });
      socket.on('data', (chunk: Buffer) => {
        if (this.#ended) return;
        if (stage === 'stream') {
          this.#onStreamBytes(decoder, chunk);
          return;
        }
        control = concat(control, chunk);
        for (;;) {
          const taken = takeLine(control);
          if (taken === undefined) break;
          control = taken.rest;
          const fields = parseControlLine(taken.line);
          if (stage === 'greeting') {
            // The version line is informational; tolerate a gateway that sends the challenge first.
            stage = 'challenge';
            if (fields.has('cram')) {
              this.#authenticate(fields.get('cram')!);
              stage = 'auth';
            }
          } else if (stage === 'challenge') {
            const challenge = fields.get('cram');
            if (challenge === undefined) {
              fail('protocol', `The Databento live gateway ${this.#gateway} sent no CRAM challenge.`);
              return;
            }
            this.#authenticate(challenge);
            stage = 'auth';
          } else if (stage === 'auth') {
            if (fields.get('success') !== '1') {
              const text = fields.get('error') ?? taken.line.trim();
              const limit = /connection limit/i.test(text);
              fail(
                limit ? 'connection_limit' : 'authentication_failed',
                limit
                  ? `Databento live gateway refused the connection: ${text} (close other live sessions of this team, then retry).`
                  : `Authentication failed at the Databento live gateway: ${text} (check DATABENTO_API_KEY and your live data license).`,
              );
              return;
            }
            this.sessionId = fields.get('session_id') ?? '';
            this.#sendSubscriptions();
            stage = 'stream';
            this.#streaming = true;
            settled = true;
            resolve();
            this.#armHeartbeat();
            if (control.length > 0) this.#onStreamBytes(decoder, control);
            return;
          }
          if (this.#ended) return;
        }
        if (control.length > MAX_CONTROL_BYTES) {
          fail(
            'protocol',
            `The Databento live gateway ${this.#gateway} sent a control line longer than ${MAX_CONTROL_BYTES} bytes.`,
          );
        }
      });
      socket.on('error', (error) => {
        fail(
          'connection_closed',
          `Connection to the Databento live gateway ${this.#gateway} failed: ${error.message}`,
          error,
        );
      });
      socket.on('close', () => {
        fail(
          'connection_closed',
          stage === 'stream'
            ? `The Databento live gateway ${this.#gateway} closed the session.`
            : `The Databento live gateway ${this.#gateway} closed the connection during the handshake.`,
        );
      });
    });
  }

  #finishHook: ((error: DatabentoLiveError | undefined) => void) | undefined;

  #authenticate(challenge: string): void {
    const options = this.#options;
    this.#socket?.write(
      formatAuthRequest({
        challenge,
        apiKey: options.apiKey,
        dataset: options.dataset,
        heartbeatIntervalSeconds: options.heartbeatIntervalSeconds,
        client: options.client,
      }),
    );
  }

  #sendSubscriptions(): void {
    const lines: string[] = [];
    for (const { id, subscription } of this.#options.subscriptions)
      lines.push(...formatSubscriptionLines(subscription, id));
    lines.push('start_session\n');
    this.#socket?.write(lines.join(''));
  }

  /** Adds a subscription to a running session (live only: the gateway replays nothing for it). */
  subscribe(subscription: DatabentoLiveSubscription, id: number): void {
    if (!this.#streaming || this.#ended) return;
    const { startNanos: _ignored, ...live } = subscription;
    this.#socket?.write(formatSubscriptionLines(live, id).join(''));
  }

  #onStreamBytes(decoder: LiveRecordDecoder, chunk: Uint8Array): void {
    const receivedAt = process.hrtime.bigint();
    this.#armHeartbeat();
    const hadMetadata = decoder.metadata !== undefined;
    let records: DatabentoAnyVersionRecord[];
    try {
      records = decoder.push(chunk);
    } catch (error) {
      this.#finish(error as DatabentoLiveError);
      return;
    }
    if (!hadMetadata && decoder.metadata !== undefined) this.#options.onMetadata(decoder.metadata);
    if (records.length > 0) this.#options.onRecords(records, receivedAt);
  }

  #arm(timeoutMs: number, onTimeout: () => void): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(onTimeout, timeoutMs);
  }

  // Any byte proves the connection alive; the gateway sends a heartbeat when it has nothing else to send.
  #armHeartbeat(): void {
    if (this.#paused || this.#ended) return;
    const timeoutMs = this.#options.heartbeatTimeoutMs;
    this.#arm(timeoutMs, () =>
      this.#finish(
        new DatabentoLiveError(
          `No data or heartbeat from the Databento live gateway ${this.#gateway} for ${timeoutMs} ms.`,
          { code: 'heartbeat_timeout', gateway: this.#gateway },
        ),
      ),
    );
  }

  /**
   * Stops reading the socket (backpressure). The heartbeat timer stops too: silence is then our doing.
   * TCP flow control pushes back to the gateway, which may warn about or skip records for slow readers.
   */
  pause(): void {
    // Before the stream starts the handshake must go on under its own timeout; the client pauses the session
    // again once it streams if the queue is still full.
    if (this.#paused || this.#ended || !this.#streaming) return;
    this.#paused = true;
    clearTimeout(this.#timer);
    this.#socket?.pause();
  }

  /** Resumes reading after {@link pause}. */
  resume(): void {
    if (!this.#paused || this.#ended) return;
    this.#paused = false;
    this.#socket?.resume();
    if (this.#streaming) this.#armHeartbeat();
  }

  /** Closes the connection; `onEnd` receives `undefined`. */
  close(): void {
    this.#finish(undefined);
  }

  #finish(error: DatabentoLiveError | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#timer);
    this.#socket?.destroy();
    this.#finishHook?.(error);
    this.#options.onEnd(error);
  }
}

function concat(first: Uint8Array, second: Uint8Array): Uint8Array {
  if (first.length === 0) return second;
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first, 0);
  joined.set(second, first.length);
  return joined;
}
