import { DBN_VERSION, SYMBOL_STRING_LENGTH_V2, UNDEF_PRICE } from './constants.js';
import type { DatabentoMetadata } from './metadata.js';
import { type DecodedRecord, resolvedFieldsOf } from './record-decoder.js';
import {
  definitionV3Layout,
  errorV2Layout,
  type RecordLayout,
  statisticsV3Layout,
  symbolMappingV2Layout,
  systemV2Layout,
} from './record-layouts.js';

/** i32::MAX: the v1/v2 statistics "no quantity" sentinel, widened to i64::MAX in v3. */
const UNDEF_STAT_QUANTITY_V1 = 2147483647;

/**
 * Upgrades metadata to v3, as `dbn --upgrade` does: the version becomes 3 and symbol strings 71 bytes.
 * Metadata already at v3 is returned unchanged.
 */
export function upgradeMetadata(metadata: DatabentoMetadata): DatabentoMetadata {
  if (metadata.version >= DBN_VERSION) return metadata;
  return { ...metadata, version: DBN_VERSION, symbolStringLength: SYMBOL_STRING_LENGTH_V2 };
}

/**
 * Upgrades one decoded record to its v3 layout the way the official decoder's `UpgradeToV3` does: start
 * from v3 defaults, copy every same-named field (widening integers, copying strings into the longer
 * arrays), fill fields the old version lacks. Records whose layout did not change are returned as is.
 */
export function upgradeDecodedRecord(decoded: DecodedRecord): DecodedRecord {
  const upgrade = upgradersByLayoutId[decoded.layout.id];
  if (upgrade === undefined) return decoded;
  const old = decoded.record as unknown as Record<string, unknown>;
  const upgraded = upgrade.convert(old);
  if (old.tsOut !== undefined) upgraded.tsOut = old.tsOut;
  return { layout: upgrade.layout, record: upgraded as unknown as DecodedRecord['record'] };
}

interface Upgrader {
  layout: RecordLayout;
  convert(old: Record<string, unknown>): Record<string, unknown>;
}

/** Builds the new record in v3 property order: header, then each v3 field from `old` or its default. */
function copyInto(
  layout: RecordLayout,
  old: Record<string, unknown>,
  defaults: Record<string, unknown>,
): Record<string, unknown> {
  const upgraded: Record<string, unknown> = {
    rtype: old.rtype,
    publisherId: old.publisherId,
    instrumentId: old.instrumentId,
    tsEvent: old.tsEvent,
  };
  for (const field of resolvedFieldsOf(layout)) {
    upgraded[field.property] = field.property in old ? old[field.property] : defaults[field.property];
  }
  return upgraded;
}

const definitionDefaults: Record<string, unknown> = {
  legPrice: UNDEF_PRICE,
  legDelta: UNDEF_PRICE,
  legInstrumentId: 0,
  legRatioPriceNumerator: 0,
  legRatioPriceDenominator: 0,
  legRatioQtyNumerator: 0,
  legRatioQtyDenominator: 0,
  legUnderlyingId: 0,
  legCount: 0,
  legIndex: 0,
  legRawSymbol: '',
  legInstrumentClass: null,
  legSide: 'N',
};

function upgradeDefinition(old: Record<string, unknown>): Record<string, unknown> {
  const upgraded = copyInto(definitionV3Layout, old, definitionDefaults);
  // raw_instrument_id widened from u32 to u64.
  upgraded.rawInstrumentId = BigInt(old.rawInstrumentId as number);
  // v1 enum-typed chars become plain c_chars, where NUL means "none".
  upgraded.securityUpdateAction = charOrNull(old.securityUpdateAction);
  upgraded.userDefinedInstrument = charOrNull(old.userDefinedInstrument);
  return upgraded;
}

function charOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '\u0000' && value !== '' ? value : null;
}

const upgradersByLayoutId: Record<string, Upgrader | undefined> = {
  definitionV1: { layout: definitionV3Layout, convert: upgradeDefinition },
  definitionV2: { layout: definitionV3Layout, convert: upgradeDefinition },
  statisticsV1: {
    layout: statisticsV3Layout,
    convert: (old) => {
      const upgraded = copyInto(statisticsV3Layout, old, {});
      const quantity = old.quantity as number;
      upgraded.quantity = quantity === UNDEF_STAT_QUANTITY_V1 ? UNDEF_PRICE : BigInt(quantity);
      return upgraded;
    },
  },
  errorV1: {
    layout: errorV2Layout,
    // v1 errors carry no code and no "last" flag: both become u8::MAX ("unset").
    convert: (old) => copyInto(errorV2Layout, old, { code: 255, isLast: 255 }),
  },
  systemV1: {
    layout: systemV2Layout,
    // v1 system messages have no code; the only one recognisable from its text is the heartbeat.
    convert: (old) =>
      copyInto(systemV2Layout, old, { code: String(old.msg).startsWith('Heartbeat') ? 0 : 255 }),
  },
  symbolMappingV1: {
    layout: symbolMappingV2Layout,
    // v1 mappings do not record the symbology types: u8::MAX means "unknown".
    convert: (old) => copyInto(symbolMappingV2Layout, old, { stypeIn: 255, stypeOut: 255 }),
  },
};
