import {
  type Asset,
  type Bars,
  type BarsRequest,
  type DataSourceCallOptions,
  type DataSourceCapabilities,
  type DataSourceV1,
  type InstrumentRequest,
  type InstrumentSpec,
  parseTimestep,
} from '@lb/core';
import { canonicalJson } from './parameter-grid.js';

/** What a worker needs to know of the origin source to behave like it: its id and capabilities. */
export interface SourceDescription {
  readonly sourceId: string;
  readonly capabilities: DataSourceCapabilities;
}

/** A bars request in plain JSON. */
export interface BarsRequestMessage {
  readonly kind: 'bars';
  readonly asset: Asset;
  readonly timestep: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly exchange?: string;
  readonly forceCacheUpdate?: boolean;
}

/** A data request in plain JSON, as it crosses a thread, a process or Redis. */
export type DataRequestMessage =
  | BarsRequestMessage
  | {
      readonly kind: 'instrument';
      readonly asset: Asset;
      readonly atMs: number;
      readonly exchange?: string;
      readonly forceCacheUpdate?: boolean;
    }
  | {
      /** The origin's `doApproveDownloads` of these requests: one price check of their total. */
      readonly kind: 'approval';
      readonly requests: readonly BarsRequestMessage[];
    };

/** What the origin answers: bars, an instrument spec, or one estimate in USD per approved request. */
export type DataAnswer = Bars | InstrumentSpec | readonly (number | undefined)[];

/** How a worker obtains data from wherever the origin source lives (its parent thread, or Redis). */
export interface DataRelay {
  loadBars(request: Extract<DataRequestMessage, { kind: 'bars' }>): Promise<Bars>;
  loadInstrument(request: Extract<DataRequestMessage, { kind: 'instrument' }>): Promise<InstrumentSpec>;
  /**
   * Has the origin approve downloads together (its `doApproveDownloads`), so its cost limit applies to their
   * total rather than to each download. Without it the relay offers no approval and the origin checks each
   * download alone.
   */
  approveDownloads?(
    request: Extract<DataRequestMessage, { kind: 'approval' }>,
  ): Promise<readonly (number | undefined)[]>;
}

/** The id and capabilities of `source`, to hand to workers. */
export function describeSource(source: DataSourceV1): SourceDescription {
  return { sourceId: source.sourceId, capabilities: source.capabilities };
}

/** A stable key of a request: equal requests, whatever their key order, share one download. */
export function dataRequestKey(request: DataRequestMessage): string {
  return canonicalJson(request);
}

/**
 * Serves one relayed request from the origin source. Requests arrive exactly as the backtest made them of
 * the worker's relay source, so the origin sees the same calls a sequential `backtest()` would make.
 */
export function serveDataRequest(
  source: DataSourceV1,
  request: DataRequestMessage,
  options: DataSourceCallOptions = {},
): Promise<DataAnswer> {
  if (request.kind === 'approval') {
    if (source.capabilities.downloadApproval !== true || source.doApproveDownloads === undefined) {
      return Promise.resolve(request.requests.map(() => undefined));
    }
    return source.doApproveDownloads(request.requests.map(barsRequest), options);
  }
  const common = {
    asset: request.asset,
    ...(request.exchange === undefined ? {} : { exchange: request.exchange }),
    ...(request.forceCacheUpdate === undefined ? {} : { forceCacheUpdate: request.forceCacheUpdate }),
  };
  if (request.kind === 'bars') return source.doFetchBars(barsRequest(request), options);
  if (source.doFetchInstrument === undefined) {
    return Promise.reject(new Error(`Source "${source.sourceId}" has no instrument specs.`));
  }
  return source.doFetchInstrument({ ...common, at: new Date(request.atMs) }, options);
}

function barsRequest(message: BarsRequestMessage): BarsRequest {
  return {
    asset: message.asset,
    timestep: parseTimestep(message.timestep),
    start: new Date(message.startMs),
    end: new Date(message.endMs),
    ...(message.exchange === undefined ? {} : { exchange: message.exchange }),
    ...(message.forceCacheUpdate === undefined ? {} : { forceCacheUpdate: message.forceCacheUpdate }),
  };
}

function barsMessage(request: BarsRequest): BarsRequestMessage {
  return {
    kind: 'bars',
    asset: request.asset,
    timestep: request.timestep.label,
    startMs: request.start.getTime(),
    endMs: request.end.getTime(),
    ...(request.exchange === undefined ? {} : { exchange: request.exchange }),
    ...(request.forceCacheUpdate === undefined ? {} : { forceCacheUpdate: request.forceCacheUpdate }),
  };
}

function instrumentMessage(request: InstrumentRequest): Extract<DataRequestMessage, { kind: 'instrument' }> {
  return {
    kind: 'instrument',
    asset: request.asset,
    atMs: request.at.getTime(),
    ...(request.exchange === undefined ? {} : { exchange: request.exchange }),
    ...(request.forceCacheUpdate === undefined ? {} : { forceCacheUpdate: request.forceCacheUpdate }),
  };
}

/** Settings of {@link createRelayDataSource}. */
export interface RelayDataSourceSettings {
  readonly description: SourceDescription;
  readonly relay: DataRelay;
  /**
   * Answers already obtained, by request key. Pass one map for every run of a worker so the parameter sets
   * it runs share one copy of each series.
   */
  readonly cache?: Map<string, Promise<unknown>>;
}

/**
 * A {@link DataSourceV1} inside a worker that forwards each distinct request once to the origin (through
 * `relay`) and serves repeats from memory, so `backtest()` runs unchanged.
 */
export function createRelayDataSource(settings: RelayDataSourceSettings): DataSourceV1 {
  const cache = settings.cache ?? new Map<string, Promise<unknown>>();
  const once = <T>(message: DataRequestMessage, load: () => Promise<T>): Promise<T> => {
    const key = dataRequestKey(message);
    let pending = cache.get(key) as Promise<T> | undefined;
    if (pending === undefined) {
      pending = load();
      cache.set(key, pending);
      // A failed load is not kept: a retry of the parameter set asks again.
      pending.catch(() => cache.delete(key));
    }
    return pending;
  };
  const { relay } = settings;
  const approves =
    settings.description.capabilities.downloadApproval === true && relay.approveDownloads !== undefined;
  const source: DataSourceV1 = {
    specificationVersion: 'v1',
    sourceId: settings.description.sourceId,
    // Listing is not relayed (a worker never lists), so the relay must not claim it even if the origin can.
    capabilities: { ...settings.description.capabilities, downloadApproval: approves, assetListing: false },
    async doFetchBars(request, options = {}) {
      options.signal?.throwIfAborted();
      const message = barsMessage(request);
      return once(message, () => settings.relay.loadBars(message));
    },
  };
  if (approves) {
    // Relayed once per distinct set of requests: every parameter set of a sweep makes the same call, and
    // the origin prices it once, so its cost limit covers the total of the sweep's downloads.
    source.doApproveDownloads = async (requests, options = {}) => {
      options.signal?.throwIfAborted();
      const message: DataRequestMessage = { kind: 'approval', requests: requests.map(barsMessage) };
      return once(message, () => relay.approveDownloads!(message));
    };
  }
  if (settings.description.capabilities.instruments) {
    source.doFetchInstrument = async (request, options = {}) => {
      options.signal?.throwIfAborted();
      const message = instrumentMessage(request);
      return once(message, () => settings.relay.loadInstrument(message));
    };
  }
  return source;
}
