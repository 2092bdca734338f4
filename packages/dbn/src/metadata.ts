import type { DatabentoSchema, DatabentoSType } from './constants.js';

/** One interval of a symbol mapping: `symbol` is valid on [startDate, endDate). */
export interface DatabentoMappingInterval {
  /** First day, as the integer YYYYMMDD (e.g. 20201228), inclusive. */
  startDate: number;
  /** Last day, as the integer YYYYMMDD, exclusive. */
  endDate: number;
  /** The stype_out value, usually the numeric instrument id as text. */
  symbol: string;
}

/** How one requested symbol (stype_in) maps to stype_out values over time. */
export interface DatabentoSymbolMapping {
  rawSymbol: string;
  intervals: DatabentoMappingInterval[];
}

/** The metadata header at the start of every DBN stream (not present in fragments). */
export interface DatabentoMetadata {
  /** DBN version of the stream: 1, 2 or 3. */
  version: number;
  /** Dataset code, e.g. `GLBX.MDP3`. */
  dataset: string;
  /** Schema of the records, or null for a mixed-schema stream. */
  schema: DatabentoSchema | null;
  /** Requested start, ns since the UNIX epoch (inclusive). */
  startNanos: bigint;
  /** Requested end, ns since the UNIX epoch (exclusive), or null when open-ended. */
  endNanos: bigint | null;
  /** Maximum number of records requested, or null for no limit. */
  limit: bigint | null;
  /** Symbology of the requested symbols, or null when mixed. */
  stypeIn: DatabentoSType | null;
  /** Symbology of the instrument ids in the records. */
  stypeOut: DatabentoSType;
  /** Whether every record ends with an extra u64 gateway send timestamp. */
  tsOut: boolean;
  /** Length of the fixed symbol strings: 22 in v1, 71 in v2 and v3. */
  symbolStringLength: number;
  /** Requested symbols. */
  symbols: string[];
  /** Symbols that resolved for only part of the requested range. */
  partial: string[];
  /** Symbols that did not resolve. */
  notFound: string[];
  /** Symbol mappings for the requested range. */
  mappings: DatabentoSymbolMapping[];
}
