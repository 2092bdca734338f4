/** `i64::MAX`: the raw fixed-point price meaning "no price". */
export const UNDEF_PRICE = 9223372036854775807n;
/** `u32::MAX`: an order size meaning "no size". */
export const UNDEF_ORDER_SIZE = 4294967295;
/** `u64::MAX`: a timestamp meaning "no timestamp". */
export const UNDEF_TIMESTAMP = 18446744073709551615n;
/** Raw DBN prices are integers in units of 1e-9: `price = raw * PRICE_SCALE`. */
export const PRICE_SCALE = 1e-9;
/** Number of raw price units in one price unit (the inverse of {@link PRICE_SCALE}). */
export const PRICE_UNITS_PER_ONE = 1_000_000_000;
/** Length of fixed symbol strings in v2/v3 metadata and records. */
export const SYMBOL_STRING_LENGTH_V2 = 71;
/** Length of fixed symbol strings in v1 metadata and records. */
export const SYMBOL_STRING_LENGTH_V1 = 22;
/** The DBN version written by the encoder. */
export const DBN_VERSION = 3;

/** Schema names by schema id (the u16 in the metadata header). */
export const DATABENTO_SCHEMAS = [
  'mbo',
  'mbp-1',
  'mbp-10',
  'tbbo',
  'trades',
  'ohlcv-1s',
  'ohlcv-1m',
  'ohlcv-1h',
  'ohlcv-1d',
  'definition',
  'statistics',
  'status',
  'imbalance',
  'ohlcv-eod',
  'cmbp-1',
  'cbbo-1s',
  'cbbo-1m',
  'tcbbo',
  'bbo-1s',
  'bbo-1m',
] as const;

/** A Databento schema name such as `ohlcv-1m`. */
export type DatabentoSchema = (typeof DATABENTO_SCHEMAS)[number];

/** Symbology type names by stype id (the u8 `stype_in` / `stype_out` in the metadata header). */
export const DATABENTO_STYPES = [
  'instrument_id',
  'raw_symbol',
  'smart',
  'continuous',
  'parent',
  'nasdaq_symbol',
  'cms_symbol',
  'isin',
  'us_code',
  'bbg_comp_id',
  'bbg_comp_ticker',
  'figi',
  'figi_ticker',
] as const;

/** A Databento symbology type such as `raw_symbol` or `instrument_id`. */
export type DatabentoSType = (typeof DATABENTO_STYPES)[number];

/** Record type ids (`rtype`, byte 1 of every record header). */
export const DatabentoRType = {
  Mbp0: 0x00,
  Mbp1: 0x01,
  Mbp10: 0x0a,
  OhlcvDeprecated: 0x11,
  Status: 0x12,
  InstrumentDefinition: 0x13,
  Imbalance: 0x14,
  Error: 0x15,
  SymbolMapping: 0x16,
  System: 0x17,
  Statistics: 0x18,
  Ohlcv1s: 0x20,
  Ohlcv1m: 0x21,
  Ohlcv1h: 0x22,
  Ohlcv1d: 0x23,
  OhlcvEod: 0x24,
  Mbo: 0xa0,
  Cmbp1: 0xb1,
  Cbbo1s: 0xc0,
  Cbbo1m: 0xc1,
  Tcbbo: 0xc2,
  Bbo1s: 0xc3,
  Bbo1m: 0xc4,
} as const;

/** The OHLCV record type for each OHLCV schema, used by the columnar encoder. */
export const OHLCV_RTYPE_BY_SCHEMA = {
  'ohlcv-1s': DatabentoRType.Ohlcv1s,
  'ohlcv-1m': DatabentoRType.Ohlcv1m,
  'ohlcv-1h': DatabentoRType.Ohlcv1h,
  'ohlcv-1d': DatabentoRType.Ohlcv1d,
  'ohlcv-eod': DatabentoRType.OhlcvEod,
} as const;

/** True for the OHLCV record types (the generic legacy 0x11 and 0x20..0x24). */
export function isOhlcvRType(rtype: number): boolean {
  return rtype === DatabentoRType.OhlcvDeprecated || (rtype >= 0x20 && rtype <= 0x24);
}
