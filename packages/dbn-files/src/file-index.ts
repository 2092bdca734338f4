import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type DatabentoMetadata, DbnParser } from '@lb/dbn';
import { DbnFileError } from './dbn-file-error.js';

/** What the index knows about one file after reading only its metadata header. */
export interface DbnFileEntry {
  /** Absolute path. */
  readonly path: string;
  readonly metadata: DatabentoMetadata;
}

/** Every DBN file of a folder, by metadata, plus the files whose metadata could not be read. */
export interface DbnFileIndex {
  readonly files: readonly DbnFileEntry[];
  readonly problems: readonly DbnFileError[];
}

const DBN_FILE_PATTERN = /\.dbn(\.zst)?$/i;
// Metadata headers are a few KB (more with many symbol mappings); read in small steps and stop early.
const METADATA_READ_CHUNK_BYTES = 64 * 1024;

/** Lists `.dbn` and `.dbn.zst` files under `dir`, recursively, in a stable (sorted) order. */
export function listDbnFiles(dir: string): string[] {
  const root = resolve(dir);
  const entries = readdirSync(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && DBN_FILE_PATTERN.test(entry.name))
    .map((entry) => join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name))
    .sort();
}

/**
 * Reads the metadata header of a DBN file (raw or zstd) synchronously, decompressing only the first
 * chunks. Synchronous on purpose: `locateBars` and `capabilities` must answer without awaiting.
 */
export function readFileMetadata(path: string, sourceId: string): DatabentoMetadata {
  // Records that arrive in the same chunk as the header are ignored: only the metadata matters here.
  const parser = new DbnParser({ onRecords() {} });
  let descriptor: number | undefined;
  try {
    descriptor = openSync(path, 'r');
    const buffer = new Uint8Array(METADATA_READ_CHUNK_BYTES);
    while (parser.metadata === undefined) {
      const read = readSync(descriptor, buffer, 0, buffer.length, null);
      if (read === 0) {
        parser.finish();
        break;
      }
      parser.push(buffer.slice(0, read));
    }
  } catch (error) {
    throw new DbnFileError(
      `Cannot read DBN file ${path}: ${error instanceof Error ? error.message : String(error)}. Re-download it or move it out of the folder.`,
      { sourceId, filePath: path, cause: error },
    );
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
  if (parser.metadata === undefined) {
    throw new DbnFileError(
      `DBN file ${path} has no metadata header (a record fragment?); it cannot be indexed.`,
      {
        sourceId,
        filePath: path,
      },
    );
  }
  return parser.metadata;
}

/** Indexes every DBN file under `dir` by its metadata. A folder that cannot be listed is one problem. */
export function buildFileIndex(dir: string, sourceId: string): DbnFileIndex {
  const files: DbnFileEntry[] = [];
  const problems: DbnFileError[] = [];
  let paths: string[];
  try {
    paths = listDbnFiles(dir);
  } catch (error) {
    const path = resolve(dir);
    problems.push(
      new DbnFileError(
        `Cannot list DBN folder ${path}: ${error instanceof Error ? error.message : String(error)}.`,
        { sourceId, filePath: path, cause: error },
      ),
    );
    return { files, problems };
  }
  for (const path of paths) {
    try {
      files.push({ path, metadata: readFileMetadata(path, sourceId) });
    } catch (error) {
      problems.push(error as DbnFileError);
    }
  }
  return { files, problems };
}
