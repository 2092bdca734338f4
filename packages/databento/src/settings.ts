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
  readonly rateLimits: Partial<Record<DatabentoEndpointGroup, number>>;
}

const positiveRate = z.number().positive({ error: 'must be a positive number of requests per second' });

const settingsSchema = z.strictObject({
  apiKey: z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, { error: 'must not be empty (set DATABENTO_API_KEY or pass apiKey)' })
    .optional(),
  timeoutMs: z
    .number({ error: 'must be a number of milliseconds' })
    .positive({ error: 'must be positive' })
    .optional(),
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
    .min(0, { error: 'must be 0 or more' })
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
  retryMinTimeoutMs: z.number().min(0, { error: 'must be 0 or more' }).optional(),
  retryMaxTimeoutMs: z.number().min(0, { error: 'must be 0 or more' }).optional(),
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

const envNumber = (name: string, scale = 1) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value.trim() === '') return undefined;
      const number = Number(value);
      if (!Number.isFinite(number)) {
        context.addIssue({ code: 'custom', message: `${name} must be a number, got "${value}"` });
        return z.NEVER;
      }
      return number * scale;
    });

const envSchema = z.object({
  DATABENTO_TIMEOUT: envNumber('DATABENTO_TIMEOUT (seconds)', 1000),
  DATABENTO_MAX_RETRIES: envNumber('DATABENTO_MAX_RETRIES'),
  DATABENTO_BASE_URL: z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : undefined)),
  DATABENTO_MAX_COST_USD: envNumber('DATABENTO_MAX_COST_USD'),
});

/** Fills unset settings from the environment and defaults, validating environment values too. */
export function resolveDatabentoSettings(settings: DatabentoSettings): ResolvedDatabentoSettings {
  const env = settings.env ?? process.env;
  const parsedEnv = envSchema.safeParse(env);
  if (!parsedEnv.success) throwInvalid(parsedEnv.error, 'environment');
  const fromEnv = parsedEnv.data;
  const merged: DatabentoSettings = {
    timeoutMs: settings.timeoutMs ?? fromEnv.DATABENTO_TIMEOUT,
    maxRetries: settings.maxRetries ?? fromEnv.DATABENTO_MAX_RETRIES,
    baseURL: settings.baseURL ?? fromEnv.DATABENTO_BASE_URL,
    maxCostUsd: settings.maxCostUsd ?? fromEnv.DATABENTO_MAX_COST_USD,
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
