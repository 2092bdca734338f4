/**
 * Errors thrown by @lb packages. Every class carries a `Symbol.for` marker so `isInstance` works across
 * duplicate installs of a package (where `instanceof` would fail), and keeps context in typed fields.
 */

const baseMarker = Symbol.for('lb.error');

/** Options accepted by every {@link LbError} constructor. */
export interface LbErrorOptions {
  /** The underlying error, if any. Always pass it on when wrapping. */
  cause?: unknown;
}

/** Base class of every error thrown by @lb packages. */
export class LbError extends Error {
  private readonly [baseMarker] = true;

  constructor(message: string, options: LbErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LbError';
  }

  /** True when `error` is an {@link LbError} from any copy of @lb/core. */
  static isInstance(error: unknown): error is LbError {
    return hasMarker(error, baseMarker);
  }
}

function hasMarker(error: unknown, marker: symbol): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
}

/**
 * Creates a marker and an `isInstance` check for an error subclass. Kept as a helper so each subclass stays
 * a few lines and every marker follows the `lb.error.<Name>` convention.
 */
function markerFor(name: string): symbol {
  return Symbol.for(`lb.error.${name}`);
}

const invalidAssetMarker = markerFor('InvalidAssetError');
/** An asset definition is malformed (empty symbol, bad expiration, contradictory fields...). */
export class InvalidAssetError extends LbError {
  private readonly [invalidAssetMarker] = true;
  /** The offending input, as given. */
  readonly input: unknown;
  constructor(message: string, options: LbErrorOptions & { input?: unknown } = {}) {
    super(message, options);
    this.name = 'InvalidAssetError';
    this.input = options.input;
  }
  static override isInstance(error: unknown): error is InvalidAssetError {
    return hasMarker(error, invalidAssetMarker);
  }
}

const invalidTimestepMarker = markerFor('InvalidTimestepError');
/** A timestep string could not be parsed. */
export class InvalidTimestepError extends LbError {
  private readonly [invalidTimestepMarker] = true;
  /** The string that failed to parse. */
  readonly input: string;
  constructor(message: string, options: LbErrorOptions & { input: string }) {
    super(message, options);
    this.name = 'InvalidTimestepError';
    this.input = options.input;
  }
  static override isInstance(error: unknown): error is InvalidTimestepError {
    return hasMarker(error, invalidTimestepMarker);
  }
}

const invalidArgumentMarker = markerFor('InvalidArgumentError');
/** A function argument is out of range or malformed (e.g. a time range whose start is after its end). */
export class InvalidArgumentError extends LbError {
  private readonly [invalidArgumentMarker] = true;
  /** Name of the argument or setting at fault. */
  readonly argument: string;
  constructor(message: string, options: LbErrorOptions & { argument: string }) {
    super(message, options);
    this.name = 'InvalidArgumentError';
    this.argument = options.argument;
  }
  static override isInstance(error: unknown): error is InvalidArgumentError {
    return hasMarker(error, invalidArgumentMarker);
  }
}

const unsupportedMarker = markerFor('UnsupportedFunctionalityError');
/** A data source or broker does not support the requested operation. Never returned as empty data. */
export class UnsupportedFunctionalityError extends LbError {
  private readonly [unsupportedMarker] = true;
  /** The operation that is not supported, e.g. `getChains`. */
  readonly functionality: string;
  constructor(message: string, options: LbErrorOptions & { functionality: string }) {
    super(message, options);
    this.name = 'UnsupportedFunctionalityError';
    this.functionality = options.functionality;
  }
  static override isInstance(error: unknown): error is UnsupportedFunctionalityError {
    return hasMarker(error, unsupportedMarker);
  }
}

const dataSourceMarker = markerFor('DataSourceError');
/** A data source failed to deliver data. Subclassed by source packages for API and decoding failures. */
export class DataSourceError extends LbError {
  private readonly [dataSourceMarker] = true;
  /** The `sourceId` of the failing source. */
  readonly sourceId: string;
  /** Whether retrying the same request may succeed. */
  readonly isRetryable: boolean;
  constructor(message: string, options: LbErrorOptions & { sourceId: string; isRetryable?: boolean }) {
    super(message, options);
    this.name = 'DataSourceError';
    this.sourceId = options.sourceId;
    this.isRetryable = options.isRetryable ?? false;
  }
  static override isInstance(error: unknown): error is DataSourceError {
    return hasMarker(error, dataSourceMarker);
  }
}

const dataSourceApiMarker = markerFor('DataSourceApiError');
/** A data source's remote API answered with an error status. The URL never contains credentials. */
export class DataSourceApiError extends DataSourceError {
  private readonly [dataSourceApiMarker] = true;
  /** HTTP status code, or undefined when no response arrived (reset, timeout). */
  readonly statusCode: number | undefined;
  /** Request URL without credentials. */
  readonly url: string;
  /** The error message the remote API returned, if any. */
  readonly apiMessage: string | undefined;
  constructor(
    message: string,
    options: LbErrorOptions & {
      sourceId: string;
      url: string;
      statusCode?: number;
      apiMessage?: string;
      isRetryable: boolean;
    },
  ) {
    super(message, options);
    this.name = 'DataSourceApiError';
    this.statusCode = options.statusCode;
    this.url = options.url;
    this.apiMessage = options.apiMessage;
  }
  static override isInstance(error: unknown): error is DataSourceApiError {
    return hasMarker(error, dataSourceApiMarker);
  }
}

const missingCredentialsMarker = markerFor('MissingCredentialsError');
/** A request needs credentials that were neither passed nor found in the environment. */
export class MissingCredentialsError extends LbError {
  private readonly [missingCredentialsMarker] = true;
  /** The environment variable that would supply the credential. */
  readonly environmentVariable: string;
  constructor(message: string, options: LbErrorOptions & { environmentVariable: string }) {
    super(message, options);
    this.name = 'MissingCredentialsError';
    this.environmentVariable = options.environmentVariable;
  }
  static override isInstance(error: unknown): error is MissingCredentialsError {
    return hasMarker(error, missingCredentialsMarker);
  }
}

const invalidSettingsMarker = markerFor('InvalidSettingsError');
/** Settings passed to a `create…` function (or read from the environment) failed validation. */
export class InvalidSettingsError extends LbError {
  private readonly [invalidSettingsMarker] = true;
  /** One entry per bad field: the field path and what is wrong with it. */
  readonly issues: ReadonlyArray<{ readonly path: string; readonly message: string }>;
  constructor(
    message: string,
    options: LbErrorOptions & { issues: ReadonlyArray<{ path: string; message: string }> },
  ) {
    super(message, options);
    this.name = 'InvalidSettingsError';
    this.issues = options.issues;
  }
  static override isInstance(error: unknown): error is InvalidSettingsError {
    return hasMarker(error, invalidSettingsMarker);
  }
}

const dataNotLoadedMarker = markerFor('DataNotLoadedError');
/**
 * A synchronous data accessor (`getLoadedHistoricalPrices`, `getLoadedLastPrice`) was asked for a series
 * that is not in memory yet. The hook is not re-run: load the series once with the async accessor first.
 */
export class DataNotLoadedError extends LbError {
  private readonly [dataNotLoadedMarker] = true;
  /** The asset asked for, as a readable key (e.g. `future:MESH4`). */
  readonly asset: string;
  /** The timestep asked for (e.g. `1m`). */
  readonly timestep: string;
  /** The number of bars asked for. */
  readonly length: number;
  constructor(
    message: string,
    options: LbErrorOptions & { asset: string; timestep: string; length: number },
  ) {
    super(message, options);
    this.name = 'DataNotLoadedError';
    this.asset = options.asset;
    this.timestep = options.timestep;
    this.length = options.length;
  }
  static override isInstance(error: unknown): error is DataNotLoadedError {
    return hasMarker(error, dataNotLoadedMarker);
  }
}
