import { type Asset, InvalidArgumentError, UnsupportedFunctionalityError } from '@lb/core';

/**
 * Venue -> Databento dataset for futures. CME Group's four exchanges all trade on Globex (GLBX.MDP3);
 * ICE Futures Europe (Brent, gasoil, FTSE...) is IFEU.IMPACT and ICE Endex (TTF gas, power) is NDEX.IMPACT.
 */
export const DATABENTO_FUTURES_DATASETS: Readonly<Record<string, string>> = {
  CME: 'GLBX.MDP3',
  CBOT: 'GLBX.MDP3',
  NYMEX: 'GLBX.MDP3',
  COMEX: 'GLBX.MDP3',
  GLOBEX: 'GLBX.MDP3',
  ICE: 'IFEU.IMPACT',
  IFEU: 'IFEU.IMPACT',
  ICEEU: 'IFEU.IMPACT',
  ENDEX: 'NDEX.IMPACT',
  NDEX: 'NDEX.IMPACT',
  ICEENDEX: 'NDEX.IMPACT',
  IFUS: 'IFUS.IMPACT',
  ICEUS: 'IFUS.IMPACT',
  EUREX: 'XEUR.EOBI',
};

/** Venue -> dataset for stocks. */
export const DATABENTO_STOCK_DATASETS: Readonly<Record<string, string>> = {
  NASDAQ: 'XNAS.ITCH',
  XNAS: 'XNAS.ITCH',
  NYSE: 'XNYS.PILLAR',
  XNYS: 'XNYS.PILLAR',
  ARCA: 'ARCX.PILLAR',
  ARCX: 'ARCX.PILLAR',
  EQUS: 'EQUS.MINI',
  DBEQ: 'DBEQ.BASIC',
};

/** Dataset for stocks when no venue is given. */
export const DATABENTO_DEFAULT_STOCK_DATASET = 'XNAS.ITCH';
/** Dataset for futures when no venue is given: CME Globex. */
export const DATABENTO_DEFAULT_FUTURES_DATASET = 'GLBX.MDP3';

const normalizeVenue = (venue: string) =>
  venue
    .trim()
    .toUpperCase()
    .replace(/[\s_-]/g, '');

/**
 * The Databento dataset serving `asset`, from the `exchange` hint when given. A dataset code itself
 * (`GLBX.MDP3`) is accepted as the exchange too.
 * @throws InvalidArgumentError for an unknown venue, listing the known ones.
 * @throws UnsupportedFunctionalityError for options.
 */
export function resolveDataset(
  asset: Asset,
  exchange: string | undefined,
  defaults: { stockDataset?: string; futuresDataset?: string } = {},
): string {
  if (asset.type === 'option') {
    throw new UnsupportedFunctionalityError(
      'The Databento source serves stocks and futures bars; options (OPRA.PILLAR) are not supported yet.',
      { functionality: 'option bars' },
    );
  }
  const table = asset.type === 'stock' ? DATABENTO_STOCK_DATASETS : DATABENTO_FUTURES_DATASETS;
  if (exchange === undefined || exchange.trim() === '') {
    return asset.type === 'stock'
      ? (defaults.stockDataset ?? DATABENTO_DEFAULT_STOCK_DATASET)
      : (defaults.futuresDataset ?? DATABENTO_DEFAULT_FUTURES_DATASET);
  }
  if (/^[A-Z0-9]{4}\.[A-Z0-9]+$/i.test(exchange.trim())) return exchange.trim().toUpperCase();
  const dataset = table[normalizeVenue(exchange)];
  if (dataset === undefined) {
    const known = Object.keys(table).join(', ');
    throw new InvalidArgumentError(
      `Unknown ${asset.type === 'stock' ? 'stock' : 'futures'} exchange "${exchange}" for Databento; known venues: ${known} (or pass a dataset code such as ${asset.type === 'stock' ? 'XNAS.ITCH' : 'GLBX.MDP3'}).`,
      { argument: 'exchange' },
    );
  }
  return dataset;
}
