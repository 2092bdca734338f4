import { DbnDecodeError } from './dbn-decode-error.js';
import { type LayoutField, layoutForRecord, propertyNameOf, type RecordLayout } from './record-layouts.js';
import type { DatabentoAnyVersionRecord } from './record-types.js';
import { decodeCString } from './text.js';

/** Size of the header every record starts with. */
export const RECORD_HEADER_SIZE = 16;

/** A layout field with its JavaScript property name resolved once, not per record. */
export interface ResolvedField extends LayoutField {
  readonly property: string;
}

const resolvedFieldsCache = new Map<RecordLayout, readonly ResolvedField[]>();

/** The layout's fields (header excluded) with property names, cached per layout. */
export function resolvedFieldsOf(layout: RecordLayout): readonly ResolvedField[] {
  let resolved = resolvedFieldsCache.get(layout);
  if (resolved === undefined) {
    resolved = layout.fields
      .filter((field) => field.kind !== 'header')
      .map((field) => ({ ...field, property: propertyNameOf(field.name) }));
    resolvedFieldsCache.set(layout, resolved);
  }
  return resolved;
}

/** A decoded record together with the layout it was stored in (needed for byte-exact JSON). */
export interface DecodedRecord {
  readonly layout: RecordLayout;
  readonly record: DatabentoAnyVersionRecord;
}

/**
 * Decodes the record starting at `offset`, or returns undefined for an unknown rtype (the caller skips it
 * by its header length). `streamOffset` is the record's position in the DBN stream, for errors.
 * The caller guarantees that `length * 4` bytes (at least 16) are available.
 */
export function decodeRecordAt(
  bytes: Uint8Array,
  view: DataView,
  offset: number,
  tsOut: boolean,
  streamOffset: number,
): DecodedRecord | undefined {
  const sizeBytes = bytes[offset]! * 4;
  const rtype = bytes[offset + 1]!;
  const bodySize = tsOut ? sizeBytes - 8 : sizeBytes;
  const layout = layoutForRecord(rtype, bodySize);
  if (layout === undefined) return undefined;
  if (bodySize < layout.size) {
    throw new DbnDecodeError(
      `Corrupt DBN record: rtype 0x${rtype.toString(16)} needs ${layout.size}${tsOut ? ' + 8 (ts_out)' : ''} bytes but its header says ${sizeBytes}.`,
      { byteOffset: streamOffset, rtype },
    );
  }
  const record: Record<string, unknown> = {
    rtype,
    publisherId: view.getUint16(offset + 2, true),
    instrumentId: view.getUint32(offset + 4, true),
    tsEvent: view.getBigUint64(offset + 8, true),
  };
  for (const field of resolvedFieldsOf(layout)) {
    record[field.property] = readField(bytes, view, offset + field.offset, field);
  }
  if (tsOut) record.tsOut = view.getBigUint64(offset + sizeBytes - 8, true);
  return { layout, record: record as unknown as DatabentoAnyVersionRecord };
}

function readField(bytes: Uint8Array, view: DataView, position: number, field: LayoutField): unknown {
  switch (field.kind) {
    case 'price':
    case 'i64':
      return view.getBigInt64(position, true);
    case 'timestamp':
    case 'u64':
      return view.getBigUint64(position, true);
    case 'u8':
      return bytes[position]!;
    case 'i8':
      return view.getInt8(position);
    case 'u16':
      return view.getUint16(position, true);
    case 'i16':
      return view.getInt16(position, true);
    case 'u32':
      return view.getUint32(position, true);
    case 'i32':
      return view.getInt32(position, true);
    case 'char': {
      const byte = bytes[position]!;
      return byte === 0 ? null : String.fromCharCode(byte);
    }
    case 'enumChar':
      return String.fromCharCode(bytes[position]!);
    case 'string':
      return decodeCString(bytes, position, field.length!);
    case 'bidAskLevels':
    case 'consolidatedLevels': {
      const consolidated = field.kind === 'consolidatedLevels';
      const levels = new Array(field.length!);
      for (let index = 0; index < field.length!; index++) {
        const base = position + index * 32;
        // BidAskPair: bid_px i64, ask_px i64, bid_sz u32, ask_sz u32, then counts (u32 each) or, when
        // consolidated, the publisher ids (u16 each, followed by 2 reserved bytes).
        levels[index] = consolidated
          ? {
              bidPx: view.getBigInt64(base, true),
              askPx: view.getBigInt64(base + 8, true),
              bidSz: view.getUint32(base + 16, true),
              askSz: view.getUint32(base + 20, true),
              bidPb: view.getUint16(base + 24, true),
              askPb: view.getUint16(base + 28, true),
            }
          : {
              bidPx: view.getBigInt64(base, true),
              askPx: view.getBigInt64(base + 8, true),
              bidSz: view.getUint32(base + 16, true),
              askSz: view.getUint32(base + 20, true),
              bidCt: view.getUint32(base + 24, true),
              askCt: view.getUint32(base + 28, true),
            };
      }
      return levels;
    }
    case 'header':
      return undefined;
  }
}
