import { DatabentoRType, UNDEF_PRICE, UNDEF_TIMESTAMP } from './constants.js';
import type { DatabentoInstrumentDefinitionRecord } from './record-types.js';

// Fields a CME future's definition leaves unset carry i32::MAX, like Databento's own files.
const UNDEF_I32 = 2147483647;
// Prices and quantities are i64 fixed-point with scale 1e-9.
const FIXED_POINT_SCALE = 1_000_000_000;

/** What {@link createFutureDefinitionRecord} needs about a contract; every other field gets its "undefined" value. */
export interface DatabentoFutureDefinitionInput {
  /** Raw symbol, e.g. `ESH4`. */
  readonly rawSymbol: string;
  /** Product root, e.g. `ES` (the `asset` and `group` fields). */
  readonly root: string;
  readonly instrumentId: number;
  /** When the definition was published (ts_event and ts_recv), ns since the epoch. */
  readonly tsRecvNanos: bigint;
  /** `unit_of_measure_qty`: P&L per contract for a price move of 1.0 (50 for ES). */
  readonly multiplier: number;
  /** `min_price_increment` (0.25 for ES). */
  readonly tickSize: number;
  readonly expirationNanos: bigint;
  readonly maturityYear: number;
  readonly maturityMonth: number;
  /** ISO currency code. Default `USD`. */
  readonly currency?: string;
  /** Exchange MIC. Default `XCME`. */
  readonly exchange?: string;
}

/**
 * A complete v3 instrument definition record for an outright future, as Databento publishes them for CME
 * Globex: for writing sample data, mock servers and tests with the encoder (`encodeDbn`).
 */
export function createFutureDefinitionRecord(
  input: DatabentoFutureDefinitionInput,
): DatabentoInstrumentDefinitionRecord {
  const fixedPoint = (value: number) => BigInt(Math.round(value * FIXED_POINT_SCALE));
  return {
    rtype: DatabentoRType.InstrumentDefinition,
    publisherId: 1,
    instrumentId: input.instrumentId,
    tsEvent: input.tsRecvNanos,
    tsRecv: input.tsRecvNanos,
    rawSymbol: input.rawSymbol,
    securityUpdateAction: 'A',
    instrumentClass: 'F',
    minPriceIncrement: fixedPoint(input.tickSize),
    displayFactor: 1_000_000_000n,
    expiration: input.expirationNanos,
    activation: UNDEF_TIMESTAMP,
    highLimitPrice: UNDEF_PRICE,
    lowLimitPrice: UNDEF_PRICE,
    maxPriceVariation: UNDEF_PRICE,
    unitOfMeasureQty: fixedPoint(input.multiplier),
    minPriceIncrementAmount: fixedPoint(input.tickSize * input.multiplier),
    priceRatio: UNDEF_PRICE,
    instAttribValue: 0,
    underlyingId: 0,
    rawInstrumentId: BigInt(input.instrumentId),
    marketDepthImplied: 2,
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
    maturityYear: input.maturityYear,
    decayStartDate: 65535,
    channelId: 0,
    currency: input.currency ?? 'USD',
    settlCurrency: '',
    secsubtype: '',
    group: input.root,
    exchange: input.exchange ?? 'XCME',
    asset: input.root,
    cfi: 'FFCPSX',
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
    maturityMonth: input.maturityMonth,
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
