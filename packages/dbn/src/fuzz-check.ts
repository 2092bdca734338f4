import { isDeepStrictEqual } from 'node:util';
import { decodeOhlcvColumns, type OhlcvColumns, readOhlcvColumns } from './columnar-ohlcv.js';
import { DbnDecodeError } from './dbn-decode-error.js';
import type { FuzzCase } from './fuzz-cases.js';
import { formatMetadataJson, formatRecordJson } from './json-format.js';
import type { DatabentoAnyVersionRecord } from './record-types.js';
import { decodeDbnWithLayouts, openDbnStream } from './stream-decoder.js';
import { decompressZstd, startsWithZstdMagic } from './zstd.js';

/**
 * Test helper: what one hostile input did. `untyped`: some entry point threw something other than
 * {@link DbnDecodeError} (a bug). `wrong`: two entry points decoded it to different results (a bug).
 * `decoded`: the record decoder decoded it and every other path that decoded agrees. `typed`: the record
 * decoder threw DbnDecodeError (other paths may decode it: the columnar one skips non-OHLCV records).
 */
export interface FuzzOutcome {
  readonly kind: 'decoded' | 'typed' | 'untyped' | 'wrong';
  /** For `untyped` and `wrong`: the entry point and what happened. */
  readonly detail?: string;
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function attempt<T>(run: () => T | Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The input cut into chunks of 1 to 4,096 bytes, sizes derived from the case index (deterministic). */
function chunksOf(bytes: Uint8Array, index: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let size = 1 + (((index * 2654435761) >>> 0) % 4096);
  for (let offset = 0; offset < bytes.length; ) {
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
    size = 1 + ((size * 48271) % 4096);
  }
  return chunks;
}

const OHLCV_RTYPES = new Set([0x11, 0x20, 0x21, 0x22, 0x23, 0x24]);

function ohlcvRows(columns: OhlcvColumns): unknown[] {
  return Array.from({ length: columns.length }, (_, row) => [
    columns.tsEventNanos[row],
    columns.instrumentId[row],
    columns.open[row],
    columns.high[row],
    columns.low[row],
    columns.close[row],
    columns.volume[row],
  ]);
}

function ohlcvRowsOfRecords(records: readonly DatabentoAnyVersionRecord[]): unknown[] {
  const toUnits = (raw: bigint): number => (raw === 0x7fffffffffffffffn ? Number.NaN : Number(raw) / 1e9);
  return records
    .filter((record) => OHLCV_RTYPES.has(record.rtype))
    .map((record) => {
      const bar = record as unknown as Record<string, bigint> & { instrumentId: number };
      return [
        // The column is a BigInt64Array: a u64 ts_event past 2^63 (corrupt) reads as negative there.
        BigInt.asIntN(64, bar.tsEvent!),
        bar.instrumentId,
        toUnits(bar.open!),
        toUnits(bar.high!),
        toUnits(bar.low!),
        toUnits(bar.close!),
        Number(bar.volume),
      ];
    });
}

/**
 * Runs one case through every decode entry point: `decodeDbnWithLayouts` (plain and upgraded, with JSON output),
 * `openDbnStream` over uneven chunks, `decodeOhlcvColumns`, `readOhlcvColumns` over chunks, and for zstd
 * input the native whole-buffer `decompressZstd` then `decodeOhlcvColumns` (the file source's path).
 */
export async function checkFuzzCase(fuzzCase: FuzzCase): Promise<FuzzOutcome> {
  const { bytes, fragment, index } = fuzzCase;
  const options = { fragment };
  const attempts: Record<string, Attempt<unknown>> = {};
  const whole = await attempt(() => {
    const decoded = decodeDbnWithLayouts(bytes, options);
    for (const record of decoded.records) formatRecordJson(record);
    return decoded.records.map((decoded) => decoded.record);
  });
  attempts.decodeDbn = whole;
  attempts.upgraded = await attempt(() => {
    const decoded = decodeDbnWithLayouts(bytes, { ...options, upgrade: true });
    if (decoded.metadata) formatMetadataJson(decoded.metadata);
    for (const record of decoded.records) formatRecordJson(record);
    return decoded.records.length;
  });
  const streamed = await attempt(async () => {
    const stream = await openDbnStream(chunksOf(bytes, index), options);
    const records: DatabentoAnyVersionRecord[] = [];
    for await (const batch of stream.batches()) records.push(...batch);
    return records;
  });
  attempts.openDbnStream = streamed;
  const columnar = await attempt(() => decodeOhlcvColumns(bytes, options).columns);
  attempts.decodeOhlcvColumns = columnar;
  const columnarStream = await attempt(
    async () => (await readOhlcvColumns(chunksOf(bytes, index + 1), options)).columns,
  );
  attempts.readOhlcvColumns = columnarStream;
  let native: Attempt<OhlcvColumns> | undefined;
  if (startsWithZstdMagic(bytes)) {
    native = await attempt(async () => decodeOhlcvColumns(await decompressZstd(bytes), options).columns);
    attempts.nativeZstd = native;
  }

  for (const [entryPoint, result] of Object.entries(attempts)) {
    if (!result.ok && !DbnDecodeError.isInstance(result.error)) {
      const error = result.error;
      return {
        kind: 'untyped',
        detail: `${entryPoint}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      };
    }
  }
  // The record decoders share one parser: they must agree on success and on every record.
  if (whole.ok !== streamed.ok) {
    return { kind: 'wrong', detail: `decodeDbn ${whole.ok ? 'decoded' : 'threw'}, openDbnStream did not` };
  }
  if (whole.ok && streamed.ok && !isDeepStrictEqual(whole.value, streamed.value)) {
    return { kind: 'wrong', detail: 'decodeDbn and openDbnStream decoded different records' };
  }
  if (columnar.ok !== columnarStream.ok) {
    return { kind: 'wrong', detail: 'decodeOhlcvColumns and readOhlcvColumns disagree on success' };
  }
  if (
    columnar.ok &&
    columnarStream.ok &&
    !isDeepStrictEqual(ohlcvRows(columnar.value), ohlcvRows(columnarStream.value))
  ) {
    return { kind: 'wrong', detail: 'decodeOhlcvColumns and readOhlcvColumns decoded different bars' };
  }
  if (whole.ok && columnar.ok) {
    const expected = ohlcvRowsOfRecords(whole.value as DatabentoAnyVersionRecord[]);
    if (!isDeepStrictEqual(ohlcvRows(columnar.value), expected)) {
      return { kind: 'wrong', detail: 'decodeOhlcvColumns and decodeDbn decoded different bars' };
    }
  }
  if (native?.ok && columnar.ok && !isDeepStrictEqual(ohlcvRows(native.value), ohlcvRows(columnar.value))) {
    return { kind: 'wrong', detail: 'native and pure-JS zstd decoded different bars' };
  }
  return { kind: whole.ok ? 'decoded' : 'typed' };
}
