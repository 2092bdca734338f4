import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './usage-error.js';

// Long paths stay readable on one line: the start and the end of a path say which one it is.
const MAXIMUM_SHOWN_PATH_LENGTH = 120;

/** A path as shown in a one-line message, shortened in the middle when very long. */
export function showPath(text: string): string {
  if (text.length <= MAXIMUM_SHOWN_PATH_LENGTH) return text;
  return `${text.slice(0, 60)}…${text.slice(-40)} (${text.length} characters)`;
}

interface FileSystemProblem {
  readonly code: string;
  readonly path?: string;
  readonly syscall?: string;
}

function fileSystemProblem(error: unknown): FileSystemProblem | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return undefined;
  const { path: problemPath, syscall } = error as { path?: unknown; syscall?: unknown };
  return {
    code,
    ...(typeof problemPath === 'string' ? { path: problemPath } : {}),
    ...(typeof syscall === 'string' ? { syscall } : {}),
  };
}

// What each errno means for the user, and what to do about it.
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'does not exist; check the path',
  ENOTDIR: 'goes through a file as if it were a folder; check the path',
  EISDIR: 'is a folder where a file is expected; pass a file',
  ENAMETOOLONG: 'is too long for the file system; use a shorter path',
  EACCES: 'is not accessible (permission denied); check its permissions',
  EPERM: 'is not accessible (operation not permitted); check its permissions',
  ELOOP: 'has a loop of symbolic links; check the links',
  EROFS: 'is on a read-only file system; choose a writable folder',
  ENOSPC: 'cannot be written: the disk is full; free some space',
  EEXIST: 'already exists; remove it or choose another path',
  EMFILE: 'cannot be opened: too many open files; raise the limit (ulimit -n)',
};

/**
 * One line for a Node file-system error (`ENOTDIR: not a directory, mkdir '…'`), naming the path and what
 * to fix, or undefined when `error` is not one.
 */
export function describeFileSystemError(error: unknown, label?: string): string | undefined {
  const problem = fileSystemProblem(error);
  if (problem === undefined) return undefined;
  const reason = REASONS[problem.code];
  if (reason === undefined) return undefined;
  const subject = [label, problem.path === undefined ? undefined : showPath(problem.path)]
    .filter((part) => part !== undefined)
    .join(' ');
  return subject === '' ? `a path ${reason}` : `${subject} ${reason}`;
}

async function statOrUsageError(target: string, label: string) {
  try {
    return await stat(target);
  } catch (error) {
    const described = describeFileSystemError({ ...(error as object), path: target }, label);
    if (described === undefined) throw error;
    throw new UsageError(described, { cause: error });
  }
}

/**
 * Checks that `file` is an existing regular file, so a wrong path fails as bad usage naming the path,
 * not later as a raw EISDIR or a module loader's message.
 * @throws UsageError like "strategy module ./nope.ts does not exist; check the path".
 */
export async function requireFile(file: string, label: string): Promise<void> {
  const stats = await statOrUsageError(file, label);
  if (!stats.isFile()) {
    throw new UsageError(
      `${label} ${showPath(file)} is ${stats.isDirectory() ? 'a folder' : 'not a file'}; pass a file`,
    );
  }
}

/**
 * Checks that `directory` is an existing folder.
 * @throws UsageError like "--data-dir ./data does not exist; check the path".
 */
export async function requireDirectory(directory: string, label: string): Promise<void> {
  const stats = await statOrUsageError(directory, label);
  if (!stats.isDirectory()) throw new UsageError(`${label} ${showPath(directory)} is a file; pass a folder`);
}

/**
 * Checks that `directory` is a folder or can be created as one: the nearest part of it that exists must
 * be a folder. Catches `--out results.csv` (a file) before hours of backtesting, not at the final write.
 * @throws UsageError naming the path and the part of it that is a file.
 */
export async function requireCreatableDirectory(directory: string, label: string): Promise<void> {
  const absolute = path.resolve(directory);
  if (absolute.split(path.sep).some((part) => Buffer.byteLength(part) > 255)) {
    throw new UsageError(`${label} ${showPath(directory)} ${REASONS.ENAMETOOLONG}`);
  }
  let current = absolute;
  for (;;) {
    try {
      const stats = await stat(current);
      if (stats.isDirectory()) return;
      const which = current === absolute ? '' : ` (${showPath(current)} is a file)`;
      throw new UsageError(`${label} ${showPath(directory)} is not a folder${which}; pass a folder`);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const code = (error as { code?: unknown }).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        const described = describeFileSystemError({ ...(error as object), path: directory }, label);
        if (described === undefined) throw error;
        throw new UsageError(described, { cause: error });
      }
      const parent = path.dirname(current);
      if (parent === current) return;
      current = parent;
    }
  }
}
