import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, withLock } from './partition-lock.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'lb-lock-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('acquireLock', () => {
  it('should let one holder in at a time', async () => {
    const path = join(directory, '.lock');
    const events: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        withLock(path, { pollMs: 5 }, async () => {
          events.push(`${name}+`);
          await delay(20);
          events.push(`${name}-`);
        }),
      ),
    );
    for (let index = 0; index < events.length; index += 2) {
      expect(events[index]!.slice(0, 1)).toBe(events[index + 1]!.slice(0, 1));
    }
    await expect(stat(path)).rejects.toThrow();
  });

  it('should break a lock whose owner process is gone', async () => {
    const path = join(directory, '.lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const pid = Number(dead.stdout.toString());
    await writeFile(path, JSON.stringify({ token: 'dead', pid, hostname: hostname(), acquiredAt: '' }));
    const startedAt = Date.now();
    const lock = await acquireLock(path, { pollMs: 5 });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(JSON.parse(await readFile(path, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('should break a lock not refreshed for staleMs, and keep a refreshed one', async () => {
    const path = join(directory, '.lock');
    await writeFile(
      path,
      JSON.stringify({ token: 'other', pid: process.pid, hostname: 'elsewhere', acquiredAt: '' }),
    );
    const old = new Date(Date.now() - 10_000);
    await utimes(path, old, old);
    const lock = await acquireLock(path, { staleMs: 900, pollMs: 5 });
    await expect(acquireLock(path, { staleMs: 900, pollMs: 5, timeoutMs: 2_000 })).rejects.toThrow(
      /Timed out/,
    );
    await lock.release();
  });
});
