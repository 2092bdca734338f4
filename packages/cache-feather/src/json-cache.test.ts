import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recordingLogger } from './__fixtures__/bars.js';
import { JsonCache } from './json-cache.js';

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'lb-json-cache-'));
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe('JsonCache', () => {
  it('should fetch once and serve the stored value afterwards, across instances', async () => {
    let fetches = 0;
    const fetch = async () => {
      fetches++;
      return { ESH4: 42_005_347 };
    };
    const cache = new JsonCache({ cacheDir, namespace: 'databento/symbology' });
    expect(await cache.getOrFetch('GLBX.MDP3/ES.c.0/2024-01-02', fetch)).toEqual({ ESH4: 42_005_347 });
    const again = new JsonCache({ cacheDir, namespace: 'databento/symbology' });
    expect(await again.getOrFetch('GLBX.MDP3/ES.c.0/2024-01-02', fetch)).toEqual({ ESH4: 42_005_347 });
    expect(fetches).toBe(1);
    expect(await readdir(join(cacheDir, 'databento', 'symbology'))).toEqual([
      'GLBX.MDP3%2FES.c.0%2F2024-01-02.json',
    ]);
  });

  it('should share one fetch between concurrent callers', async () => {
    let fetches = 0;
    const cache = new JsonCache({ cacheDir, namespace: 'definitions' });
    const fetch = async () => {
      fetches++;
      await delay(100);
      return 'ES';
    };
    const results = await Promise.all([1, 2, 3].map(() => cache.getOrFetch('key', fetch)));
    expect(results).toEqual(['ES', 'ES', 'ES']);
    expect(fetches).toBe(1);
  });

  it('should move a corrupt or schema-violating entry aside and refetch it', async () => {
    const logger = recordingLogger();
    const cache = new JsonCache({ cacheDir, namespace: 'definitions', logger });
    await cache.set('ESH4', { multiplier: 50 });
    await writeFile(cache.pathOf('ESH4'), '{"formatVersion":1,');
    expect(await cache.getOrFetch('ESH4', async () => ({ multiplier: 50 }))).toEqual({ multiplier: 50 });
    expect(logger.warnings[0]).toContain('not a valid cache entry');
    const schema = z.object({ multiplier: z.number() });
    await cache.set('MESH4', { multiplier: 'five' });
    expect(await cache.get('MESH4', { schema })).toBeUndefined();
    expect(logger.warnings[1]).toContain('does not match the expected schema');
    await writeFile(
      cache.pathOf('NQH4'),
      JSON.stringify({ formatVersion: 1, key: 'NQH4', writtenAt: 'never', value: { multiplier: 20 } }),
    );
    expect(await cache.get('NQH4', { maxAgeMs: 60_000 })).toBeUndefined();
    expect(logger.warnings[2]).toContain('not a valid cache entry');
    const names = await readdir(join(cacheDir, 'definitions'));
    expect(names.filter((name) => name.includes('.corrupt-'))).toHaveLength(3);
  });

  it('should refetch when forced or older than maxAgeMs', async () => {
    const cache = new JsonCache({ cacheDir, namespace: 'n' });
    let value = 1;
    const fetch = async () => value++;
    expect(await cache.getOrFetch('k', fetch)).toBe(1);
    expect(await cache.getOrFetch('k', fetch, { forceUpdate: true })).toBe(2);
    expect(await cache.getOrFetch('k', fetch)).toBe(2);
    await delay(5);
    expect(await cache.getOrFetch('k', fetch, { maxAgeMs: 1 })).toBe(3);
  });
});
