import { UNDEF_PRICE } from '@lb/dbn';

/**
 * Raw 1e-9 fixed-point to a float price, the same conversion the historical source uses so live and
 * historical bars of the same minute compare equal; UNDEF_PRICE ("no price") becomes NaN.
 */
export function priceFromRaw(raw: bigint): number {
  return raw === UNDEF_PRICE ? Number.NaN : Number(raw) / 1e9;
}
