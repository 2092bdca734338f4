import type { ConnectionOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { InvalidSweepError } from './errors.js';

/**
 * ioredis options from a `redis://` or `rediss://` (TLS) URL, with user, password and database:
 * `rediss://:secret@redis.example.com:6380/2`. The password stays in this process: it is never written to
 * Redis or to job data.
 * @throws InvalidSweepError for another scheme or a malformed URL.
 */
export function redisOptionsFromUrl(url: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new InvalidSweepError('The Redis URL is malformed: use redis://[:password@]host[:port][/db].', {
      cause: error,
    });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new InvalidSweepError(
      `The Redis URL must start with redis:// or rediss:// (TLS), not ${parsed.protocol}//.`,
    );
  }
  const database = parsed.pathname.replace(/^\//, '');
  if (database !== '' && !/^\d+$/.test(database)) {
    throw new InvalidSweepError(`The Redis database in the URL must be a number, got "${database}".`);
  }
  return {
    host: parsed.hostname,
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(database === '' ? {} : { db: Number(database) }),
    ...(parsed.protocol === 'rediss:' ? { tls: { servername: parsed.hostname } } : {}),
    // BullMQ's blocking connections require this; commands wait for a reconnect instead of failing.
    maxRetriesPerRequest: null,
  };
}

/** The same options typed for BullMQ, whose own RedisOptions type is looser than ioredis 6's. */
export function bullConnectionFromUrl(url: string): ConnectionOptions {
  return redisOptionsFromUrl(url) as ConnectionOptions;
}
