import type { Asset, InstrumentSpec } from '@lb/core';
import { DataSourceError } from '@lb/core';
import type {
  DatabentoInstrumentDefinitionRecord,
  DatabentoInstrumentDefinitionV1Record,
  DatabentoInstrumentDefinitionV2Record,
} from '@lb/dbn';
import { UNDEF_PRICE, UNDEF_TIMESTAMP } from '@lb/dbn';

/** A definition record of any DBN version. */
export type DatabentoDefinitionRecord =
  | DatabentoInstrumentDefinitionRecord
  | DatabentoInstrumentDefinitionV2Record
  | DatabentoInstrumentDefinitionV1Record;

const NANOS_PER_MS = 1_000_000n;

// Databento marks an unset i32 field (such as contract_multiplier) with i32::MAX.
const UNDEF_INT32 = 2_147_483_647;

/**
 * Instrument specs from a `definition` record. A future's multiplier, tick size and currency decide P&L,
 * so a definition missing one of them is an error rather than a guess; a stock defaults to 1 share and USD.
 */
export function definitionToSpec(
  asset: Asset,
  symbol: string,
  dataset: string,
  definition: DatabentoDefinitionRecord,
): InstrumentSpec {
  const fromPrice = (value: bigint) => (value === UNDEF_PRICE ? Number.NaN : Number(value) / 1e9);
  const missing = (field: string) =>
    new DataSourceError(
      `Databento's ${dataset} definition of ${symbol} has no ${field}; pass the instrument specs explicitly.`,
      { sourceId: 'databento' },
    );
  const isFuture = asset.type !== 'stock';
  let multiplier = fromPrice(definition.unitOfMeasureQty);
  if (!(multiplier > 0)) {
    const contractMultiplier = (definition as { contractMultiplier?: number }).contractMultiplier;
    if (contractMultiplier !== undefined && contractMultiplier > 0 && contractMultiplier !== UNDEF_INT32) {
      multiplier = contractMultiplier;
    } else if (isFuture) {
      throw missing('unit_of_measure_qty or contract_multiplier (the contract multiplier)');
    } else {
      multiplier = 1;
    }
  }
  const tickSize = fromPrice(definition.minPriceIncrement);
  if (!(tickSize > 0)) throw missing('min_price_increment (the tick size)');
  const currency = definition.currency.trim();
  if (currency === '' && isFuture) throw missing('currency');
  const expiration =
    definition.expiration === UNDEF_TIMESTAMP || definition.expiration === 0n
      ? undefined
      : new Date(Number(definition.expiration / NANOS_PER_MS)).toISOString().slice(0, 10);
  return Object.freeze({
    symbol,
    multiplier,
    tickSize,
    ...(expiration === undefined ? {} : { expiration }),
    currency: currency || 'USD',
  });
}
