import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { hasRedisServer, startTestRedis } from './__fixtures__/redis-server.js';
import { InvalidSweepError } from './errors.js';
import { redisOptionsFromUrl } from './redis-connection.js';

describe('redisOptionsFromUrl', () => {
  it('should read host, port, user, password and database', () => {
    expect(redisOptionsFromUrl('redis://sweeper:p%40ss@10.0.0.5:6380/2')).toEqual({
      host: '10.0.0.5',
      port: 6380,
      username: 'sweeper',
      password: 'p@ss',
      db: 2,
      maxRetriesPerRequest: null,
    });
  });

  it('should turn on TLS for rediss:// and default the port to 6379', () => {
    expect(redisOptionsFromUrl('rediss://:secret@redis.example.com')).toEqual({
      host: 'redis.example.com',
      port: 6379,
      password: 'secret',
      tls: { servername: 'redis.example.com' },
      maxRetriesPerRequest: null,
    });
  });

  it('should reject other schemes and bad databases with a typed error', () => {
    expect(() => redisOptionsFromUrl('http://localhost:6379')).toThrow(
      'The Redis URL must start with redis:// or rediss:// (TLS), not http://.',
    );
    expect(() => redisOptionsFromUrl('redis://localhost/abc')).toThrow(InvalidSweepError);
    expect(() => redisOptionsFromUrl('not a url')).toThrow('The Redis URL is malformed');
  });
});

describe('a password in the Redis URL', () => {
  it('should authenticate against a redis-server that requires it', async (context) => {
    if (!hasRedisServer()) {
      if (process.env.CI === 'true') throw new Error('redis-server is missing: install Debian redis-server.');
      return context.skip('redis-server is not installed (apt-get install redis-server)');
    }
    const server = await startTestRedis({ password: 's3cret/+@' });
    const authenticated = new Redis(redisOptionsFromUrl(server.url));
    const anonymous = new Redis(redisOptionsFromUrl(server.url.replace(/\/\/[^@]*@/, '//')));
    // The refused handshake is also emitted as an event; the assertion below checks the command's error.
    anonymous.on('error', () => {});
    try {
      expect(await authenticated.ping()).toBe('PONG');
      await expect(anonymous.ping()).rejects.toThrow('NOAUTH');
    } finally {
      authenticated.disconnect();
      anonymous.disconnect();
      await server.stop();
    }
  });
});
