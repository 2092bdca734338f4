import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** Tuning of {@link acquireLock}. */
export interface LockOptions {
  /** A lock whose file was not refreshed for this long is considered abandoned. Default 30 s. */
  readonly staleMs?: number;
  /** Give up after waiting this long. Default 10 minutes (a large download can hold a lock that long). */
  readonly timeoutMs?: number;
  /** Polling interval while waiting. Default 25 ms. */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
}

/** A held lock. Release it in a `finally`. */
export interface HeldLock {
  readonly path: string;
  release(): Promise<void>;
}

interface LockOwner {
  readonly token: string;
  readonly pid: number;
  readonly hostname: string;
  readonly acquiredAt: string;
}

/**
 * Takes an exclusive lock shared by processes and worker threads: `open(path, 'wx')` creates the lock
 * file only if it does not exist, which the OS guarantees to one caller. The holder refreshes the file's
 * mtime every `staleMs / 3`; a lock is broken when its mtime is older than `staleMs` or its owner process
 * (same host) is gone, so a SIGKILLed holder blocks others only briefly. Breaking is itself serialised by a
 * short-lived `<path>.break` file, so two waiters cannot both break the same lock and then both take it.
 */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<HeldLock> {
  const staleMs = options.staleMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const pollMs = options.pollMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  await mkdir(dirname(path), { recursive: true });
  const owner: LockOwner = {
    token: randomUUID(),
    pid: process.pid,
    hostname: hostname(),
    acquiredAt: new Date().toISOString(),
  };
  for (;;) {
    options.signal?.throwIfAborted();
    if (await tryCreate(path, owner)) return holdLock(path, owner, staleMs);
    await breakIfStale(path, staleMs);
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for cache lock ${path}; delete it if no lb process is running.`,
      );
    }
    await delay(pollMs + Math.random() * pollMs, undefined, options.signal ? { signal: options.signal } : {});
  }
}

async function tryCreate(path: string, owner: LockOwner): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(JSON.stringify(owner));
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function holdLock(path: string, owner: LockOwner, staleMs: number): HeldLock {
  const heartbeat = setInterval(
    () => {
      const now = new Date();
      utimes(path, now, now).catch(() => {});
    },
    Math.max(10, Math.floor(staleMs / 3)),
  );
  heartbeat.unref();
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      // Only remove the file if it is still ours (it may have been broken as stale and retaken).
      if ((await readOwner(path))?.token === owner.token) await unlink(path).catch(() => {});
    },
  };
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

async function isStale(path: string, staleMs: number): Promise<{ stale: boolean; token?: string }> {
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(path)).mtimeMs;
  } catch {
    return { stale: false };
  }
  const owner = await readOwner(path);
  // A lock file is written right after creation; an unreadable one younger than staleMs is being written.
  if (Date.now() - mtimeMs > staleMs) return { stale: true, ...(owner ? { token: owner.token } : {}) };
  if (owner !== undefined && owner.hostname === hostname() && !isProcessAlive(owner.pid)) {
    return { stale: true, token: owner.token };
  }
  return { stale: false };
}

async function breakIfStale(path: string, staleMs: number): Promise<void> {
  const first = await isStale(path, staleMs);
  if (!first.stale) return;
  const breakPath = `${path}.break`;
  const breaker: LockOwner = {
    token: randomUUID(),
    pid: process.pid,
    hostname: hostname(),
    acquiredAt: new Date().toISOString(),
  };
  if (!(await tryCreate(breakPath, breaker))) {
    // Someone else is breaking it; a breaker that died leaves the file, which expires after staleMs.
    try {
      if (Date.now() - (await stat(breakPath)).mtimeMs > staleMs) await unlink(breakPath);
    } catch {}
    return;
  }
  try {
    // Re-check under the break lock: the stale lock may already have been replaced by a live one.
    const second = await isStale(path, staleMs);
    if (second.stale && second.token === first.token) await unlink(path).catch(() => {});
  } finally {
    await unlink(breakPath).catch(() => {});
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `action` while holding the lock at `path`. */
export async function withLock<T>(path: string, options: LockOptions, action: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(path, options);
  try {
    return await action();
  } finally {
    await lock.release();
  }
}
