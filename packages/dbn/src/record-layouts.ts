/**
 * Byte layouts of every DBN record (v1, v2 and v3), transcribed from the format spec
 * (`dbn-format.md` §5, databento/dbn 0.54 `record.rs` / `compat.rs`). One table drives decoding, encoding,
 * JSON output and the TypeScript record types, so the four cannot drift apart. Offsets are from the start
 * of the record (the 16-byte header occupies 0..16); field order is the key order of `dbn --json`.
 */

/** How a field is stored on the wire and represented in JavaScript. */
export type FieldKind =
  /** The 16-byte record header (`hd` in JSON). */
  | 'header'
  /** i64 fixed-point price, 1e-9 units; bigint. */
  | 'price'
  /** u64 nanoseconds since the UNIX epoch; bigint. */
  | 'timestamp'
  | 'u64'
  | 'i64'
  /** One `c_char`: NUL is `null`, anything else a one-character string. */
  | 'char'
  /** One `c_char` typed as a Rust enum in v1/v2: always a one-character string. */
  | 'enumChar'
  | 'u8'
  | 'i8'
  | 'u16'
  | 'i16'
  | 'u32'
  | 'i32'
  /** NUL-padded fixed-length character array. */
  | 'string'
  /** Array of 32-byte BidAskPair. */
  | 'bidAskLevels'
  /** Array of 32-byte ConsolidatedBidAskPair. */
  | 'consolidatedLevels';

/** One field of a record layout. `length` is the array length for strings and levels. */
export interface LayoutField {
  readonly name: string;
  readonly kind: FieldKind;
  readonly offset: number;
  readonly length?: number;
}

/** A record layout: its size without `ts_out`, and its fields in JSON key order. */
export interface RecordLayout {
  readonly id: string;
  readonly size: number;
  readonly fields: readonly LayoutField[];
}

/** ohlcv (ohlcv-1s/1m/1h/1d/eod, rtypes 0x20-0x24, legacy 0x11) — 56 bytes. Fields in `dbn --json` key order. */
export const ohlcvLayout = {
  id: 'ohlcv',
  size: 56,
  fields: [
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'open', kind: 'price', offset: 16 },
    { name: 'high', kind: 'price', offset: 24 },
    { name: 'low', kind: 'price', offset: 32 },
    { name: 'close', kind: 'price', offset: 40 },
    { name: 'volume', kind: 'u64', offset: 48 },
  ],
} as const satisfies RecordLayout;

/** trade (trades / mbp-0, rtype 0x00) — 48 bytes. Fields in `dbn --json` key order. */
export const tradeLayout = {
  id: 'trade',
  size: 48,
  fields: [
    { name: 'ts_recv', kind: 'timestamp', offset: 32 },
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'action', kind: 'char', offset: 28 },
    { name: 'side', kind: 'char', offset: 29 },
    { name: 'depth', kind: 'u8', offset: 31 },
    { name: 'price', kind: 'price', offset: 16 },
    { name: 'size', kind: 'u32', offset: 24 },
    { name: 'flags', kind: 'u8', offset: 30 },
    { name: 'ts_in_delta', kind: 'i32', offset: 40 },
    { name: 'sequence', kind: 'u32', offset: 44 },
  ],
} as const satisfies RecordLayout;

/** mbp-1 / tbbo (rtype 0x01) — 80 bytes. Fields in `dbn --json` key order. */
export const mbp1Layout = {
  id: 'mbp1',
  size: 80,
  fields: [
    { name: 'ts_recv', kind: 'timestamp', offset: 32 },
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'action', kind: 'char', offset: 28 },
    { name: 'side', kind: 'char', offset: 29 },
    { name: 'depth', kind: 'u8', offset: 31 },
    { name: 'price', kind: 'price', offset: 16 },
    { name: 'size', kind: 'u32', offset: 24 },
    { name: 'flags', kind: 'u8', offset: 30 },
    { name: 'ts_in_delta', kind: 'i32', offset: 40 },
    { name: 'sequence', kind: 'u32', offset: 44 },
    { name: 'levels', kind: 'bidAskLevels', offset: 48, length: 1 },
  ],
} as const satisfies RecordLayout;

/** bbo-1s / bbo-1m (rtype 0xC3 / 0xC4) — 80 bytes. Fields in `dbn --json` key order. */
export const bboLayout = {
  id: 'bbo',
  size: 80,
  fields: [
    { name: 'ts_recv', kind: 'timestamp', offset: 32 },
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'side', kind: 'char', offset: 29 },
    { name: 'price', kind: 'price', offset: 16 },
    { name: 'size', kind: 'u32', offset: 24 },
    { name: 'flags', kind: 'u8', offset: 30 },
    { name: 'sequence', kind: 'u32', offset: 44 },
    { name: 'levels', kind: 'bidAskLevels', offset: 48, length: 1 },
  ],
} as const satisfies RecordLayout;

/** cmbp-1 / tcbbo (rtype 0xB1 / 0xC2) — 80 bytes. Fields in `dbn --json` key order. */
export const cmbp1Layout = {
  id: 'cmbp1',
  size: 80,
  fields: [
    { name: 'ts_recv', kind: 'timestamp', offset: 32 },
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'action', kind: 'char', offset: 28 },
    { name: 'side', kind: 'char', offset: 29 },
    { name: 'price', kind: 'price', offset: 16 },
    { name: 'size', kind: 'u32', offset: 24 },
    { name: 'flags', kind: 'u8', offset: 30 },
    { name: 'ts_in_delta', kind: 'i32', offset: 40 },
    { name: 'levels', kind: 'consolidatedLevels', offset: 48, length: 1 },
  ],
} as const satisfies RecordLayout;

/** cbbo-1s / cbbo-1m (rtype 0xC0 / 0xC1) — 80 bytes. Fields in `dbn --json` key order. */
export const cbboLayout = {
  id: 'cbbo',
  size: 80,
  fields: [
    { name: 'ts_recv', kind: 'timestamp', offset: 32 },
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'side', kind: 'char', offset: 29 },
    { name: 'price', kind: 'price', offset: 16 },
    { name: 'size', kind: 'u32', offset: 24 },
    { name: 'flags', kind: 'u8', offset: 30 },
    { name: 'levels', kind: 'consolidatedLevels', offset: 48, length: 1 },
  ],
} as const satisfies RecordLayout;

/** mbp-10 (rtype 0x0A) — 368 bytes. Fields in `dbn --json` key order. */
export const mbp10Layout = {
  id: 'mbp10',
  size: 368,
  fields: [
    { name: 'ts_recv', kind: 'timestamp', offset: 32 },
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'action', kind: 'char', offset: 28 },
    { name: 'side', kind: 'char', offset: 29 },
    { name: 'depth', kind: 'u8', offset: 31 },
    { name: 'price', kind: 'price', offset: 16 },
    { name: 'size', kind: 'u32', offset: 24 },
    { name: 'flags', kind: 'u8', offset: 30 },
    { name: 'ts_in_delta', kind: 'i32', offset: 40 },
    { name: 'sequence', kind: 'u32', offset: 44 },
    { name: 'levels', kind: 'bidAskLevels', offset: 48, length: 10 },
  ],
} as const satisfies RecordLayout;

/** mbo (rtype 0xA0) — 56 bytes. Fields in `dbn --json` key order. */
export const mboLayout = {
  id: 'mbo',
  size: 56,
  fields: [
    { name: 'ts_recv', kind: 'timestamp', offset: 40 },
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'action', kind: 'char', offset: 38 },
    { name: 'side', kind: 'char', offset: 39 },
    { name: 'price', kind: 'price', offset: 24 },
    { name: 'size', kind: 'u32', offset: 32 },
    { name: 'channel_id', kind: 'u8', offset: 37 },
    { name: 'order_id', kind: 'u64', offset: 16 },
    { name: 'flags', kind: 'u8', offset: 36 },
    { name: 'ts_in_delta', kind: 'i32', offset: 48 },
    { name: 'sequence', kind: 'u32', offset: 52 },
  ],
} as const satisfies RecordLayout;

/** statistics v3 (rtype 0x18) — 80 bytes. Fields in `dbn --json` key order. */
export const statisticsV3Layout = {
  id: 'statisticsV3',
  size: 80,
  fields: [
    { name: 'ts_recv', kind: 'timestamp', offset: 16 },
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'ts_ref', kind: 'timestamp', offset: 24 },
    { name: 'price', kind: 'price', offset: 32 },
    { name: 'quantity', kind: 'i64', offset: 40 },
    { name: 'sequence', kind: 'u32', offset: 48 },
    { name: 'ts_in_delta', kind: 'i32', offset: 52 },
    { name: 'stat_type', kind: 'u16', offset: 56 },
    { name: 'channel_id', kind: 'u16', offset: 58 },
    { name: 'update_action', kind: 'u8', offset: 60 },
    { name: 'stat_flags', kind: 'u8', offset: 61 },
  ],
} as const satisfies RecordLayout;

/** statistics v1/v2 (rtype 0x18) — 64 bytes. Fields in `dbn --json` key order. */
export const statisticsV1Layout = {
  id: 'statisticsV1',
  size: 64,
  fields: [
    { name: 'ts_recv', kind: 'timestamp', offset: 16 },
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'ts_ref', kind: 'timestamp', offset: 24 },
    { name: 'price', kind: 'price', offset: 32 },
    { name: 'quantity', kind: 'i32', offset: 40 },
    { name: 'sequence', kind: 'u32', offset: 44 },
    { name: 'ts_in_delta', kind: 'i32', offset: 48 },
    { name: 'stat_type', kind: 'u16', offset: 52 },
    { name: 'channel_id', kind: 'u16', offset: 54 },
    { name: 'update_action', kind: 'u8', offset: 56 },
    { name: 'stat_flags', kind: 'u8', offset: 57 },
  ],
} as const satisfies RecordLayout;

/** status (rtype 0x12) — 40 bytes. Fields in `dbn --json` key order. */
export const statusLayout = {
  id: 'status',
  size: 40,
  fields: [
    { name: 'ts_recv', kind: 'timestamp', offset: 16 },
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'action', kind: 'u16', offset: 24 },
    { name: 'reason', kind: 'u16', offset: 26 },
    { name: 'trading_event', kind: 'u16', offset: 28 },
    { name: 'is_trading', kind: 'char', offset: 30 },
    { name: 'is_quoting', kind: 'char', offset: 31 },
    { name: 'is_short_sell_restricted', kind: 'char', offset: 32 },
  ],
} as const satisfies RecordLayout;

/** imbalance (rtype 0x14) — 112 bytes. Fields in `dbn --json` key order. */
export const imbalanceLayout = {
  id: 'imbalance',
  size: 112,
  fields: [
    { name: 'ts_recv', kind: 'timestamp', offset: 16 },
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'ref_price', kind: 'price', offset: 24 },
    { name: 'auction_time', kind: 'timestamp', offset: 32 },
    { name: 'cont_book_clr_price', kind: 'price', offset: 40 },
    { name: 'auct_interest_clr_price', kind: 'price', offset: 48 },
    { name: 'ssr_filling_price', kind: 'price', offset: 56 },
    { name: 'ind_match_price', kind: 'price', offset: 64 },
    { name: 'upper_collar', kind: 'price', offset: 72 },
    { name: 'lower_collar', kind: 'price', offset: 80 },
    { name: 'paired_qty', kind: 'u32', offset: 88 },
    { name: 'total_imbalance_qty', kind: 'u32', offset: 92 },
    { name: 'market_imbalance_qty', kind: 'u32', offset: 96 },
    { name: 'unpaired_qty', kind: 'u32', offset: 100 },
    { name: 'auction_type', kind: 'char', offset: 104 },
    { name: 'side', kind: 'char', offset: 105 },
    { name: 'auction_status', kind: 'u8', offset: 106 },
    { name: 'freeze_status', kind: 'u8', offset: 107 },
    { name: 'num_extensions', kind: 'u8', offset: 108 },
    { name: 'unpaired_side', kind: 'char', offset: 109 },
    { name: 'significant_imbalance', kind: 'char', offset: 110 },
  ],
} as const satisfies RecordLayout;

/** instrument definition v3 (rtype 0x13) — 520 bytes. Fields in `dbn --json` key order. */
export const definitionV3Layout = {
  id: 'definitionV3',
  size: 520,
  fields: [
    { name: 'ts_recv', kind: 'timestamp', offset: 16 },
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'raw_symbol', kind: 'string', offset: 238, length: 71 },
    { name: 'security_update_action', kind: 'char', offset: 493 },
    { name: 'instrument_class', kind: 'char', offset: 487 },
    { name: 'min_price_increment', kind: 'price', offset: 24 },
    { name: 'display_factor', kind: 'price', offset: 32 },
    { name: 'expiration', kind: 'timestamp', offset: 40 },
    { name: 'activation', kind: 'timestamp', offset: 48 },
    { name: 'high_limit_price', kind: 'price', offset: 56 },
    { name: 'low_limit_price', kind: 'price', offset: 64 },
    { name: 'max_price_variation', kind: 'price', offset: 72 },
    { name: 'unit_of_measure_qty', kind: 'price', offset: 80 },
    { name: 'min_price_increment_amount', kind: 'price', offset: 88 },
    { name: 'price_ratio', kind: 'price', offset: 96 },
    { name: 'inst_attrib_value', kind: 'i32', offset: 136 },
    { name: 'underlying_id', kind: 'u32', offset: 140 },
    { name: 'raw_instrument_id', kind: 'u64', offset: 112 },
    { name: 'market_depth_implied', kind: 'i32', offset: 144 },
    { name: 'market_depth', kind: 'i32', offset: 148 },
    { name: 'market_segment_id', kind: 'u32', offset: 152 },
    { name: 'max_trade_vol', kind: 'u32', offset: 156 },
    { name: 'min_lot_size', kind: 'i32', offset: 160 },
    { name: 'min_lot_size_block', kind: 'i32', offset: 164 },
    { name: 'min_lot_size_round_lot', kind: 'i32', offset: 168 },
    { name: 'min_trade_vol', kind: 'u32', offset: 172 },
    { name: 'contract_multiplier', kind: 'i32', offset: 176 },
    { name: 'decay_quantity', kind: 'i32', offset: 180 },
    { name: 'original_contract_size', kind: 'i32', offset: 184 },
    { name: 'appl_id', kind: 'i16', offset: 212 },
    { name: 'maturity_year', kind: 'u16', offset: 214 },
    { name: 'decay_start_date', kind: 'u16', offset: 216 },
    { name: 'channel_id', kind: 'u16', offset: 218 },
    { name: 'currency', kind: 'string', offset: 224, length: 4 },
    { name: 'settl_currency', kind: 'string', offset: 228, length: 4 },
    { name: 'secsubtype', kind: 'string', offset: 232, length: 6 },
    { name: 'group', kind: 'string', offset: 309, length: 21 },
    { name: 'exchange', kind: 'string', offset: 330, length: 5 },
    { name: 'asset', kind: 'string', offset: 335, length: 11 },
    { name: 'cfi', kind: 'string', offset: 346, length: 7 },
    { name: 'security_type', kind: 'string', offset: 353, length: 7 },
    { name: 'unit_of_measure', kind: 'string', offset: 360, length: 31 },
    { name: 'underlying', kind: 'string', offset: 391, length: 21 },
    { name: 'strike_price_currency', kind: 'string', offset: 412, length: 4 },
    { name: 'strike_price', kind: 'price', offset: 104 },
    { name: 'match_algorithm', kind: 'char', offset: 488 },
    { name: 'main_fraction', kind: 'u8', offset: 489 },
    { name: 'price_display_format', kind: 'u8', offset: 490 },
    { name: 'sub_fraction', kind: 'u8', offset: 491 },
    { name: 'underlying_product', kind: 'u8', offset: 492 },
    { name: 'maturity_month', kind: 'u8', offset: 494 },
    { name: 'maturity_day', kind: 'u8', offset: 495 },
    { name: 'maturity_week', kind: 'u8', offset: 496 },
    { name: 'user_defined_instrument', kind: 'char', offset: 497 },
    { name: 'contract_multiplier_unit', kind: 'i8', offset: 498 },
    { name: 'flow_schedule_type', kind: 'i8', offset: 499 },
    { name: 'tick_rule', kind: 'u8', offset: 500 },
    { name: 'leg_count', kind: 'u16', offset: 220 },
    { name: 'leg_index', kind: 'u16', offset: 222 },
    { name: 'leg_instrument_id', kind: 'u32', offset: 188 },
    { name: 'leg_raw_symbol', kind: 'string', offset: 416, length: 71 },
    { name: 'leg_instrument_class', kind: 'char', offset: 501 },
    { name: 'leg_side', kind: 'char', offset: 502 },
    { name: 'leg_price', kind: 'price', offset: 120 },
    { name: 'leg_delta', kind: 'price', offset: 128 },
    { name: 'leg_ratio_price_numerator', kind: 'i32', offset: 192 },
    { name: 'leg_ratio_price_denominator', kind: 'i32', offset: 196 },
    { name: 'leg_ratio_qty_numerator', kind: 'i32', offset: 200 },
    { name: 'leg_ratio_qty_denominator', kind: 'i32', offset: 204 },
    { name: 'leg_underlying_id', kind: 'u32', offset: 208 },
  ],
} as const satisfies RecordLayout;

/** instrument definition v2 (rtype 0x13) — 400 bytes. Fields in `dbn --json` key order. */
export const definitionV2Layout = {
  id: 'definitionV2',
  size: 400,
  fields: [
    { name: 'ts_recv', kind: 'timestamp', offset: 16 },
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'raw_symbol', kind: 'string', offset: 200, length: 71 },
    { name: 'security_update_action', kind: 'char', offset: 382 },
    { name: 'instrument_class', kind: 'char', offset: 374 },
    { name: 'min_price_increment', kind: 'price', offset: 24 },
    { name: 'display_factor', kind: 'price', offset: 32 },
    { name: 'expiration', kind: 'timestamp', offset: 40 },
    { name: 'activation', kind: 'timestamp', offset: 48 },
    { name: 'high_limit_price', kind: 'price', offset: 56 },
    { name: 'low_limit_price', kind: 'price', offset: 64 },
    { name: 'max_price_variation', kind: 'price', offset: 72 },
    { name: 'trading_reference_price', kind: 'price', offset: 80 },
    { name: 'unit_of_measure_qty', kind: 'price', offset: 88 },
    { name: 'min_price_increment_amount', kind: 'price', offset: 96 },
    { name: 'price_ratio', kind: 'price', offset: 104 },
    { name: 'inst_attrib_value', kind: 'i32', offset: 120 },
    { name: 'underlying_id', kind: 'u32', offset: 124 },
    { name: 'raw_instrument_id', kind: 'u32', offset: 128 },
    { name: 'market_depth_implied', kind: 'i32', offset: 132 },
    { name: 'market_depth', kind: 'i32', offset: 136 },
    { name: 'market_segment_id', kind: 'u32', offset: 140 },
    { name: 'max_trade_vol', kind: 'u32', offset: 144 },
    { name: 'min_lot_size', kind: 'i32', offset: 148 },
    { name: 'min_lot_size_block', kind: 'i32', offset: 152 },
    { name: 'min_lot_size_round_lot', kind: 'i32', offset: 156 },
    { name: 'min_trade_vol', kind: 'u32', offset: 160 },
    { name: 'contract_multiplier', kind: 'i32', offset: 164 },
    { name: 'decay_quantity', kind: 'i32', offset: 168 },
    { name: 'original_contract_size', kind: 'i32', offset: 172 },
    { name: 'trading_reference_date', kind: 'u16', offset: 176 },
    { name: 'appl_id', kind: 'i16', offset: 178 },
    { name: 'maturity_year', kind: 'u16', offset: 180 },
    { name: 'decay_start_date', kind: 'u16', offset: 182 },
    { name: 'channel_id', kind: 'u16', offset: 184 },
    { name: 'currency', kind: 'string', offset: 186, length: 4 },
    { name: 'settl_currency', kind: 'string', offset: 190, length: 4 },
    { name: 'secsubtype', kind: 'string', offset: 194, length: 6 },
    { name: 'group', kind: 'string', offset: 271, length: 21 },
    { name: 'exchange', kind: 'string', offset: 292, length: 5 },
    { name: 'asset', kind: 'string', offset: 297, length: 7 },
    { name: 'cfi', kind: 'string', offset: 304, length: 7 },
    { name: 'security_type', kind: 'string', offset: 311, length: 7 },
    { name: 'unit_of_measure', kind: 'string', offset: 318, length: 31 },
    { name: 'underlying', kind: 'string', offset: 349, length: 21 },
    { name: 'strike_price_currency', kind: 'string', offset: 370, length: 4 },
    { name: 'strike_price', kind: 'price', offset: 112 },
    { name: 'match_algorithm', kind: 'char', offset: 375 },
    { name: 'md_security_trading_status', kind: 'u8', offset: 376 },
    { name: 'main_fraction', kind: 'u8', offset: 377 },
    { name: 'price_display_format', kind: 'u8', offset: 378 },
    { name: 'settl_price_type', kind: 'u8', offset: 379 },
    { name: 'sub_fraction', kind: 'u8', offset: 380 },
    { name: 'underlying_product', kind: 'u8', offset: 381 },
    { name: 'maturity_month', kind: 'u8', offset: 383 },
    { name: 'maturity_day', kind: 'u8', offset: 384 },
    { name: 'maturity_week', kind: 'u8', offset: 385 },
    { name: 'user_defined_instrument', kind: 'enumChar', offset: 386 },
    { name: 'contract_multiplier_unit', kind: 'i8', offset: 387 },
    { name: 'flow_schedule_type', kind: 'i8', offset: 388 },
    { name: 'tick_rule', kind: 'u8', offset: 389 },
  ],
} as const satisfies RecordLayout;

/** instrument definition v1 (rtype 0x13) — 360 bytes. Fields in `dbn --json` key order. */
export const definitionV1Layout = {
  id: 'definitionV1',
  size: 360,
  fields: [
    { name: 'ts_recv', kind: 'timestamp', offset: 16 },
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'raw_symbol', kind: 'string', offset: 200, length: 22 },
    { name: 'security_update_action', kind: 'enumChar', offset: 349 },
    { name: 'instrument_class', kind: 'char', offset: 325 },
    { name: 'min_price_increment', kind: 'price', offset: 24 },
    { name: 'display_factor', kind: 'price', offset: 32 },
    { name: 'expiration', kind: 'timestamp', offset: 40 },
    { name: 'activation', kind: 'timestamp', offset: 48 },
    { name: 'high_limit_price', kind: 'price', offset: 56 },
    { name: 'low_limit_price', kind: 'price', offset: 64 },
    { name: 'max_price_variation', kind: 'price', offset: 72 },
    { name: 'trading_reference_price', kind: 'price', offset: 80 },
    { name: 'unit_of_measure_qty', kind: 'price', offset: 88 },
    { name: 'min_price_increment_amount', kind: 'price', offset: 96 },
    { name: 'price_ratio', kind: 'price', offset: 104 },
    { name: 'inst_attrib_value', kind: 'i32', offset: 112 },
    { name: 'underlying_id', kind: 'u32', offset: 116 },
    { name: 'raw_instrument_id', kind: 'u32', offset: 120 },
    { name: 'market_depth_implied', kind: 'i32', offset: 124 },
    { name: 'market_depth', kind: 'i32', offset: 128 },
    { name: 'market_segment_id', kind: 'u32', offset: 132 },
    { name: 'max_trade_vol', kind: 'u32', offset: 136 },
    { name: 'min_lot_size', kind: 'i32', offset: 140 },
    { name: 'min_lot_size_block', kind: 'i32', offset: 144 },
    { name: 'min_lot_size_round_lot', kind: 'i32', offset: 148 },
    { name: 'min_trade_vol', kind: 'u32', offset: 152 },
    { name: 'contract_multiplier', kind: 'i32', offset: 160 },
    { name: 'decay_quantity', kind: 'i32', offset: 164 },
    { name: 'original_contract_size', kind: 'i32', offset: 168 },
    { name: 'trading_reference_date', kind: 'u16', offset: 176 },
    { name: 'appl_id', kind: 'i16', offset: 178 },
    { name: 'maturity_year', kind: 'u16', offset: 180 },
    { name: 'decay_start_date', kind: 'u16', offset: 182 },
    { name: 'channel_id', kind: 'u16', offset: 184 },
    { name: 'currency', kind: 'string', offset: 186, length: 4 },
    { name: 'settl_currency', kind: 'string', offset: 190, length: 4 },
    { name: 'secsubtype', kind: 'string', offset: 194, length: 6 },
    { name: 'group', kind: 'string', offset: 222, length: 21 },
    { name: 'exchange', kind: 'string', offset: 243, length: 5 },
    { name: 'asset', kind: 'string', offset: 248, length: 7 },
    { name: 'cfi', kind: 'string', offset: 255, length: 7 },
    { name: 'security_type', kind: 'string', offset: 262, length: 7 },
    { name: 'unit_of_measure', kind: 'string', offset: 269, length: 31 },
    { name: 'underlying', kind: 'string', offset: 300, length: 21 },
    { name: 'strike_price_currency', kind: 'string', offset: 321, length: 4 },
    { name: 'strike_price', kind: 'price', offset: 328 },
    { name: 'match_algorithm', kind: 'char', offset: 342 },
    { name: 'md_security_trading_status', kind: 'u8', offset: 343 },
    { name: 'main_fraction', kind: 'u8', offset: 344 },
    { name: 'price_display_format', kind: 'u8', offset: 345 },
    { name: 'settl_price_type', kind: 'u8', offset: 346 },
    { name: 'sub_fraction', kind: 'u8', offset: 347 },
    { name: 'underlying_product', kind: 'u8', offset: 348 },
    { name: 'maturity_month', kind: 'u8', offset: 350 },
    { name: 'maturity_day', kind: 'u8', offset: 351 },
    { name: 'maturity_week', kind: 'u8', offset: 352 },
    { name: 'user_defined_instrument', kind: 'enumChar', offset: 353 },
    { name: 'contract_multiplier_unit', kind: 'i8', offset: 354 },
    { name: 'flow_schedule_type', kind: 'i8', offset: 355 },
    { name: 'tick_rule', kind: 'u8', offset: 356 },
  ],
} as const satisfies RecordLayout;

/** symbol mapping v2/v3 (rtype 0x16) — 176 bytes. Fields in `dbn --json` key order. */
export const symbolMappingV2Layout = {
  id: 'symbolMappingV2',
  size: 176,
  fields: [
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'stype_in', kind: 'u8', offset: 16 },
    { name: 'stype_in_symbol', kind: 'string', offset: 17, length: 71 },
    { name: 'stype_out', kind: 'u8', offset: 88 },
    { name: 'stype_out_symbol', kind: 'string', offset: 89, length: 71 },
    { name: 'start_ts', kind: 'timestamp', offset: 160 },
    { name: 'end_ts', kind: 'timestamp', offset: 168 },
  ],
} as const satisfies RecordLayout;

/** symbol mapping v1 (rtype 0x16) — 80 bytes. Fields in `dbn --json` key order. */
export const symbolMappingV1Layout = {
  id: 'symbolMappingV1',
  size: 80,
  fields: [
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'stype_in_symbol', kind: 'string', offset: 16, length: 22 },
    { name: 'stype_out_symbol', kind: 'string', offset: 38, length: 22 },
    { name: 'start_ts', kind: 'timestamp', offset: 64 },
    { name: 'end_ts', kind: 'timestamp', offset: 72 },
  ],
} as const satisfies RecordLayout;

/** error v2/v3 (rtype 0x15) — 320 bytes. Fields in `dbn --json` key order. */
export const errorV2Layout = {
  id: 'errorV2',
  size: 320,
  fields: [
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'err', kind: 'string', offset: 16, length: 302 },
    { name: 'code', kind: 'u8', offset: 318 },
    { name: 'is_last', kind: 'u8', offset: 319 },
  ],
} as const satisfies RecordLayout;

/** error v1 (rtype 0x15) — 80 bytes. Fields in `dbn --json` key order. */
export const errorV1Layout = {
  id: 'errorV1',
  size: 80,
  fields: [
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'err', kind: 'string', offset: 16, length: 64 },
  ],
} as const satisfies RecordLayout;

/** system v2/v3 (rtype 0x17) — 320 bytes. Fields in `dbn --json` key order. */
export const systemV2Layout = {
  id: 'systemV2',
  size: 320,
  fields: [
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'msg', kind: 'string', offset: 16, length: 303 },
    { name: 'code', kind: 'u8', offset: 319 },
  ],
} as const satisfies RecordLayout;

/** system v1 (rtype 0x17) — 80 bytes. Fields in `dbn --json` key order. */
export const systemV1Layout = {
  id: 'systemV1',
  size: 80,
  fields: [
    { name: 'hd', kind: 'header', offset: 0 },
    { name: 'msg', kind: 'string', offset: 16, length: 64 },
  ],
} as const satisfies RecordLayout;

/** Every layout, by id. */
export const RECORD_LAYOUTS = {
  ohlcv: ohlcvLayout,
  trade: tradeLayout,
  mbp1: mbp1Layout,
  bbo: bboLayout,
  cmbp1: cmbp1Layout,
  cbbo: cbboLayout,
  mbp10: mbp10Layout,
  mbo: mboLayout,
  statisticsV3: statisticsV3Layout,
  statisticsV1: statisticsV1Layout,
  status: statusLayout,
  imbalance: imbalanceLayout,
  definitionV3: definitionV3Layout,
  definitionV2: definitionV2Layout,
  definitionV1: definitionV1Layout,
  symbolMappingV2: symbolMappingV2Layout,
  symbolMappingV1: symbolMappingV1Layout,
  errorV2: errorV2Layout,
  errorV1: errorV1Layout,
  systemV2: systemV2Layout,
  systemV1: systemV1Layout,
} as const;

/** Identifier of a record layout, e.g. `definitionV1`. */
export type RecordLayoutId = keyof typeof RECORD_LAYOUTS;

// Layouts that do not change between versions, indexed by rtype.
const fixedLayoutByRType: (RecordLayout | undefined)[] = new Array(256);
fixedLayoutByRType[0x00] = tradeLayout;
fixedLayoutByRType[0x01] = mbp1Layout;
fixedLayoutByRType[0x0a] = mbp10Layout;
fixedLayoutByRType[0x11] = ohlcvLayout;
for (let rtype = 0x20; rtype <= 0x24; rtype++) fixedLayoutByRType[rtype] = ohlcvLayout;
fixedLayoutByRType[0x12] = statusLayout;
fixedLayoutByRType[0x14] = imbalanceLayout;
fixedLayoutByRType[0xa0] = mboLayout;
fixedLayoutByRType[0xb1] = cmbp1Layout;
fixedLayoutByRType[0xc2] = cmbp1Layout;
fixedLayoutByRType[0xc0] = cbboLayout;
fixedLayoutByRType[0xc1] = cbboLayout;
fixedLayoutByRType[0xc3] = bboLayout;
fixedLayoutByRType[0xc4] = bboLayout;

/**
 * The layout of a record given its rtype and its size in bytes without `ts_out`, or undefined for an
 * unknown rtype. Versioned records are told apart by size, as the official decoder does for fragments:
 * this works for files too because every older layout is smaller than the next version's.
 */
export function layoutForRecord(rtype: number, sizeBytes: number): RecordLayout | undefined {
  const fixed = fixedLayoutByRType[rtype];
  if (fixed !== undefined) return fixed;
  switch (rtype) {
    case 0x13:
      return sizeBytes < 400 ? definitionV1Layout : sizeBytes < 520 ? definitionV2Layout : definitionV3Layout;
    case 0x18:
      return sizeBytes < 80 ? statisticsV1Layout : statisticsV3Layout;
    case 0x15:
      return sizeBytes < 320 ? errorV1Layout : errorV2Layout;
    case 0x17:
      return sizeBytes < 320 ? systemV1Layout : systemV2Layout;
    case 0x16:
      return sizeBytes < 176 ? symbolMappingV1Layout : symbolMappingV2Layout;
    default:
      return undefined;
  }
}

/** The v3 layout used by the encoder for an rtype, or undefined when the rtype is unknown. */
export function currentLayoutForRType(rtype: number): RecordLayout | undefined {
  return layoutForRecord(rtype, Number.MAX_SAFE_INTEGER);
}

/** Converts a wire field name to its JavaScript property name: `ts_in_delta` -> `tsInDelta`. */
export function propertyNameOf(fieldName: string): string {
  return fieldName.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}
