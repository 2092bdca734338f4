import type { InstrumentSpec } from '@lb/core';
import {
  type DatabentoInstrumentDefinitionRecord,
  DatabentoRType,
  openDbnStream,
  UNDEF_PRICE,
  UNDEF_TIMESTAMP,
} from '@lb/dbn';
import { DbnFileError } from './dbn-file-error.js';
import type { DbnFileEntry } from './file-index.js';

/** Definition records by raw symbol, each list sorted by `tsRecv`. */
export type DefinitionsBySymbol = ReadonlyMap<string, readonly DatabentoInstrumentDefinitionRecord[]>;

// DBN prices and quantities such as unit_of_measure_qty are i64 fixed-point with scale 1e-9.
const FIXED_POINT_SCALE = 1e9;
const UNDEF_I32 = 2147483647;

/** Decodes every record of the `definition` files (upgraded to the v3 layout), grouped by raw symbol. */
export async function loadDefinitions(
  files: readonly DbnFileEntry[],
  sourceId: string,
): Promise<DefinitionsBySymbol> {
  const bySymbol = new Map<string, DatabentoInstrumentDefinitionRecord[]>();
  for (const file of files) {
    if (file.metadata.schema !== 'definition') continue;
    try {
      const stream = await openDbnStream(file.path, { upgrade: true });
      for await (const batch of stream.batches()) {
        for (const record of batch) {
          if (record.rtype !== DatabentoRType.InstrumentDefinition) continue;
          const definition = record as DatabentoInstrumentDefinitionRecord;
          const list = bySymbol.get(definition.rawSymbol);
          if (list === undefined) bySymbol.set(definition.rawSymbol, [definition]);
          else list.push(definition);
        }
      }
    } catch (error) {
      throw new DbnFileError(
        `Cannot decode DBN definition file ${file.path}: ${error instanceof Error ? error.message : String(error)}. The file is corrupt or truncated; re-download it or move it out of the folder.`,
        { sourceId, filePath: file.path, cause: error },
      );
    }
  }
  for (const list of bySymbol.values()) list.sort((left, right) => compareBigInt(left.tsRecv, right.tsRecv));
  return bySymbol;
}

function compareBigInt(left: bigint, right: bigint): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The definition in force at `atNanos`: the latest received at or before it, else the earliest one. */
export function definitionAt(
  definitions: readonly DatabentoInstrumentDefinitionRecord[],
  atNanos: bigint,
): DatabentoInstrumentDefinitionRecord | undefined {
  let chosen = definitions[0];
  for (const definition of definitions) {
    if (definition.tsRecv <= atNanos) chosen = definition;
    else break;
  }
  return chosen;
}

/**
 * Maps a definition record to core's spec. The multiplier is `unit_of_measure_qty` (50 for ES: index
 * points times 50 USD), falling back to `contract_multiplier` when the quantity is undefined.
 */
export function toInstrumentSpec(definition: DatabentoInstrumentDefinitionRecord): InstrumentSpec {
  const multiplier =
    definition.unitOfMeasureQty !== UNDEF_PRICE && definition.unitOfMeasureQty > 0n
      ? Number(definition.unitOfMeasureQty) / FIXED_POINT_SCALE
      : definition.contractMultiplier !== UNDEF_I32 && definition.contractMultiplier > 0
        ? definition.contractMultiplier
        : 1;
  const expiration =
    definition.expiration === UNDEF_TIMESTAMP
      ? undefined
      : new Date(Number(definition.expiration / 1_000_000n)).toISOString().slice(0, 10);
  return {
    symbol: definition.rawSymbol,
    multiplier,
    tickSize: Number(definition.minPriceIncrement) / FIXED_POINT_SCALE,
    ...(expiration === undefined ? {} : { expiration }),
    currency: definition.currency === '' ? 'USD' : definition.currency,
  };
}
