import { resolve } from 'node:path';
import { debuglog } from 'node:util';
import {
  type AssetListing,
  type AvailableRange,
  allocateBarsColumns,
  Bars,
  type BarsRequest,
  type BarsRequestLocation,
  buildAssetListing,
  copyBarsColumns,
  createTimestep,
  type DataSourceCallOptions,
  type DataSourceCapabilities,
  DataSourceError,
  type DataSourceV1,
  type InstrumentRequest,
  type InstrumentSpec,
  InvalidSettingsError,
  type ListAssetsRequest,
  type Timestep,
  type TimestepUnit,
  toDatabentoRawSymbol,
  UnsupportedFunctionalityError,
} from '@lb/core';
import type { DatabentoMetadata } from '@lb/dbn';
import {
  DecodedFileCache,
  type DecodedOhlcvFile,
  decodeOhlcvFile,
  rowsInWindow,
} from './decoded-ohlcv-file.js';
import { buildFileIndex, type DbnFileEntry, type DbnFileIndex } from './file-index.js';
import {
  type DefinitionsBySymbol,
  definitionAt,
  loadDefinitions,
  toInstrumentSpec,
} from './instrument-definitions.js';
import { assetsInDefinitions, assetsInHeaders } from './listed-assets.js';

/** Receives the source's diagnostics (files indexed, assets not found). `console` fits. */
export interface DbnFileSourceLogger {
  debug(message: string): void;
}

/** Settings of {@link createDbnFileSource}. */
export interface DbnFileSourceSettings {
  /**
   * Folder searched recursively for `.dbn` and `.dbn.zst` files. Defaults to the `LB_DBN_FILES_DIR`
   * environment variable, read on first use.
   */
  readonly dir?: string;
  /** Where diagnostics go. Defaults to `NODE_DEBUG=lb-dbn-files`. */
  readonly logger?: DbnFileSourceLogger;
  /** Memory budget for decoded OHLCV files kept between calls, in bytes. Defaults to 256 MiB. */
  readonly cacheBytes?: number;
}

const SOURCE_ID = 'dbn-files';
const DIR_ENVIRONMENT_VARIABLE = 'LB_DBN_FILES_DIR';
const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;

const SCHEMA_BY_UNIT: Record<TimestepUnit, string> = {
  second: 'ohlcv-1s',
  minute: 'ohlcv-1m',
  hour: 'ohlcv-1h',
  day: 'ohlcv-1d',
};
const UNIT_MS: Record<TimestepUnit, number> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};
const UNITS_FINEST_FIRST: readonly TimestepUnit[] = ['second', 'minute', 'hour', 'day'];
const NANOS_PER_MS = 1_000_000n;
const NANOS_PER_DAY = 86_400_000_000_000n;
// Symbols Databento writes in `symbols` when a request is not per raw symbol.
const ALL_SYMBOLS = 'ALL_SYMBOLS';

/** Which instrument id a raw symbol had in one file, and over which window (ns, end exclusive). */
interface InstrumentWindow {
  readonly instrumentId: number;
  readonly startNanos: bigint;
  readonly endNanos: bigint;
}

/** A file that may hold a raw symbol, and how its rows are found. */
interface Candidate {
  readonly file: DbnFileEntry;
  /** From the metadata mappings; undefined when the ids must come from definition records. */
  readonly windows: readonly InstrumentWindow[] | undefined;
}

/** A {@link DataSourceV1} over a folder of DBN files, created by {@link createDbnFileSource}. */
export class DbnFileSource implements DataSourceV1 {
  readonly specificationVersion = 'v1' as const;
  readonly sourceId = SOURCE_ID;
  readonly #settings: DbnFileSourceSettings;
  readonly #logger: DbnFileSourceLogger;
  readonly #cache: DecodedFileCache;
  #index: DbnFileIndex | undefined;
  #definitions: Promise<DefinitionsBySymbol> | undefined;

  constructor(settings: DbnFileSourceSettings = {}) {
    this.#settings = settings;
    const log = debuglog('lb-dbn-files');
    this.#logger = settings.logger ?? { debug: (message) => log('%s', message) };
    this.#cache = new DecodedFileCache(settings.cacheBytes ?? DEFAULT_CACHE_BYTES);
  }

  /**
   * Stocks and dated futures; timestep units from the OHLCV schemas found (indexing the folder on first
   * access). Continuous futures are stitched by core `fetchBars`.
   */
  get capabilities(): DataSourceCapabilities {
    const schemas = new Set(this.#getIndex().files.map((file) => file.metadata.schema));
    return {
      assetTypes: ['stock', 'future'],
      timestepUnits: UNITS_FINEST_FIRST.filter((unit) => schemas.has(SCHEMA_BY_UNIT[unit] as never)),
      continuousFutures: false,
      instruments: true,
      assetListing: true,
    };
  }

  /** The folder read, resolved to an absolute path. */
  get dir(): string {
    const dir = this.#settings.dir ?? process.env[DIR_ENVIRONMENT_VARIABLE];
    if (dir === undefined || dir === '') {
      throw new InvalidSettingsError(
        `No DBN folder: pass createDbnFileSource({ dir }) or set ${DIR_ENVIRONMENT_VARIABLE}.`,
        { issues: [{ path: 'dir', message: 'required' }] },
      );
    }
    return resolve(dir);
  }

  /** The files indexed so far (by metadata only). Indexes the folder on first call. */
  files(): readonly DbnFileEntry[] {
    return this.#checkedIndex().files;
  }

  async doFetchBars(request: BarsRequest, options: DataSourceCallOptions = {}): Promise<Bars> {
    options.signal?.throwIfAborted();
    if (request.forceCacheUpdate) this.#reset();
    const symbol = rawSymbolOf(request);
    this.#checkedIndex();
    const { timestep } = request;
    const { unit, schema } = this.#nativeUnitFor(timestep);
    const nativeTimestep: Timestep =
      timestep.multiple === 1 && timestep.unit === unit ? timestep : createTimestep(unit, 1);
    const startNanos = BigInt(request.start.getTime()) * NANOS_PER_MS;
    const endNanos = BigInt(request.end.getTime()) * NANOS_PER_MS;
    const bars = await this.#readBars(symbol, schema, nativeTimestep, startNanos, endNanos, options.signal);
    if (bars.length === 0) return Bars.empty({ symbol, timestep });
    return nativeTimestep === timestep ? bars : bars.resample(timestep).between(request.start, request.end);
  }

  locateBars(request: BarsRequest): BarsRequestLocation {
    const symbol = rawSymbolOf(request);
    this.#checkedIndex();
    const { schema } = this.#nativeUnitFor(request.timestep);
    const candidates = this.#candidates(symbol, schema, undefined, undefined);
    const dataset =
      candidates[0]?.file.metadata.dataset ??
      this.files().find((file) => file.metadata.schema === schema)?.metadata.dataset ??
      'GLBX.MDP3';
    return { dataset, schema, symbol };
  }

  async doFetchAvailableRange(
    request: BarsRequest,
    options: DataSourceCallOptions = {},
  ): Promise<AvailableRange> {
    options.signal?.throwIfAborted();
    const symbol = rawSymbolOf(request);
    this.#checkedIndex();
    const { unit, schema } = this.#nativeUnitFor(request.timestep);
    const candidates = this.#candidates(symbol, schema, undefined, undefined).map(
      (candidate) => candidate.file,
    );
    const files =
      candidates.length > 0 ? candidates : this.files().filter((file) => file.metadata.schema === schema);
    if (files.length === 0) {
      throw new DataSourceError(`No ${schema} files in ${this.dir}.`, { sourceId: SOURCE_ID });
    }
    let start = files[0]!.metadata.startNanos;
    let end = 0n;
    for (const file of files) {
      if (file.metadata.startNanos < start) start = file.metadata.startNanos;
      const fileEnd = file.metadata.endNanos ?? (await this.#lastBarEnd(file, unit));
      if (fileEnd > end) end = fileEnd;
    }
    return { start: nanosToDate(start), end: nanosToDate(end) };
  }

  async doFetchInstrument(
    request: InstrumentRequest,
    options: DataSourceCallOptions = {},
  ): Promise<InstrumentSpec> {
    options.signal?.throwIfAborted();
    if (request.forceCacheUpdate) this.#reset();
    const symbol = rawSymbolOf(request);
    const definitions = await this.#getDefinitions();
    options.signal?.throwIfAborted();
    const list = definitions.get(symbol);
    const definition = list && definitionAt(list, BigInt(request.at.getTime()) * NANOS_PER_MS);
    if (definition === undefined) {
      throw new DataSourceError(
        `No instrument definition for ${symbol} in ${this.dir}: add the "definition" schema file for it (e.g. a Databento batch download with schema definition).`,
        { sourceId: SOURCE_ID },
      );
    }
    return toInstrumentSpec(definition);
  }

  /**
   * The raw symbols the folder holds, from file headers (the symbol mappings Databento writes), never by
   * decoding bars. Definition files whose header names no symbols (parent or `ALL_SYMBOLS` downloads) add
   * the raw symbols of their records, decoded once and shared with `doFetchInstrument`. An OHLCV file of a
   * parent download without a definition file lists nothing: its bars cannot be served either.
   */
  async doListAssets(
    request: ListAssetsRequest = {},
    options: DataSourceCallOptions = {},
  ): Promise<AssetListing> {
    options.signal?.throwIfAborted();
    const headers = assetsInHeaders(this.files());
    const assets = [...headers.assets];
    if (headers.unnamedDefinitionFiles.length > 0) {
      const definitions = await this.#getDefinitions();
      options.signal?.throwIfAborted();
      assets.push(...assetsInDefinitions(definitions, headers.unnamedDefinitionFiles));
    }
    return buildAssetListing({ assets, request });
  }

  #reset(): void {
    this.#index = undefined;
    this.#definitions = undefined;
    this.#cache.clear();
  }

  #getIndex(): DbnFileIndex {
    if (this.#index === undefined) {
      this.#index = buildFileIndex(this.dir, SOURCE_ID);
      this.#logger.debug(
        `dbn-files: indexed ${this.#index.files.length} files in ${this.dir}` +
          (this.#index.problems.length > 0 ? ` (${this.#index.problems.length} unreadable)` : ''),
      );
    }
    return this.#index;
  }

  /** The index, throwing the first unreadable file's error: a corrupt file must not pass silently. */
  #checkedIndex(): DbnFileIndex {
    const index = this.#getIndex();
    const problem = index.problems[0];
    if (problem !== undefined) throw problem;
    return index;
  }

  #getDefinitions(): Promise<DefinitionsBySymbol> {
    if (this.#definitions === undefined) {
      const pending = loadDefinitions(this.files(), SOURCE_ID);
      pending.catch(() => {
        if (this.#definitions === pending) this.#definitions = undefined;
      });
      this.#definitions = pending;
    }
    return this.#definitions;
  }

  #nativeUnitFor(timestep: Timestep): { unit: TimestepUnit; schema: string } {
    const units = this.capabilities.timestepUnits;
    if (timestep.multiple === 1 && units.includes(timestep.unit)) {
      return { unit: timestep.unit, schema: SCHEMA_BY_UNIT[timestep.unit] };
    }
    // Otherwise the coarsest schema present that divides the timestep, resampled.
    for (let position = UNITS_FINEST_FIRST.length - 1; position >= 0; position--) {
      const unit = UNITS_FINEST_FIRST[position]!;
      if (units.includes(unit) && timestep.durationMs % UNIT_MS[unit] === 0) {
        return { unit, schema: SCHEMA_BY_UNIT[unit] };
      }
    }
    throw new UnsupportedFunctionalityError(
      `No DBN file in ${this.dir} can serve ${timestep.label} bars: found ${units.length === 0 ? 'no OHLCV schema' : units.map((unit) => SCHEMA_BY_UNIT[unit]).join(', ')}.`,
      { functionality: `doFetchBars:${timestep.label}` },
    );
  }

  /**
   * Files of `schema` overlapping the window that may hold `symbol`: those whose metadata maps it (with
   * its instrument ids per day), and those that do not list symbols per raw symbol (parent or
   * ALL_SYMBOLS requests, hand-made files), which need the definition records.
   */
  #candidates(
    symbol: string,
    schema: string,
    startNanos: bigint | undefined,
    endNanos: bigint | undefined,
  ): Candidate[] {
    const candidates: Candidate[] = [];
    for (const file of this.files()) {
      const { metadata } = file;
      if (metadata.schema !== schema) continue;
      if (startNanos !== undefined && endNanos !== undefined && !overlaps(metadata, startNanos, endNanos))
        continue;
      const windows = mappedWindows(metadata, symbol);
      if (windows.length > 0) {
        candidates.push({ file, windows });
      } else if (
        metadata.mappings.length === 0 ||
        metadata.symbols.includes(symbol) ||
        metadata.symbols.includes(ALL_SYMBOLS) ||
        metadata.symbols.some((requested) => requested.endsWith('.FUT') || requested.endsWith('.OPT'))
      ) {
        candidates.push({ file, windows: undefined });
      }
    }
    return candidates;
  }

  async #readBars(
    symbol: string,
    schema: string,
    timestep: Timestep,
    startNanos: bigint,
    endNanos: bigint,
    signal: AbortSignal | undefined,
  ): Promise<Bars> {
    const candidates = this.#candidates(symbol, schema, startNanos, endNanos);
    const parts: { file: DecodedOhlcvFile; rows: Int32Array }[] = [];
    for (const candidate of candidates) {
      let windows = candidate.windows;
      if (windows === undefined) {
        const ids = (await this.#getDefinitions()).get(symbol)?.map((definition) => definition.instrumentId);
        if (ids === undefined) continue;
        windows = [...new Set(ids)].map((instrumentId) => ({ instrumentId, startNanos, endNanos }));
      }
      signal?.throwIfAborted();
      const path = candidate.file.path;
      const file = await this.#cache.get(path, () => decodeOhlcvFile(path, SOURCE_ID));
      signal?.throwIfAborted();
      for (const window of windows) {
        const from = window.startNanos > startNanos ? window.startNanos : startNanos;
        const to = window.endNanos < endNanos ? window.endNanos : endNanos;
        if (from >= to) continue;
        const rows = rowsInWindow(file, window.instrumentId, from, to);
        if (rows.length > 0) parts.push({ file, rows });
      }
    }
    if (parts.length === 0) {
      this.#logger.debug(
        `dbn-files: no ${schema} bars for ${symbol} in ${this.dir} between ${nanosToDate(startNanos).toISOString()} and ${nanosToDate(endNanos).toISOString()}`,
      );
      return Bars.empty({ symbol, timestep });
    }
    return Bars.fromColumns(mergeRows(parts), { symbol, timestep });
  }

  async #lastBarEnd(file: DbnFileEntry, unit: TimestepUnit): Promise<bigint> {
    const decoded = await this.#cache.get(file.path, () => decodeOhlcvFile(file.path, SOURCE_ID));
    let last = file.metadata.startNanos;
    for (const time of decoded.columns.tsEventNanos) if (time > last) last = time;
    return last + BigInt(UNIT_MS[unit]) * NANOS_PER_MS;
  }
}

function rawSymbolOf(request: { asset: BarsRequest['asset'] }): string {
  const { asset } = request;
  if (asset.type !== 'stock' && asset.type !== 'future') {
    throw new UnsupportedFunctionalityError(
      asset.type === 'continuous_future'
        ? `Source "${SOURCE_ID}" serves dated contracts only; fetch continuous future ${asset.symbol} through fetchBars, which stitches the contracts at each roll.`
        : `Source "${SOURCE_ID}" serves stocks and futures, not ${asset.type}s.`,
      { functionality: `doFetchBars:${asset.type}` },
    );
  }
  return toDatabentoRawSymbol(asset);
}

function overlaps(metadata: DatabentoMetadata, startNanos: bigint, endNanos: bigint): boolean {
  return metadata.startNanos < endNanos && (metadata.endNanos === null || metadata.endNanos > startNanos);
}

/** The instrument ids `symbol` maps to in a file's metadata, each with its window (UTC days). */
function mappedWindows(metadata: DatabentoMetadata, symbol: string): InstrumentWindow[] {
  const windows: InstrumentWindow[] = [];
  for (const mapping of metadata.mappings) {
    if (mapping.rawSymbol !== symbol) continue;
    for (const interval of mapping.intervals) {
      const instrumentId = Number(interval.symbol);
      if (!Number.isInteger(instrumentId)) continue;
      windows.push({
        instrumentId,
        startNanos: dayNumberToNanos(interval.startDate),
        endNanos: dayNumberToNanos(interval.endDate),
      });
    }
  }
  return windows;
}

/** YYYYMMDD (a UTC calendar day, as in DBN mappings) to ns at 00:00 UTC. */
function dayNumberToNanos(yyyymmdd: number): bigint {
  const year = Math.floor(yyyymmdd / 10000);
  const month = Math.floor(yyyymmdd / 100) % 100;
  const day = yyyymmdd % 100;
  return (BigInt(Date.UTC(year, month - 1, day)) / 86_400_000n) * NANOS_PER_DAY;
}

function nanosToDate(nanos: bigint): Date {
  return new Date(Number(nanos / NANOS_PER_MS));
}

/**
 * Gathers rows from several files into time-ordered columns. Files may overlap (two downloads of the same
 * day): for equal open times the first file in path order wins.
 */
function mergeRows(parts: readonly { file: DecodedOhlcvFile; rows: Int32Array }[]) {
  const picks: { file: DecodedOhlcvFile; row: number; time: bigint; order: number }[] = [];
  let order = 0;
  for (const { file, rows } of parts) {
    for (const row of rows) picks.push({ file, row, time: file.columns.tsEventNanos[row]!, order: order++ });
  }
  picks.sort((left, right) =>
    left.time < right.time ? -1 : left.time > right.time ? 1 : left.order - right.order,
  );
  const unique = picks.filter((pick, index) => index === 0 || pick.time !== picks[index - 1]!.time);
  const columns = allocateBarsColumns(unique.length);
  // Copy each run of consecutive rows from one file in a single call.
  const runRows = new Int32Array(unique.length);
  let offset = 0;
  let runStart = 0;
  for (let index = 1; index <= unique.length; index++) {
    if (index < unique.length && unique[index]!.file === unique[runStart]!.file) continue;
    for (let at = runStart; at < index; at++) runRows[at - runStart] = unique[at]!.row;
    offset = copyBarsColumns(
      columns,
      offset,
      unique[runStart]!.file.columns,
      runRows.subarray(0, index - runStart),
    );
    runStart = index;
  }
  return columns;
}

/**
 * Creates a data source over a folder of Databento DBN files (`.dbn`, `.dbn.zst`, searched recursively):
 * OHLCV bars for stocks and dated futures, and instrument specs from `definition` files. The folder is
 * indexed on first use from file headers only; OHLCV files are decoded when a request needs them and kept
 * in memory up to `cacheBytes`.
 *
 * ```ts
 * const source = createDbnFileSource({ dir: 'data' });
 * const bars = await fetchBars(source, { asset: continuousFuture('ES'), timestep: '1m', start, end });
 * ```
 */
export function createDbnFileSource(settings: DbnFileSourceSettings = {}): DbnFileSource {
  return new DbnFileSource(settings);
}

/** A source over the folder named by the `LB_DBN_FILES_DIR` environment variable (read on first use). */
export const dbnFiles: DbnFileSource = createDbnFileSource();
