import fc from 'fast-check';
import { resolvedFieldsOf } from './record-decoder.js';
import { currentLayoutForRType, type LayoutField, type RecordLayout } from './record-layouts.js';
import type { DatabentoRecord } from './record-types.js';

/** Test helper: every rtype the encoder knows, grouped by its v3 layout. */
export function rtypesByLayout(): Map<RecordLayout, number[]> {
  const byLayout = new Map<RecordLayout, number[]>();
  for (let rtype = 0; rtype < 256; rtype++) {
    const layout = currentLayoutForRType(rtype);
    if (layout === undefined) continue;
    byLayout.set(layout, [...(byLayout.get(layout) ?? []), rtype]);
  }
  return byLayout;
}

const int64 = fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n);
const uint64 = fc.bigInt(0n, 2n ** 64n - 1n);
const nonNulChar = fc.integer({ min: 1, max: 255 }).map((code) => String.fromCharCode(code));
const asciiText = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 1, max: 127 }).map((code) => String.fromCharCode(code)), maxLength });

function fieldArbitrary(field: LayoutField): fc.Arbitrary<unknown> {
  switch (field.kind) {
    case 'price':
    case 'i64':
      return int64;
    case 'timestamp':
    case 'u64':
      return uint64;
    case 'u8':
      return fc.integer({ min: 0, max: 255 });
    case 'i8':
      return fc.integer({ min: -128, max: 127 });
    case 'u16':
      return fc.integer({ min: 0, max: 65535 });
    case 'i16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'u32':
      return fc.integer({ min: 0, max: 4294967295 });
    case 'i32':
      return fc.integer({ min: -2147483648, max: 2147483647 });
    case 'char':
      return fc.option(nonNulChar, { nil: null });
    case 'enumChar':
      return nonNulChar;
    case 'string':
      return asciiText(field.length!);
    case 'bidAskLevels':
      return fc.array(
        fc.record({
          bidPx: int64,
          askPx: int64,
          bidSz: fc.integer({ min: 0, max: 4294967295 }),
          askSz: fc.integer({ min: 0, max: 4294967295 }),
          bidCt: fc.integer({ min: 0, max: 4294967295 }),
          askCt: fc.integer({ min: 0, max: 4294967295 }),
        }),
        { minLength: field.length!, maxLength: field.length! },
      );
    case 'consolidatedLevels':
      return fc.array(
        fc.record({
          bidPx: int64,
          askPx: int64,
          bidSz: fc.integer({ min: 0, max: 4294967295 }),
          askSz: fc.integer({ min: 0, max: 4294967295 }),
          bidPb: fc.integer({ min: 0, max: 65535 }),
          askPb: fc.integer({ min: 0, max: 65535 }),
        }),
        { minLength: field.length!, maxLength: field.length! },
      );
    case 'header':
      return fc.constant(undefined);
  }
}

/** Random v3 records of one layout, with one of its rtypes. */
export function recordArbitrary(
  layout: RecordLayout,
  rtypes: number[],
  withTsOut = false,
): fc.Arbitrary<DatabentoRecord> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {
    rtype: fc.constantFrom(...rtypes),
    publisherId: fc.integer({ min: 0, max: 65535 }),
    instrumentId: fc.integer({ min: 0, max: 4294967295 }),
    tsEvent: uint64,
  };
  for (const field of resolvedFieldsOf(layout)) fields[field.property] = fieldArbitrary(field);
  if (withTsOut) fields.tsOut = uint64;
  return fc.record(fields) as unknown as fc.Arbitrary<DatabentoRecord>;
}

/** Random records of any layout. */
export function anyRecordArbitrary(withTsOut = false): fc.Arbitrary<DatabentoRecord> {
  return fc.oneof(
    ...[...rtypesByLayout()].map(([layout, rtypes]) => recordArbitrary(layout, rtypes, withTsOut)),
  );
}
