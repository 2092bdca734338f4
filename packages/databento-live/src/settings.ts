import { InvalidSettingsError, listIssues, MissingCredentialsError } from '@lb/core';
import { z } from 'zod';
import type { LiveLogger } from './logger.js';

/** Settings of {@link createDatabentoLive}. Only `dataset` is required. */
export interface DatabentoLiveSettings {
  /** API key (`db-…`). Default: `DATABENTO_API_KEY`, read when connecting. Never sent (CRAM) or logged. */
  apiKey?: string;
  /** One dataset per session, e.g. `GLBX.MDP3`. */
  dataset: string;
  /** `host:port` of the gateway (tests, proxies). Default: `DATABENTO_LIVE_GATEWAY`, else the dataset's gateway. */
  gateway?: string;
  /** Heartbeat interval the gateway should use (5-1800 s). Default: the gateway's (30 s). */
  heartbeatIntervalSeconds?: number;
  /** Silence after which the connection counts as dead. Default: heartbeat interval + 10 s. */
  heartbeatTimeoutMs?: number;
  /** TCP connect timeout. Default 10 000 ms, as the official clients. */
  connectTimeoutMs?: number;
  /** Greeting plus authentication timeout. Default 30 000 ms, as the official clients. */
  authTimeoutMs?: number;
  /** Reconnect attempts after a failure, reset once a session delivers records. Default 10; 0 disables. */
  maxReconnectAttempts?: number;
  /** First reconnect delay (doubles per attempt, full jitter). Default 1000 ms. */
  reconnectMinDelayMs?: number;
  /** Upper bound of one reconnect delay. Default 60 000 ms. */
  reconnectMaxDelayMs?: number;
  /** Records buffered for a slow consumer before the socket is paused. Default 10 000. */
  queueCapacity?: number;
  /**
   * How far before the last record seen a reconnect's replay starts, so records with equal or slightly
   * out-of-order timestamps are not lost; duplicates inside it are dropped. Default 1 s.
   */
  replayOverlapMs?: number;
  /** Where to log (never the key). Default: nothing. */
  logger?: LiveLogger;
  /** Environment to read defaults from. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

const positiveMs = z
  .number({ error: 'must be a number of milliseconds' })
  .positive({ error: 'must be positive' });

const settingsSchema = z.strictObject({
  apiKey: z.string({ error: 'must be a string' }).trim().min(1, { error: 'must not be empty' }).optional(),
  dataset: z
    .string({ error: 'must be a dataset code such as GLBX.MDP3' })
    .regex(/^[A-Z0-9]+\.[A-Z0-9]+$/, { error: 'must be a dataset code such as GLBX.MDP3' }),
  gateway: z.string({ error: 'must be host:port' }).optional(),
  heartbeatIntervalSeconds: z
    .number({ error: 'must be a number of seconds' })
    .int({ error: 'must be a whole number of seconds' })
    .min(5, { error: 'must be at least 5 seconds' })
    .max(1800, { error: 'must be at most 1800 seconds' })
    .optional(),
  heartbeatTimeoutMs: positiveMs.optional(),
  connectTimeoutMs: positiveMs.optional(),
  authTimeoutMs: positiveMs.optional(),
  maxReconnectAttempts: z
    .number()
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be 0 or more' })
    .optional(),
  reconnectMinDelayMs: z.number().min(0, { error: 'must be 0 or more' }).optional(),
  reconnectMaxDelayMs: z.number().min(0, { error: 'must be 0 or more' }).optional(),
  queueCapacity: z
    .number()
    .int({ error: 'must be a whole number' })
    .min(2, { error: 'must be at least 2' })
    .optional(),
  replayOverlapMs: z.number().min(0, { error: 'must be 0 or more' }).optional(),
  logger: z
    .custom<LiveLogger>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        ['debug', 'info', 'warn', 'error'].every(
          (name) => typeof (value as Record<string, unknown>)[name] === 'function',
        ),
      { error: 'must have debug, info, warn and error methods' },
    )
    .optional(),
  env: z.record(z.string(), z.string().optional()).optional(),
});

/**
 * Checks settings at creation; the key is read (and may be missing) only when connecting.
 * @throws InvalidSettingsError with one issue per bad field.
 */
export function validateLiveSettings(settings: DatabentoLiveSettings): DatabentoLiveSettings {
  const parsed = settingsSchema.safeParse(settings);
  if (!parsed.success) {
    const issues = listIssues(parsed.error);
    const text = issues.map((issue) => `${issue.path || '(settings)'}: ${issue.message}`).join('; ');
    throw new InvalidSettingsError(`Invalid Databento live settings: ${text}.`, {
      issues,
      cause: parsed.error,
    });
  }
  return settings;
}

/**
 * The API key: the `apiKey` setting, else `DATABENTO_API_KEY`, read now.
 * @throws MissingCredentialsError saying how to provide one.
 */
export function loadLiveApiKey(settings: DatabentoLiveSettings): string {
  const env = settings.env ?? process.env;
  const key = settings.apiKey?.trim() || env.DATABENTO_API_KEY?.trim();
  if (!key) {
    throw new MissingCredentialsError(
      'Missing DataBento credentials: set the DATABENTO_API_KEY environment variable or pass the apiKey setting (e.g. createDatabentoLive({ apiKey: "db-...", dataset: "GLBX.MDP3" })). Keys are at https://databento.com/portal/keys.',
      { environmentVariable: 'DATABENTO_API_KEY' },
    );
  }
  return key;
}
