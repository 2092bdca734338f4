import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError } from '@lb/core';

/** Options of {@link createRunDirectory}. */
export interface CreateRunDirectoryOptions {
  /** Root folder of results; created when missing. */
  readonly outDir: string;
  /** Folder name; default the current UTC time to the second, e.g. `2026-11-29T22-39-46Z`. */
  readonly runId?: string;
  /** The clock, for tests. Default `Date.now`. */
  readonly nowMs?: () => number;
}

/** Most suffixes tried before giving up; far more runs than can start in one second. */
const maxAttempts = 10_000;

/** Default run folder name: UTC time to the second, with `-` for `:` so it is valid on every filesystem. */
export function defaultRunId(timeMs: number): string {
  return new Date(timeMs)
    .toISOString()
    .replaceAll(':', '-')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * Creates a fresh run folder `<outDir>/<runId>` and returns its absolute path. The folder is created with
 * an exclusive `mkdir` (it fails when the name exists), so two runs started in the same second, even in two
 * processes, never share a folder: the later one gets `<runId>-2`, `-3`, ...
 */
export async function createRunDirectory(options: CreateRunDirectoryOptions): Promise<string> {
  const root = path.resolve(options.outDir);
  await mkdir(root, { recursive: true });
  const runId = options.runId ?? defaultRunId((options.nowMs ?? Date.now)());
  if (runId === '' || runId === '.' || runId === '..' || /[\\/]/.test(runId)) {
    throw new InvalidArgumentError(
      `runId ${JSON.stringify(runId)} must be a plain folder name (no slashes).`,
      {
        argument: 'runId',
      },
    );
  }
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const directory = path.join(root, attempt === 1 ? runId : `${runId}-${attempt}`);
    try {
      await mkdir(directory);
      return directory;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new InvalidArgumentError(
    `No free run folder for ${runId} in ${root} after ${maxAttempts} attempts: pass another runId or clean the folder.`,
    { argument: 'runId' },
  );
}
