import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidSettingsError, listIssues, MissingCredentialsError } from '@lb/core';
import { z } from 'zod';
import type { Logger } from './logger.js';
import type { DatabentoEndpointGroup } from './rate-limiter.js';

/** Databento's historical gateway; the client appends `/v0/<endpoint>`. */
export const DATABENTO_DEFAULT_BASE_URL = 'https://hist.databento.com';
/** The official clients wait 100 s. */
export const DATABENTO_DEFAULT_TIMEOUT_MS = 100_000;
/** Retries after the first attempt, as Databento recommends (about five tries with backoff). */
export const DATABENTO_DEFAULT_MAX_RETRIES = 5;
/** Longest `Retry-After` wait honoured by default; a longer one fails the request instead of sleeping. */
export const DATABENTO_DEFAULT_MAX_RETRY_AFTER_MS = 60_000;
/**
 * Longest delay Node's timers support (2^31 - 1 ms, about 24.8 days): a longer `setTimeout` fires after
 * 1 ms, so every duration setting is bounded by it.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** Settings of {@link createDatabento}. Every field is optional; environment variables fill the gaps. */
export interface DatabentoSettings {
  /** API key (`db-…`). Default: `DATABENTO_API_KEY`, read at request time, never logged. */
  apiKey?: string;
  /**
   * Milliseconds without progress (no response headers, or no body bytes) before an attempt is abandoned
   * and retried. Default: `DATABENTO_TIMEOUT` (seconds) or 100 s.
   */
  timeoutMs?: number;
  /** Retries after the first attempt for 429, 5xx, resets, timeouts and cut streams. Default: `DATABENTO_MAX_RETRIES` or 5. */
  maxRetries?: number;
  /** Gateway URL. Default: `DATABENTO_BASE_URL` or `https://hist.databento.com`. */
  baseURL?: string;
  /** A fetch implementation (tests, proxies). Default: the global fetch. */
  fetch?: typeof globalThis.fetch;
  /** Refuse any download whose estimated cost is above this many USD. Default: `DATABENTO_MAX_COST_USD` or no limit. */
  maxCostUsd?: number;
  /** Where to log. Default: stderr at `LB_LOG_LEVEL` (default `warn`). */
  logger?: Logger;
  /** First retry delay for 5xx and network errors (doubles per retry, with jitter). Default 1000 ms. */
  retryMinTimeoutMs?: number;
  /** Upper bound of one retry delay. Default 30 000 ms. */
  retryMaxTimeoutMs?: number;
  /**
   * Longest `Retry-After` (429) wait honoured, logged at info; a longer one fails the request with
   * {@link RetryAfterTooLongError} instead of sleeping. Default: `DATABENTO_MAX_RETRY_AFTER` (seconds) or 60 s.
   */
  maxRetryAfterMs?: number;
  /**
   * Where a response that arrived complete but does not decode is saved for inspection (its path is in the
   * {@link DatabentoCorruptResponseError}). Default: `<os tmpdir>/lb-databento/corrupt-responses`.
   */
  corruptResponseDirectory?: string;
  /** Requests per second per endpoint group; defaults to Databento's documented limits. */
  rateLimits?: Partial<Record<DatabentoEndpointGroup, number>>;
  /** Environment to read defaults from. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Settings after validation and environment defaults (the key stays lazy). */
export interface ResolvedDatabentoSettings {
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly baseURL: string;
  readonly fetch: typeof globalThis.fetch;
  readonly maxCostUsd: number | undefined;
  readonly retryMinTimeoutMs: number;
  readonly retryMaxTimeoutMs: number;
  readonly maxRetryAfterMs: number;
  readonly corruptResponseDirectory: string;
  readonly rateLimits: Partial<Record<DatabentoEndpointGroup, number>>;
}

/** A duration a timer can wait: finite, within [minimumMs, MAX_TIMER_MS]. */
function durationMs(options: { minimumMs: number }) {
  const range = `must be between ${options.minimumMs} and ${MAX_TIMER_MS} ms (Node timers cannot wait longer)`;
  return z
    .number({ error: 'must be a number of milliseconds' })
    .min(options.minimumMs, { error: range })
    .max(MAX_TIMER_MS, { error: range });
}

const positiveRate = z.number().positive({ error: 'must be a positive number of requests per second' });

const settingsSchema = z.strictObject({
  apiKey: z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, { error: 'must not be empty (set DATABENTO_API_KEY or pass apiKey)' })
    .optional(),
  timeoutMs: durationMs({ minimumMs: 1 }).optional(),
  maxRetries: z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be 0 or more' })
    .max(20, { error: 'must be at most 20' })
    .optional(),
  baseURL: z
    .url({ error: 'must be an http(s) URL such as https://hist.databento.com', protocol: /^https?$/ })
    .optional(),
  fetch: z
    .custom<typeof globalThis.fetch>((value) => typeof value === 'function', { error: 'must be a function' })
    .optional(),
  maxCostUsd: z
    .number({ error: 'must be a number of USD' })
    .min(0, { error: 'must be between 0 and 1e9 USD' })
    .max(1e9, { error: 'must be between 0 and 1e9 USD' })
    .optional(),
  logger: z
    .custom<Logger>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        ['debug', 'info', 'warn', 'error'].every(
          (name) => typeof (value as Record<string, unknown>)[name] === 'function',
        ),
      { error: 'must have debug, info, warn and error methods' },
    )
    .optional(),
  retryMinTimeoutMs: durationMs({ minimumMs: 0 }).optional(),
  retryMaxTimeoutMs: durationMs({ minimumMs: 0 }).optional(),
  maxRetryAfterMs: durationMs({ minimumMs: 0 }).optional(),
  corruptResponseDirectory: z.string().min(1, { error: 'must be a directory path' }).optional(),
  rateLimits: z
    .strictObject({
      timeseries: positiveRate.optional(),
      symbology: positiveRate.optional(),
      metadata: positiveRate.optional(),
    })
    .optional(),
  env: z.record(z.string(), z.string().optional()).optional(),
});

function throwInvalid(error: z.ZodError, origin: string): never {
  const issues = listIssues(error);
  const text = issues.map((issue) => `${issue.path || '(settings)'}: ${issue.message}`).join('; ');
  throw new InvalidSettingsError(`Invalid Databento settings (${origin}): ${text}.`, {
    issues,
    cause: error,
  });
}

/**
 * Checks settings passed to `createDatabento`. Runs at creation; environment variables are checked only
 * when the first request needs them, so importing the package (and its default instance) never throws.
 * @throws InvalidSettingsError with one issue per bad field.
 */
export function validateDatabentoSettings(settings: DatabentoSettings): DatabentoSettings {
  const parsed = settingsSchema.safeParse(settings);
  if (!parsed.success) throwInvalid(parsed.error, 'settings');
  return settings;
}

interface EnvironmentNumber {
  readonly name: string;
  /** Unit written in messages, e.g. `seconds`. */
  readonly unit: string;
  readonly minimum: number;
  readonly maximum: number;
  readonly integer?: boolean;
  /** Multiplier into the setting's unit (seconds -> ms: 1000). */
  readonly scale?: number;
}

// Each variable is checked in its own unit, so the message names the variable and the range the user types.
const ENVIRONMENT_NUMBERS = {
  timeoutMs: {
    name: 'DATABENTO_TIMEOUT',
    unit: 'seconds',
    minimum: 0.001,
    maximum: Math.floor(MAX_TIMER_MS / 1000),
    scale: 1000,
  },
  maxRetries: { name: 'DATABENTO_MAX_RETRIES', unit: 'retries', minimum: 0, maximum: 20, integer: true },
  maxCostUsd: { name: 'DATABENTO_MAX_COST_USD', unit: 'USD', minimum: 0, maximum: 1e9 },
  maxRetryAfterMs: {
    name: 'DATABENTO_MAX_RETRY_AFTER',
    unit: 'seconds',
    minimum: 0,
    maximum: Math.floor(MAX_TIMER_MS / 1000),
    scale: 1000,
  },
} as const satisfies Record<string, EnvironmentNumber>;

type EnvironmentNumberKey = keyof typeof ENVIRONMENT_NUMBERS;

/** Reads one numeric variable; undefined when unset or blank, an issue when out of range. */
function readEnvironmentNumber(
  env: Readonly<Record<string, string | undefined>>,
  spec: EnvironmentNumber,
  issues: { path: string; message: string }[],
): number | undefined {
  const raw = env[spec.name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw.trim());
  const range = `${spec.integer ? 'a whole number' : 'a number'} of ${spec.unit} between ${spec.minimum} and ${spec.maximum}`;
  if (
    !Number.isFinite(value) ||
    value < spec.minimum ||
    value > spec.maximum ||
    (spec.integer && !Number.isInteger(value))
  ) {
    issues.push({ path: spec.name, message: `must be ${range}, got "${raw}"` });
    return undefined;
  }
  return value * (spec.scale ?? 1);
}

/** Fills unset settings from the environment and defaults, validating environment values too. */
export function resolveDatabentoSettings(settings: DatabentoSettings): ResolvedDatabentoSettings {
  const env = settings.env ?? process.env;
  const issues: { path: string; message: string }[] = [];
  const fromEnv = {} as Record<EnvironmentNumberKey, number | undefined>;
  for (const key of Object.keys(ENVIRONMENT_NUMBERS) as EnvironmentNumberKey[]) {
    fromEnv[key] = readEnvironmentNumber(env, ENVIRONMENT_NUMBERS[key], issues);
  }
  if (issues.length > 0) {
    const text = issues.map((issue) => `${issue.path} ${issue.message}`).join('; ');
    throw new InvalidSettingsError(`Invalid Databento settings (environment): ${text}.`, { issues });
  }
  const baseURLFromEnv = env.DATABENTO_BASE_URL?.trim() ? env.DATABENTO_BASE_URL.trim() : undefined;
  const merged: DatabentoSettings = {
    timeoutMs: settings.timeoutMs ?? fromEnv.timeoutMs,
    maxRetries: settings.maxRetries ?? fromEnv.maxRetries,
    baseURL: settings.baseURL ?? baseURLFromEnv,
    maxCostUsd: settings.maxCostUsd ?? fromEnv.maxCostUsd,
    maxRetryAfterMs: settings.maxRetryAfterMs ?? fromEnv.maxRetryAfterMs,
  };
  for (const key of Object.keys(merged) as (keyof DatabentoSettings)[]) {
    if (merged[key] === undefined) delete merged[key];
  }
  const parsed = settingsSchema.safeParse(merged);
  if (!parsed.success) throwInvalid(parsed.error, 'environment');
  return {
    timeoutMs: merged.timeoutMs ?? DATABENTO_DEFAULT_TIMEOUT_MS,
    maxRetries: merged.maxRetries ?? DATABENTO_DEFAULT_MAX_RETRIES,
    baseURL: (merged.baseURL ?? DATABENTO_DEFAULT_BASE_URL).replace(/\/+$/, '').replace(/\/v0$/, ''),
    fetch: settings.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    maxCostUsd: merged.maxCostUsd,
    retryMinTimeoutMs: settings.retryMinTimeoutMs ?? 1000,
    retryMaxTimeoutMs: settings.retryMaxTimeoutMs ?? 30_000,
    maxRetryAfterMs: merged.maxRetryAfterMs ?? DATABENTO_DEFAULT_MAX_RETRY_AFTER_MS,
    corruptResponseDirectory:
      settings.corruptResponseDirectory ?? join(tmpdir(), 'lb-databento', 'corrupt-responses'),
    rateLimits: settings.rateLimits ?? {},
  };
}

/**
 * The API key for a request: the `apiKey` setting, else `DATABENTO_API_KEY`, read now (not at import).
 * @throws MissingCredentialsError saying how to provide one.
 */
export function loadDatabentoApiKey(settings: DatabentoSettings): string {
  const env = settings.env ?? process.env;
  const key = settings.apiKey?.trim() || env.DATABENTO_API_KEY?.trim();
  if (!key) {
    throw new MissingCredentialsError(
      'Missing DataBento credentials: set the DATABENTO_API_KEY environment variable or pass the apiKey setting (e.g. createDatabento({ apiKey: "db-..." })). Keys are at https://databento.com/portal/keys.',
      { environmentVariable: 'DATABENTO_API_KEY' },
    );
  }
  return key;
}
