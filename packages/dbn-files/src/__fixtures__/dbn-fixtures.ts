import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  compressZstd,
  type DatabentoInstrumentDefinitionRecord,
  DatabentoRType,
  encodeDbn,
  encodeOhlcvColumns,
  UNDEF_PRICE,
  UNDEF_TIMESTAMP,
} from '@lb/databento';

const NANOS_PER_MS = 1_000_000n;
const UNDEF_I32 = 2147483647;

/** Nanoseconds since the epoch of an ISO instant. */
export function nanos(iso: string): bigint {
  return BigInt(Date.parse(iso)) * NANOS_PER_MS;
}

/** YYYYMMDD of an ISO instant's UTC day. */
export function dayNumber(iso: string): number {
  return Number(iso.slice(0, 10).replaceAll('-', ''));
}

/** A v3 definition record for a future, every other field at its "undefined" value. */
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
  return {
    rtype: DatabentoRType.InstrumentDefinition,
    publisherId: 1,
    instrumentId: input.instrumentId,
    tsEvent: input.tsRecv,
    tsRecv: input.tsRecv,
    rawSymbol: input.rawSymbol,
    securityUpdateAction: 'A',
    instrumentClass: 'F',
    minPriceIncrement: BigInt(Math.round(input.tickSize * 1e9)),
    displayFactor: 1_000_000_000n,
    expiration: input.expiration,
    activation: UNDEF_TIMESTAMP,
    highLimitPrice: UNDEF_PRICE,
    lowLimitPrice: UNDEF_PRICE,
    maxPriceVariation: UNDEF_PRICE,
    unitOfMeasureQty: BigInt(Math.round(input.multiplier * 1e9)),
    minPriceIncrementAmount: BigInt(Math.round(input.tickSize * input.multiplier * 1e9)),
    priceRatio: UNDEF_PRICE,
    instAttribValue: 0,
    underlyingId: 0,
    rawInstrumentId: BigInt(input.instrumentId),
    marketDepthImplied: UNDEF_I32,
    marketDepth: 10,
    marketSegmentId: 0,
    maxTradeVol: 3000,
    minLotSize: UNDEF_I32,
    minLotSizeBlock: UNDEF_I32,
    minLotSizeRoundLot: UNDEF_I32,
    minTradeVol: 1,
    contractMultiplier: UNDEF_I32,
    decayQuantity: UNDEF_I32,
    originalContractSize: UNDEF_I32,
    applId: 0,
    maturityYear: 0,
    decayStartDate: 65535,
    channelId: 0,
    currency: input.currency ?? 'USD',
    settlCurrency: '',
    secsubtype: '',
    group: '',
    exchange: 'XCME',
    asset: input.asset ?? input.rawSymbol.slice(0, -2),
    cfi: 'FFIXSX',
    securityType: 'FUT',
    unitOfMeasure: 'IPNT',
    underlying: '',
    strikePriceCurrency: '',
    strikePrice: UNDEF_PRICE,
    matchAlgorithm: 'F',
    mainFraction: 0,
    priceDisplayFormat: 0,
    subFraction: 0,
    underlyingProduct: 0,
    maturityMonth: 0,
    maturityDay: 0,
    maturityWeek: 0,
    userDefinedInstrument: 'N',
    contractMultiplierUnit: 0,
    flowScheduleType: 0,
    tickRule: 0,
    legCount: 0,
    legIndex: 0,
    legInstrumentId: 0,
    legRawSymbol: '',
    legInstrumentClass: null,
    legSide: null,
    legPrice: UNDEF_PRICE,
    legDelta: UNDEF_PRICE,
    legRatioPriceNumerator: 0,
    legRatioPriceDenominator: 0,
    legRatioQtyNumerator: 0,
    legRatioQtyDenominator: 0,
    legUnderlyingId: 0,
  };
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
