import type { DatabentoMetadata } from './metadata.js';
import type { DecodedRecord } from './record-decoder.js';
import { resolvedFieldsOf } from './record-decoder.js';
import type { DatabentoBidAskPair, DatabentoConsolidatedBidAskPair } from './record-types.js';

/**
 * JSON output identical to the official CLI (`dbn FILE --json`, dbn-cli 0.54): one compact object per
 * record, keys in the layout's JSON order, `hd` first or after `ts_recv`, every 64-bit integer (prices,
 * timestamps, u64/i64) as a quoted decimal string, smaller integers as numbers, NUL chars as null.
 */
export function formatRecordJson(decoded: DecodedRecord): string {
  const record = decoded.record as unknown as Record<string, unknown>;
  const fields = resolvedFieldsOf(decoded.layout);
  let json = '{';
  let fieldIndex = 0;
  for (const field of decoded.layout.fields) {
    if (json.length > 1) json += ',';
    if (field.kind === 'header') {
      json += `"hd":{"ts_event":"${record.tsEvent}","rtype":${record.rtype},"publisher_id":${record.publisherId},"instrument_id":${record.instrumentId}}`;
      continue;
    }
    const resolved = fields[fieldIndex++]!;
    const value = record[resolved.property];
    json += `"${field.name}":`;
    switch (field.kind) {
      case 'price':
      case 'timestamp':
      case 'u64':
      case 'i64':
        json += `"${value}"`;
        break;
      case 'char':
      case 'enumChar':
      case 'string':
        json += value === null ? 'null' : JSON.stringify(value);
        break;
      case 'bidAskLevels':
        json += `[${(value as DatabentoBidAskPair[])
          .map(
            (level) =>
              `{"bid_px":"${level.bidPx}","ask_px":"${level.askPx}","bid_sz":${level.bidSz},"ask_sz":${level.askSz},"bid_ct":${level.bidCt},"ask_ct":${level.askCt}}`,
          )
          .join(',')}]`;
        break;
      case 'consolidatedLevels':
        json += `[${(value as DatabentoConsolidatedBidAskPair[])
          .map(
            (level) =>
              `{"bid_px":"${level.bidPx}","ask_px":"${level.askPx}","bid_sz":${level.bidSz},"ask_sz":${level.askSz},"bid_pb":${level.bidPb},"ask_pb":${level.askPb}}`,
          )
          .join(',')}]`;
        break;
      default:
        json += String(value);
    }
  }
  if (record.tsOut !== undefined) json += `,"ts_out":"${record.tsOut}"`;
  return json + '}';
}

/** Metadata as `dbn FILE --json --metadata` prints it (compact, keys in the CLI's order). */
export function formatMetadataJson(metadata: DatabentoMetadata): string {
  const strings = (values: string[]) => `[${values.map((value) => JSON.stringify(value)).join(',')}]`;
  const optional = (value: bigint | null) => (value === null ? 'null' : `"${value}"`);
  const mappings = metadata.mappings
    .map(
      (mapping) =>
        `{"raw_symbol":${JSON.stringify(mapping.rawSymbol)},"intervals":[${mapping.intervals
          .map(
            (interval) =>
              `{"start_date":${interval.startDate},"end_date":${interval.endDate},"symbol":${JSON.stringify(interval.symbol)}}`,
          )
          .join(',')}]}`,
    )
    .join(',');
  return (
    `{"version":${metadata.version},"dataset":${JSON.stringify(metadata.dataset)},` +
    `"schema":${metadata.schema === null ? 'null' : JSON.stringify(metadata.schema)},` +
    `"start":"${metadata.startNanos}","end":${optional(metadata.endNanos)},"limit":${optional(metadata.limit)},` +
    `"stype_in":${metadata.stypeIn === null ? 'null' : JSON.stringify(metadata.stypeIn)},` +
    `"stype_out":${JSON.stringify(metadata.stypeOut)},"ts_out":${metadata.tsOut},` +
    `"symbol_cstr_len":${metadata.symbolStringLength},"symbols":${strings(metadata.symbols)},` +
    `"partial":${strings(metadata.partial)},"not_found":${strings(metadata.notFound)},"mappings":[${mappings}]}`
  );
}
