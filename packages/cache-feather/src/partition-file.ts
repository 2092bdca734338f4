import { createHash } from 'node:crypto';
import { Bars } from '@lb/core';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import type { PartitionManifest } from './manifest.js';

// Arrow IPC file format (Feather v2): "ARROW1" + 2 padding bytes at the start, "ARROW1" at the very end.
const ARROW_MAGIC = Buffer.from('ARROW1', 'ascii');

/** An encoded partition, ready to be written. */
export interface EncodedPartition {
  readonly bytes: Uint8Array;
  readonly sha256: string;
}

/**
 * Encodes bars as an uncompressed Arrow IPC file. Uncompressed on purpose: arrow-js compressed output is
 * rejected by polars, and reading needs no codec.
 */
export function encodePartition(bars: Bars): EncodedPartition {
  const bytes = tableToIPC(bars.toArrowTable(), 'file');
  return { bytes, sha256: sha256Hex(bytes) };
}

/** Lower-case hex sha256. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** What is wrong with a data file, or undefined when it matches its manifest. */
export function findPartitionProblem(
  bytes: Uint8Array,
  manifest: PartitionManifest,
  options: { readonly checksum: boolean } = { checksum: true },
): string | undefined {
  if (bytes.byteLength !== manifest.byteLength) {
    return `file has ${bytes.byteLength} bytes, manifest says ${manifest.byteLength}`;
  }
  if (!hasArrowMagic(bytes)) return 'not an Arrow IPC file (bad magic or missing footer)';
  if (options.checksum && sha256Hex(bytes) !== manifest.sha256) return 'sha256 does not match the manifest';
  return undefined;
}

/** True when `bytes` starts and ends with the Arrow file magic. */
export function hasArrowMagic(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 2 * ARROW_MAGIC.length + 2) return false;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (
    buffer.subarray(0, ARROW_MAGIC.length).equals(ARROW_MAGIC) &&
    buffer.subarray(buffer.length - ARROW_MAGIC.length).equals(ARROW_MAGIC)
  );
}

/**
 * Decodes a validated data file into bars (zero copy for single-batch files). Symbol and timestep come from
 * the schema metadata written with the bars, so a read returns exactly what the source returned.
 * @throws Error when the file does not decode or holds another row count than the manifest.
 */
export function decodePartition(bytes: Uint8Array, manifest: PartitionManifest): Bars {
  const table = tableFromIPC(bytes);
  if (table.numRows !== manifest.rowCount) {
    throw new Error(`file holds ${table.numRows} rows, manifest says ${manifest.rowCount}`);
  }
  return Bars.fromArrowTable(table);
}
