import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `data` to `path` so that readers see either the old file or the complete new one, never a prefix:
 * the bytes go to a temporary file in the same directory (rename is only atomic within a file system), are
 * flushed with fsync, then renamed over `path`; the directory is fsynced so the rename survives a power cut.
 * A crash leaves at most a `.<name>.tmp-*` file behind, which readers ignore and `clearCache` removes.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  const temporaryPath = join(
    directory,
    `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`,
  );
  const handle = await open(temporaryPath, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(temporaryPath).catch(() => {});
    throw error;
  }
  await handle.close();
  try {
    await rename(temporaryPath, path);
  } catch (error) {
    await unlink(temporaryPath).catch(() => {});
    throw error;
  }
  await syncDirectory(directory);
}

/** Flushes a directory entry (the rename). Some platforms (Windows) cannot open directories: ignore that. */
export async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: the data file itself is already durable.
  }
}

/** True for the temporary files {@link writeFileAtomic} leaves behind when a process dies mid-write. */
export function isTemporaryFileName(name: string): boolean {
  return name.startsWith('.') && name.includes('.tmp-');
}
