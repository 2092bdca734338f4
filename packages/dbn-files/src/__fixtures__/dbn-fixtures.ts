import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseContractSymbol } from '@lb/core';
import {
  compressZstd,
  createFutureDefinitionRecord,
  type DatabentoInstrumentDefinitionRecord,
  encodeDbn,
  encodeOhlcvColumns,
} from '@lb/dbn';

const NANOS_PER_MS = 1_000_000n;

/** Nanoseconds since the epoch of an ISO instant. */
export function nanos(iso: string): bigint {
  return BigInt(Date.parse(iso)) * NANOS_PER_MS;
}

/** YYYYMMDD of an ISO instant's UTC day. */
export function dayNumber(iso: string): number {
  return Number(iso.slice(0, 10).replaceAll('-', ''));
}

/** A v3 definition record for a future (the shared builder), with this file's shorter field names. */
export function futureDefinition(input: {
  rawSymbol: string;
  instrumentId: number;
  tsRecv: bigint;
  multiplier: number;
  tickSize: number;
  expiration: bigint;
  currency?: string;
  asset?: string;
}): DatabentoInstrumentDefinitionRecord {
  const contract = parseContractSymbol(input.rawSymbol);
  return createFutureDefinitionRecord({
    rawSymbol: input.rawSymbol,
    root: input.asset ?? contract?.root ?? input.rawSymbol,
    instrumentId: input.instrumentId,
    tsRecvNanos: input.tsRecv,
    multiplier: input.multiplier,
    tickSize: input.tickSize,
    expirationNanos: input.expiration,
    maturityYear: contract?.year ?? 0,
    maturityMonth: contract?.month ?? 0,
    ...(input.currency === undefined ? {} : { currency: input.currency }),
  });
}

/** One bar per minute from `start` (inclusive) to `end` (exclusive), close = `base` + minute index. */
export function minuteBars(instrumentId: number, start: string, end: string, base: number) {
  const startMs = Date.parse(start);
  const count = (Date.parse(end) - startMs) / 60_000;
  const tsEventNanos = new BigInt64Array(count);
  const close = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    tsEventNanos[index] = BigInt(startMs + index * 60_000) * NANOS_PER_MS;
    close[index] = base + index * 0.25;
  }
  return {
    tsEventNanos,
    instrumentId: new Uint32Array(count).fill(instrumentId),
    open: close.map((value) => value - 0.25),
    high: close.map((value) => value + 0.5),
    low: close.map((value) => value - 0.5),
    close,
    volume: new Float64Array(count).fill(10),
  };
}

/** Writes `bytes` to `dir/relativePath`, creating folders. */
export async function writeFixture(dir: string, relativePath: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, relativePath);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  return path;
}

/** An ohlcv-1m file for one raw symbol with a proper metadata mapping. */
export async function ohlcvFile(input: {
  rawSymbol: string;
  instrumentId: number;
  start: string;
  end: string;
  base: number;
  compress?: boolean;
}): Promise<Uint8Array> {
  const bytes = encodeOhlcvColumns(minuteBars(input.instrumentId, input.start, input.end, input.base), {
    metadata: {
      dataset: 'GLBX.MDP3',
      schema: 'ohlcv-1m',
      startNanos: nanos(input.start),
      endNanos: nanos(input.end),
      symbols: [input.rawSymbol],
      mappings: [
        {
          rawSymbol: input.rawSymbol,
          intervals: [
            {
              startDate: dayNumber(input.start),
              endDate: dayNumber(new Date(Date.parse(input.end) + 86_399_999).toISOString()),
              symbol: String(input.instrumentId),
            },
          ],
        },
      ],
    },
  });
  return input.compress ? compressZstd(bytes) : bytes;
}

/** A definition file holding `records`. */
export function definitionFile(
  records: DatabentoInstrumentDefinitionRecord[],
  start: string,
  end: string,
): Promise<Uint8Array> {
  return encodeDbn(
    {
      metadata: {
        dataset: 'GLBX.MDP3',
        schema: 'definition',
        startNanos: nanos(start),
        endNanos: nanos(end),
        symbols: records.map((record) => record.rawSymbol),
      },
      records,
    },
    { compress: true },
  );
}
