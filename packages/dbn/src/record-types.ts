import type {
  bboLayout,
  cbboLayout,
  cmbp1Layout,
  definitionV1Layout,
  definitionV2Layout,
  definitionV3Layout,
  errorV1Layout,
  errorV2Layout,
  FieldKind,
  imbalanceLayout,
  mboLayout,
  mbp1Layout,
  mbp10Layout,
  ohlcvLayout,
  RecordLayout,
  statisticsV1Layout,
  statisticsV3Layout,
  statusLayout,
  symbolMappingV1Layout,
  symbolMappingV2Layout,
  systemV1Layout,
  systemV2Layout,
  tradeLayout,
} from './record-layouts.js';

/** One price level: best bid and ask with sizes and order counts. Prices are raw 1e-9 fixed-point. */
export interface DatabentoBidAskPair {
  bidPx: bigint;
  askPx: bigint;
  bidSz: number;
  askSz: number;
  bidCt: number;
  askCt: number;
}

/** One consolidated price level: best bid and ask with the publisher id of each side. */
export interface DatabentoConsolidatedBidAskPair {
  bidPx: bigint;
  askPx: bigint;
  bidSz: number;
  askSz: number;
  bidPb: number;
  askPb: number;
}

/** The 16-byte header every DBN record starts with, flattened into the record object. */
export interface DatabentoRecordHeader {
  /** Record type id (see `DatabentoRType`). */
  rtype: number;
  publisherId: number;
  instrumentId: number;
  /** Event timestamp, ns since the UNIX epoch (for OHLCV: bar open time). */
  tsEvent: bigint;
  /** Gateway send timestamp in ns, present only when the metadata has `ts_out`. */
  tsOut?: bigint;
}

type CamelCase<Name extends string> = Name extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : Name;

type FieldValue<Kind extends FieldKind> = Kind extends 'price' | 'timestamp' | 'u64' | 'i64'
  ? bigint
  : Kind extends 'char'
    ? string | null
    : Kind extends 'enumChar' | 'string'
      ? string
      : Kind extends 'bidAskLevels'
        ? DatabentoBidAskPair[]
        : Kind extends 'consolidatedLevels'
          ? DatabentoConsolidatedBidAskPair[]
          : number;

/** The plain-object record type described by a layout: header fields plus one property per field. */
export type RecordOfLayout<Layout extends RecordLayout> = DatabentoRecordHeader & {
  [Field in Exclude<Layout['fields'][number], { kind: 'header' }> as CamelCase<Field['name']>]: FieldValue<
    Field['kind']
  >;
};

/** OHLCV bar (schemas ohlcv-1s/1m/1h/1d/eod). Prices raw 1e-9 fixed-point. */
export type DatabentoOhlcvRecord = RecordOfLayout<typeof ohlcvLayout>;
/** Trade (schema trades). */
export type DatabentoTradeRecord = RecordOfLayout<typeof tradeLayout>;
/** Market by price, one level (schemas mbp-1 and tbbo). */
export type DatabentoMbp1Record = RecordOfLayout<typeof mbp1Layout>;
/** Market by price, ten levels (schema mbp-10). */
export type DatabentoMbp10Record = RecordOfLayout<typeof mbp10Layout>;
/** Best bid and offer sampled per interval (schemas bbo-1s/bbo-1m). */
export type DatabentoBboRecord = RecordOfLayout<typeof bboLayout>;
/** Consolidated market by price (schemas cmbp-1 and tcbbo). */
export type DatabentoCmbp1Record = RecordOfLayout<typeof cmbp1Layout>;
/** Consolidated best bid and offer sampled per interval (schemas cbbo-1s/cbbo-1m). */
export type DatabentoCbboRecord = RecordOfLayout<typeof cbboLayout>;
/** Market by order (schema mbo). */
export type DatabentoMboRecord = RecordOfLayout<typeof mboLayout>;
/** Statistics (v3 layout, 64-bit quantity). */
export type DatabentoStatisticsRecord = RecordOfLayout<typeof statisticsV3Layout>;
/** Statistics in the v1/v2 layout (32-bit quantity). */
export type DatabentoStatisticsV1Record = RecordOfLayout<typeof statisticsV1Layout>;
/** Trading status (schema status). */
export type DatabentoStatusRecord = RecordOfLayout<typeof statusLayout>;
/** Auction imbalance (schema imbalance). */
export type DatabentoImbalanceRecord = RecordOfLayout<typeof imbalanceLayout>;
/** Instrument definition (v3 layout). */
export type DatabentoInstrumentDefinitionRecord = RecordOfLayout<typeof definitionV3Layout>;
/** Instrument definition in the v2 layout. */
export type DatabentoInstrumentDefinitionV2Record = RecordOfLayout<typeof definitionV2Layout>;
/** Instrument definition in the v1 layout. */
export type DatabentoInstrumentDefinitionV1Record = RecordOfLayout<typeof definitionV1Layout>;
/** Symbol mapping (v2/v3 layout). */
export type DatabentoSymbolMappingRecord = RecordOfLayout<typeof symbolMappingV2Layout>;
/** Symbol mapping in the v1 layout. */
export type DatabentoSymbolMappingV1Record = RecordOfLayout<typeof symbolMappingV1Layout>;
/** Gateway error message (v2/v3 layout). */
export type DatabentoErrorRecord = RecordOfLayout<typeof errorV2Layout>;
/** Gateway error message in the v1 layout. */
export type DatabentoErrorV1Record = RecordOfLayout<typeof errorV1Layout>;
/** Gateway system message such as a heartbeat (v2/v3 layout). */
export type DatabentoSystemRecord = RecordOfLayout<typeof systemV2Layout>;
/** Gateway system message in the v1 layout. */
export type DatabentoSystemV1Record = RecordOfLayout<typeof systemV1Layout>;

/** Any record in the current (v3) layouts, as produced with `upgrade: true` and accepted by the encoder. */
export type DatabentoRecord =
  | DatabentoOhlcvRecord
  | DatabentoTradeRecord
  | DatabentoMbp1Record
  | DatabentoMbp10Record
  | DatabentoBboRecord
  | DatabentoCmbp1Record
  | DatabentoCbboRecord
  | DatabentoMboRecord
  | DatabentoStatisticsRecord
  | DatabentoStatusRecord
  | DatabentoImbalanceRecord
  | DatabentoInstrumentDefinitionRecord
  | DatabentoSymbolMappingRecord
  | DatabentoErrorRecord
  | DatabentoSystemRecord;

/** Any record as stored, including the v1/v2 layouts of versioned records. */
export type DatabentoAnyVersionRecord =
  | DatabentoRecord
  | DatabentoStatisticsV1Record
  | DatabentoInstrumentDefinitionV2Record
  | DatabentoInstrumentDefinitionV1Record
  | DatabentoSymbolMappingV1Record
  | DatabentoErrorV1Record
  | DatabentoSystemV1Record;
