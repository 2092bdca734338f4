import {
  type DatabentoInstrumentDefinitionRecord,
  DatabentoRType,
  UNDEF_PRICE,
  UNDEF_TIMESTAMP,
} from '@lb/databento';

// Fields a CME future's definition leaves unset carry i32::MAX, like Databento's own files.
const UNDEF_I32 = 2147483647;
// Prices and quantities are i64 fixed-point with scale 1e-9.
const FIXED_POINT_SCALE = 1_000_000_000;

/** What the sample needs to say about a contract; every other v3 field gets its "undefined" value. */
export interface FutureDefinitionInput {
  readonly rawSymbol: string;
  readonly root: string;
  readonly instrumentId: number;
  readonly tsRecvNanos: bigint;
  readonly multiplier: number;
  readonly tickSize: number;
  readonly expirationNanos: bigint;
  readonly maturityYear: number;
  readonly maturityMonth: number;
  readonly currency: string;
}

/** A complete v3 instrument definition record for an equity index future (CME Globex, outright). */
export function futureDefinitionRecord(input: FutureDefinitionInput): DatabentoInstrumentDefinitionRecord {
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
    currency: input.currency,
    settlCurrency: '',
    secsubtype: '',
    group: input.root,
    exchange: 'XCME',
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
