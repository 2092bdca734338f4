import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSourceApiError } from '@lb/core';
import pRetry, { AbortError } from 'p-retry';
import packageJson from '../package.json' with { type: 'json' };
import type { LogFields, Logger } from './logger.js';
import { type DatabentoEndpointGroup, type RateLimiter, sleep } from './rate-limiter.js';
import { DatabentoCorruptResponseError, RetryAfterTooLongError } from './response-errors.js';
import type { ResolvedDatabentoSettings } from './settings.js';

/** `User-Agent` sent with every request, e.g. `lb-databento-typescript/0.1.0 node/v20.20.0`. */
export const DATABENTO_USER_AGENT = `lb-databento-typescript/${packageJson.version} node/${process.version}`;

const SOURCE_ID = 'databento';

/** Parameters of one request; `undefined` values are left out. */
export type DatabentoParams = Readonly<Record<string, string | number | undefined>>;

/** What an attempt's body reader receives. */
export interface ResponseBody {
  readonly response: Response;
  /** The body as chunks; counts bytes, keeps the idle timeout alive, and throws when the body is cut short. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Bytes received so far in this attempt. */
  readonly bytesReceived: () => number;
}

/** One logical request: retried as a whole, body included, so a cut stream never yields partial data. */
export interface HttpRequest<T> {
  readonly method: 'GET' | 'POST';
  /** Databento method name, e.g. `timeseries.get_range`. */
  readonly endpoint: string;
  readonly group: DatabentoEndpointGroup;
  readonly params: DatabentoParams;
  readonly signal?: AbortSignal;
  /** Extra fields for debug logs (dataset, symbols, schema, range). */
  readonly logFields?: LogFields;
  /** Reads and decodes the whole body; errors it throws are classified and may be retried. */
  readonly read: (body: ResponseBody) => Promise<T>;
}

/** Outcome of a request: the decoded value plus what it took. */
export interface HttpResult<T> {
  readonly value: T;
  /** Body bytes of the successful attempt (compressed bytes as sent on the wire). */
  readonly bytes: number;
  readonly attempts: number;
  readonly durationMs: number;
  readonly statusCode: number;
}

/** Sends authenticated, rate-limited, retried requests to Databento's historical API. */
export interface DatabentoHttpClient {
  request<T>(request: HttpRequest<T>): Promise<HttpResult<T>>;
  /** Base URL of the gateway, without credentials. */
  readonly baseURL: string;
}

class TruncatedBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TruncatedBodyError';
  }
}

class IdleTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no response progress for ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

/** Statuses worth another attempt: rate limiting, request timeout, and server-side failures. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

const STATUS_HINTS: Record<number, string> = {
  400: 'check the request parameters',
  401: 'the API key was rejected; check DATABENTO_API_KEY or the apiKey setting',
  402: 'Databento reports a billing problem with the account',
  403: 'the key has no license or entitlement for this dataset',
  404: 'the resource or symbol was not found',
  422: 'the request cannot be served as asked (e.g. a range outside the dataset, or an unknown symbol)',
  429: 'rate limited by Databento',
};

/** Reads Databento's error message: JSON `{"detail": "..."}` or `{"detail": {"message": "..."}}`. */
function extractApiMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { detail?: unknown };
    const detail = body?.detail;
    if (typeof detail === 'string') return detail;
    if (
      detail &&
      typeof detail === 'object' &&
      typeof (detail as { message?: unknown }).message === 'string'
    ) {
      return (detail as { message: string }).message;
    }
  } catch {
    // Not JSON: fall through to the raw text.
  }
  const trimmed = text.trim();
  return trimmed.length > 0 ? trimmed.slice(0, 500) : undefined;
}

function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret.length > 0) result = result.split(secret).join('***');
  return result;
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds; Databento's default is 1 s. */
function parseRetryAfterMs(header: string | null): number {
  // Number('') and Number('  ') are 0: an empty header must not turn into an immediate retry.
  if (header === null || header.trim() === '') return 1000;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? 1000 : Math.max(0, date - Date.now());
}

interface AttemptErrorContext {
  retryAfterMs?: number;
}
const retryAfterByError = new WeakMap<object, AttemptErrorContext>();

/** Creates the HTTP layer. The API key comes from `getApiKey` at each request and is only put in a header. */
export function createDatabentoHttpClient(options: {
  settings: ResolvedDatabentoSettings;
  getApiKey: () => string;
  logger: Logger;
  rateLimiter: RateLimiter;
}): DatabentoHttpClient {
  const { settings, logger, rateLimiter } = options;

  async function request<T>(request: HttpRequest<T>): Promise<HttpResult<T>> {
    const url = `${settings.baseURL}/v0/${request.endpoint}`;
    const apiKey = options.getApiKey();
    const authorization = `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(request.params)) {
      if (value !== undefined) form.set(name, String(value));
    }
    const query = form.toString();
    const target = request.method === 'GET' && query.length > 0 ? `${url}?${query}` : url;
    const started = performance.now();
    const fields = { endpoint: request.endpoint, ...request.logFields };
    logger.debug(`databento request ${request.endpoint}`, fields);

    const attempt = async (
      attemptNumber: number,
    ): Promise<{ value: T; bytes: number; statusCode: number }> => {
      request.signal?.throwIfAborted();
      await rateLimiter.acquire(request.group, request.signal);
      const attemptController = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const touch = () => {
        clearTimeout(timer);
        timer = setTimeout(
          () => attemptController.abort(new IdleTimeoutError(settings.timeoutMs)),
          settings.timeoutMs,
        );
      };
      const signal =
        request.signal === undefined
          ? attemptController.signal
          : AbortSignal.any([request.signal, attemptController.signal]);
      touch();
      let readerToCancel: ReadableStreamDefaultReader<Uint8Array> | undefined;
      try {
        const response = await settings.fetch(target, {
          method: request.method,
          headers: {
            authorization,
            accept: 'application/json',
            'user-agent': DATABENTO_USER_AGENT,
            ...(request.method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
          ...(request.method === 'POST' ? { body: query } : {}),
          signal,
        });
        touch();
        const warning = response.headers.get('x-warning');
        if (warning) logger.warn(`Databento warning for ${request.endpoint}: ${warning}`, fields);
        if (!response.ok) {
          // The body is the server's text; should it ever echo the credentials, they stop here.
          const text = redactSecrets(await response.text().catch(() => ''), [
            apiKey,
            authorization.slice('Basic '.length),
          ]);
          const apiMessage = extractApiMessage(text);
          const hint =
            STATUS_HINTS[response.status] ??
            (response.status >= 500 ? 'Databento server error' : 'request failed');
          const error = new DataSourceApiError(
            `Databento ${request.endpoint} failed with HTTP ${response.status} (${hint})${apiMessage ? `: ${apiMessage}` : ''}.`,
            {
              sourceId: SOURCE_ID,
              url,
              statusCode: response.status,
              ...(apiMessage === undefined ? {} : { apiMessage }),
              isRetryable: isRetryableStatus(response.status),
            },
          );
          if (response.status === 429) {
            const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'));
            if (retryAfterMs > settings.maxRetryAfterMs) {
              throw new RetryAfterTooLongError(
                `Databento ${request.endpoint} is rate limited and asks to wait ${formatSeconds(retryAfterMs)} (Retry-After), longer than the maxRetryAfterMs cap of ${formatSeconds(settings.maxRetryAfterMs)}; try again later, or raise the cap (maxRetryAfterMs setting or DATABENTO_MAX_RETRY_AFTER seconds).`,
                {
                  url,
                  statusCode: 429,
                  retryAfterMs,
                  maxRetryAfterMs: settings.maxRetryAfterMs,
                  cause: error,
                },
              );
            }
            retryAfterByError.set(error, { retryAfterMs });
          }
          throw error;
        }
        let bytes = 0;
        const expectedLength = Number(response.headers.get('content-length') ?? Number.NaN);
        // The received chunks are kept (by reference) until the attempt ends: a body that arrived whole
        // but does not decode is saved for inspection instead of being downloaded (and billed) again.
        const received: Uint8Array[] = [];
        // Taken on first use only: JSON endpoints read the body with response.text() instead.
        const openReader = () => {
          if (readerToCancel === undefined && response.body !== null)
            readerToCancel = response.body.getReader();
          return readerToCancel;
        };
        const chunks = readChunks(
          openReader,
          (chunk) => {
            bytes += chunk.byteLength;
            received.push(chunk);
            touch();
          },
          () => {
            if (Number.isFinite(expectedLength) && bytes !== expectedLength) {
              throw new TruncatedBodyError(`body ended after ${bytes} of ${expectedLength} bytes`);
            }
          },
        );
        try {
          const value = await request.read({ response, chunks, bytesReceived: () => bytes });
          return { value, bytes, statusCode: response.status };
        } catch (error) {
          if (!isDecodeError(error)) throw error;
          // Read what is left: only a body the transport delivered whole is known to be corrupt at the
          // source. A cut stream throws here and is retried like any other.
          for await (const _ of readChunks(
            openReader,
            (chunk) => {
              bytes += chunk.byteLength;
              received.push(chunk);
              touch();
            },
            () => {
              if (Number.isFinite(expectedLength) && bytes !== expectedLength) {
                throw new TruncatedBodyError(`body ended after ${bytes} of ${expectedLength} bytes`);
              }
            },
          )) {
            // Draining only.
          }
          const bodyPath = await saveBody(settings.corruptResponseDirectory, request.endpoint, received);
          throw new DatabentoCorruptResponseError(
            `Databento ${request.endpoint} sent a complete response (${bytes} bytes) that does not decode: ${(error as Error).message}. It was not retried, since the same bytes would be billed again; ${bodyPath === undefined ? 'the body could not be saved' : `the body is saved at ${bodyPath}`}. Report it to Databento support with the request parameters.`,
            { url, statusCode: response.status, bodyPath, bytes, cause: error },
          );
        }
      } catch (error) {
        throw classifyError(error, {
          url,
          endpoint: request.endpoint,
          userSignal: request.signal,
          attemptNumber,
        });
      } finally {
        clearTimeout(timer);
        await readerToCancel?.cancel().catch(() => undefined);
      }
    };

    let attempts = 0;
    try {
      const result = await pRetry(
        (attemptNumber) => {
          attempts = attemptNumber;
          return attempt(attemptNumber);
        },
        {
          retries: settings.maxRetries,
          factor: 2,
          minTimeout: settings.retryMinTimeoutMs,
          maxTimeout: settings.retryMaxTimeoutMs,
          randomize: true,
          ...(request.signal === undefined ? {} : { signal: request.signal }),
          shouldRetry: ({ error }) => DataSourceApiError.isInstance(error) && error.isRetryable,
          onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
            const retryable = DataSourceApiError.isInstance(error) && error.isRetryable;
            const retryAfterMs = retryAfterByError.get(error)?.retryAfterMs;
            logger.debug(`databento ${request.endpoint} attempt ${attemptNumber} failed`, {
              ...fields,
              error: error.message,
              retryable,
              retriesLeft,
              ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
            });
            // Honour Retry-After before p-retry's own (shorter) backoff; both waits are abortable.
            if (retryable && retriesLeft > 0 && retryAfterMs !== undefined) {
              logger.info(
                `databento ${request.endpoint} rate limited; waiting ${formatSeconds(retryAfterMs)} as Retry-After asks`,
                { ...fields, retryAfterMs },
              );
              await sleep(retryAfterMs, request.signal);
            }
          },
        },
      );
      const durationMs = Math.round(performance.now() - started);
      logger.debug(`databento response ${request.endpoint}`, {
        ...fields,
        status: result.statusCode,
        bytes: result.bytes,
        attempts,
        durationMs,
      });
      return { ...result, attempts, durationMs };
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      if (error instanceof AbortError) throw error.cause ?? error;
      logger.debug(`databento ${request.endpoint} gave up`, {
        ...fields,
        attempts,
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
  }

  return { request, baseURL: settings.baseURL };
}

/**
 * Iterates a response body, reporting each chunk, and checks completeness at the end. The reader is not
 * cancelled when the consumer stops early: the attempt may still drain it, and cancels it when it ends.
 */
async function* readChunks(
  openReader: () => ReadableStreamDefaultReader<Uint8Array> | undefined,
  onChunk: (chunk: Uint8Array) => void,
  onEnd: () => void,
): AsyncGenerator<Uint8Array> {
  const reader = openReader();
  if (reader === undefined) {
    onEnd();
    return;
  }
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    onChunk(value);
    yield value;
  }
  onEnd();
}

function isDecodeError(error: unknown): boolean {
  return error instanceof Error && error.name === 'DbnDecodeError';
}

/** Writes a rejected body (temp file + rename); undefined when it cannot be written. */
async function saveBody(
  directory: string,
  endpoint: string,
  chunks: readonly Uint8Array[],
): Promise<string | undefined> {
  const name = `${endpoint}-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.dbn.zst`;
  const path = join(directory, name);
  try {
    await mkdir(directory, { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, chunks);
    await rename(temporary, path);
    return path;
  } catch {
    return undefined;
  }
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * Turns whatever an attempt threw into a {@link DataSourceApiError} with the right `isRetryable`, or
 * rethrows the caller's abort reason untouched. p-retry would give up on a plain TypeError (undici reports
 * a cut body as `TypeError: terminated`), so every error is classified here.
 */
function classifyError(
  error: unknown,
  context: { url: string; endpoint: string; userSignal: AbortSignal | undefined; attemptNumber: number },
): unknown {
  if (context.userSignal?.aborted) return new AbortError(context.userSignal.reason);
  if (DataSourceApiError.isInstance(error)) return error;
  const name = error instanceof Error ? error.name : '';
  // A decoder error after a fully received body is a real data problem; before that, the body was cut.
  const message = error instanceof Error ? describeNetworkError(error) : String(error);
  const isDecodeError = name === 'DbnDecodeError';
  const kind =
    name === 'TimeoutError'
      ? 'timed out'
      : name === 'TruncatedBodyError'
        ? 'response was cut short'
        : isDecodeError
          ? 'response could not be decoded (truncated or corrupt)'
          : 'network error';
  return new DataSourceApiError(`Databento ${context.endpoint} ${kind}: ${message}.`, {
    sourceId: SOURCE_ID,
    url: context.url,
    isRetryable: true,
    cause: error,
  });
}

function describeNetworkError(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message && cause.message !== error.message) {
    return `${error.message} (${cause.message})`;
  }
  return error.message;
}
