import type { ListedAsset } from '@lb/core';
import type { DatabentoMetadata } from '@lb/dbn';
import type { DbnFileEntry } from './file-index.js';
import type { DefinitionsBySymbol } from './instrument-definitions.js';

/** What the metadata headers of a folder's files say it holds. */
export interface AssetsInHeaders {
  /** One entry per raw symbol a header names, with the file's dataset. */
  readonly assets: readonly ListedAsset[];
  /**
   * Definition files whose header names no raw symbols (parent, continuous or `ALL_SYMBOLS` downloads,
   * hand-made files): their symbols are only in their records.
   */
  readonly unnamedDefinitionFiles: readonly DbnFileEntry[];
}

/**
 * The raw symbols a metadata header names: the requested symbols that mapped to instruments when the
 * download was by raw symbol, or the mapped-to symbols when it asked for raw symbols out. Undefined when
 * the header names none (a parent request maps `ES.FUT`, not its contracts). Symbols that did not resolve
 * (`notFound`) have no mapping and are not named.
 */
export function rawSymbolsInHeader(metadata: DatabentoMetadata): string[] | undefined {
  if (metadata.stypeIn === 'raw_symbol' && metadata.mappings.length > 0) {
    return metadata.mappings
      .filter((mapping) => mapping.intervals.length > 0)
      .map((mapping) => mapping.rawSymbol);
  }
  if (metadata.stypeOut === 'raw_symbol' && metadata.mappings.length > 0) {
    return metadata.mappings.flatMap((mapping) => mapping.intervals.map((interval) => interval.symbol));
  }
  return undefined;
}

/** The raw symbols the headers of `files` name, and the definition files that name none. */
export function assetsInHeaders(files: readonly DbnFileEntry[]): AssetsInHeaders {
  const assets: ListedAsset[] = [];
  const unnamedDefinitionFiles: DbnFileEntry[] = [];
  for (const file of files) {
    const symbols = rawSymbolsInHeader(file.metadata);
    if (symbols === undefined) {
      if (file.metadata.schema === 'definition') unnamedDefinitionFiles.push(file);
      continue;
    }
    for (const symbol of symbols) assets.push({ symbol, datasets: [file.metadata.dataset] });
  }
  return { assets, unnamedDefinitionFiles };
}

/**
 * The raw symbols of decoded definition records. Their dataset is known only when every definition file
 * that names no symbols in its header has the same one; else it is left empty rather than guessed.
 */
export function assetsInDefinitions(
  definitions: DefinitionsBySymbol,
  unnamedDefinitionFiles: readonly DbnFileEntry[],
): ListedAsset[] {
  const datasets = [...new Set(unnamedDefinitionFiles.map((file) => file.metadata.dataset))];
  const shared = datasets.length === 1 ? datasets : [];
  return [...definitions.keys()].map((symbol) => ({ symbol, datasets: shared }));
}
